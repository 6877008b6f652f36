"""Reading a 1 GiB tensor from Python: a VSF unboxed section beside np.load.

    python bench/vsf_python.py [--size-mb 1024] [--reps 3]

One float32 array of --size-mb MiB (standard normal) is written twice into a
temporary directory: as a .npy (np.save) and as a VSF file whose unboxed
section holds the same little-endian bytes (vsf.VSF.create, put_unboxed,
commit; no whole-file hash, so nothing is hashed on either side). Then, for
each round, both files are read cold (posix_fadvise DONTNEED first) and warm:

  np.load            a copy in memory
  np.load mmap       np.load(mmap_mode="r"): a view of the mapping
  VSF raw            polyfmt.open (memory-mapped), f.raw(name): a read-only
                     zero-copy view of the mapping, then .view(np.float32)

Each read ends with arr.sum() over every element, so every byte is touched.
A figure is the best of --reps rounds, MB/s of 10^6 bytes of tensor data.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

import polyfmt
from polyfmt import vsf


def drop(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    n = args.size_mb * (1 << 20) // 4
    arr = np.random.default_rng(1).standard_normal(n, dtype=np.float32)
    with tempfile.TemporaryDirectory() as d:
        npy, vsfp = os.path.join(d, "a.npy"), os.path.join(d, "a.vsf")
        np.save(npy, arr)
        f = vsf.VSF.create(vsfp, no_sync=True)
        f.file_options(no_file_hash=True)
        f.put_unboxed("tensor", arr)
        f.commit()
        f.close()

        def load() -> None:
            np.load(npy).sum()

        def load_mmap() -> None:
            np.load(npy, mmap_mode="r").sum()

        def vsf_raw() -> None:
            with polyfmt.open(vsfp) as v:
                a = v.raw("tensor").view(np.float32)
                a.sum()
                del a

        rows = [("np.load", npy, load), ("np.load mmap", npy, load_mmap), ("VSF raw (zero-copy)", vsfp, vsf_raw)]
        best = {name: [1e9, 1e9] for name, _, _ in rows}
        for _ in range(args.reps):
            for name, path, fn in rows:
                drop(path)
                best[name][0] = min(best[name][0], timed(fn))
                best[name][1] = min(best[name][1], timed(fn))
        mb = arr.nbytes / 1e6
        print(f"{args.size_mb} MiB float32, best of {args.reps}; MB/s (seconds)")
        print(f"{'reader':22} {'cold':>18} {'warm':>18}")
        for name, (cold, warm) in best.items():
            print(f"{name:22} {mb / cold:9.0f} ({cold:5.3f}s) {mb / warm:9.0f} ({warm:5.3f}s)")
        t = timed(lambda: arr.sum())
        print(f"{'sum only':22} {'':>18} {mb / t:9.0f} ({t:5.3f}s)")


if __name__ == "__main__":
    main()
