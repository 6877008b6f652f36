"""Compressed MMX chunks read from Python into a preallocated numpy array,
beside the codec's own Python binding decompressing the same bytes, in one run.

    python bench/mmx_compressed.py [--reps 12]

The data: 16 float32 tensors of 4 MiB ([1024, 1024]), the Go benchmark's
quantized sine (BenchmarkCompressed: a slowly modulated sine rounded to
1/4096 steps; LZ4 stores ~39% of it, zstd ~21%), written once per codec with
polyfmt.mmx (default levels) to a temporary file.

What is timed, per codec, each round alternating ours and the peer:

  ours         File.open (memory-mapped), read_into of every tensor into one
               preallocated float32 [1024, 1024] array, close: decompressed
               straight into the array, with the default verify="on_read"
               (the checksum of each chunk's stored bytes, CRC-32C by
               default, beside the decoding, on the first read of the
               file; later rounds read the same unchanged file, whose
               verified chunks are not hashed again) and with
               verify="never"
  peer lz4     python-lz4's lz4.block.decompress of each chunk's stored bytes
               (MMX stores the block with the same u32 size prefix), a new
               bytes object per chunk: the binding has no decompress-into
  peer zstd    zstandard's ZstdDecompressor: stream_reader(...).readinto
               of each frame into one preallocated array (decompress-into),
               and .decompress (a new bytes object per chunk); the faster
               of the two in each round is the peer

A figure is the best of --reps rounds (range over rounds beside it); MB/s is
10^6 bytes of tensor data per second. "per CPU-second" is the same data over
the process's CPU time (time.process_time: every thread, so polyfmt's hash
beside its decoding counts in full): the work, which a loaded machine skews
less than the wall clock. Each ratio (ours ÷ the peer, goal
≥ 0.8) is printed and, when $POLYFMT_RATIOS names a file, appended to it as
one JSON line (internal/benchratio's format). The library is
$POLYFMT_LIB, else the package's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import benchratio  # bench/benchratio.py, beside this script
import numpy as np

CHUNK = 4 << 20
CHUNKS = 16
TOTAL = CHUNK * CHUNKS


def quantized() -> np.ndarray:
    """BenchmarkCompressed's tensor data, [16, 1024, 1024] float32."""
    x = np.arange(TOTAL // 4, dtype=np.float64)
    v = np.sin(x * 0.001) * (0.6 + 0.4 * np.sin(x * 0.0000173 + 1))
    return (np.round(v * 4096) / 4096).astype(np.float32).reshape(CHUNKS, 1024, 1024)


def report(measure: str, ours: float, peer: float, peer_name: str) -> None:
    print(f"  {measure}: {ours:,.0f} MB/s beside {peer:,.0f} ({peer_name}): {ours / peer:.2f}×")
    benchratio.report(measure, ours, peer, peer_name, "MB/s", ">= 0.8", "bench/mmx_compressed.py")


def timed(fn: Callable[[], None], cpu: List[float]) -> float:
    """fn's throughput in MB/s of wall time; its MB per CPU-second (every
    thread of the process: polyfmt's hash beside the decoding counts) is
    appended to cpu."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    t1, c1 = time.perf_counter(), time.process_time()
    cpu.append(TOTAL / max(c1 - c0, 1e-9) / 1e6)
    return TOTAL / (t1 - t0) / 1e6


def bench_codec(codec: str, tmp: Path, data: np.ndarray, reps: int) -> None:
    """Writes data as one MMX file with codec, then times ours and the peers."""
    import lz4
    import lz4.block
    import zstandard

    from polyfmt import mmx

    names = [f"z{i:02d}" for i in range(CHUNKS)]
    out = np.empty((1024, 1024), np.float32)
    path = tmp / f"{codec}.mmx"
    with mmx.File.create(path, no_sync=True) as f:
        for n, a in zip(names, data):
            f.write_tensor(n, a, compression=codec)
    stored: List[bytes] = []
    with mmx.File.open(path) as f, open(path, "rb") as raw:
        for n in names:
            e = f.entry(n)
            raw.seek(e.offset)
            stored.append(raw.read(e.size))
    print(f"{codec}: {TOTAL >> 20} MiB stored as {sum(map(len, stored)) / 2**20:.1f} MiB")

    def ours(verify: str) -> None:
        with mmx.File.open(path, verify=verify) as f:
            for n in names:
                f.read_into(n, out)

    def lz4_alloc() -> None:
        for s in stored:
            np.frombuffer(lz4.block.decompress(s), np.float32)

    dctx = zstandard.ZstdDecompressor()
    view = memoryview(out).cast("B")

    def zstd_into() -> None:
        for s in stored:
            with dctx.stream_reader(s) as r:
                got = 0
                while got < CHUNK:
                    k = r.readinto(view[got:])
                    if k <= 0:
                        raise RuntimeError("zstd stream ended early")
                    got += k

    def zstd_alloc() -> None:
        for s in stored:
            np.frombuffer(dctx.decompress(s), np.float32)

    peers: Dict[str, Callable[[], None]] = {}
    if codec == "lz4":
        peers[f"python-lz4 {lz4.__version__} lz4.block.decompress"] = lz4_alloc
    else:
        peers[f"zstandard {zstandard.__version__} stream_reader.readinto"] = zstd_into
        peers[f"zstandard {zstandard.__version__} decompress"] = zstd_alloc

    # polyfmt decodes what was written, once.
    ours("on_read")
    np.testing.assert_array_equal(out, data[-1])
    runs: Dict[str, List[float]] = {"on_read": [], "never": [], **{p: [] for p in peers}}
    cpu: Dict[str, List[float]] = {k: [] for k in runs}
    for _ in range(reps):
        for verify in ("on_read", "never"):
            runs[verify].append(timed(partial(ours, verify), cpu[verify]))
        for p, fn in peers.items():
            runs[p].append(timed(fn, cpu[p]))
    for k, v in runs.items():
        print(
            f"  {k}: best {max(v):,.0f} MB/s (range {min(v):,.0f} – {max(v):,.0f}); "
            f"per CPU-second: best {max(cpu[k]):,.0f} MB"
        )
    best_peer: Tuple[str, float] = max(((p, max(runs[p])) for p in peers), key=lambda t: t[1])
    for verify, what in (("on_read", "verify on_read (defaults)"), ("never", "unchecked")):
        report(
            f"MMX {codec} read_into a preallocated numpy array, {what}, 16×4 MiB float32 (Python)",
            max(runs[verify]),
            best_peer[1],
            best_peer[0] + " (same run)",
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=12)
    args = ap.parse_args()
    data = quantized()
    with tempfile.TemporaryDirectory() as tmp:
        for codec in ("lz4", "zstd"):
            bench_codec(codec, Path(tmp), data, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
