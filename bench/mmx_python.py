"""Writing and reading float32 tensors from Python: polyfmt MMX beside numpy,
safetensors and h5py, in one run.

    python bench/mmx_python.py [--size-mb 128] [--tensors 16] [--reps 3]
    python bench/mmx_python.py --table [--size-mb 1024] [--tensors 16] [--reps 3]

Without --table (what make bench runs): issue 10's setup, MMX at its
defaults beside safetensors, 16 float32 tensors of 128 MiB in all, best of
3 rounds, each round alternating the two (and MMX with checksum="sha256",
for information, and with checksum="crc32c"):

  durable write    MMX: File.create(path) (default: its commit fsyncs),
                   write_tensor each, commit, close. safetensors: save_file,
                   then os.fsync of the file and of its directory.
  page-cache write MMX with no_sync=True; safetensors' save_file alone.
  read cold        after posix_fadvise(DONTNEED) on the file: MMX
                   File.open(path) (defaults: memory-mapped, verify="on_read",
                   so each chunk's checksum is checked on this first read) and
                   f[name] per tensor; safetensors safe_open(framework="np") and
                   get_tensor per tensor; every element summed (arr.sum()).
  read warm        the same again at once (file in the page cache; a new open,
                   so MMX checks its checksums again).

Each of the four ratios (MMX ÷ safetensors, MB/s) is printed and, when
$POLYFMT_RATIOS names a file, appended to it as a JSON line with goal
">= 1.0" (internal/benchratio; bench/table.py prints them); the
SHA-256 and CRC-32C rows are appended with no goal.

--table: the 1 GiB comparison with numpy and h5py below.

The data: --tensors float32 tensors totalling --size-mb MiB (default 16 of
64 MiB, [4096, 4096] each; standard normal, so nothing compresses). Every
format writes all of them to one temporary directory (--dir, default the
system temp dir; the script prints its device) and reads them back:

  polyfmt MMX      one .mmx file: File.create(no_sync=True), write_tensor each
                   (raw), commit, close. Read: File.open (memory-mapped) and
                   f[name], a zero-copy read-only ndarray over the mapping;
                   the default verify="on_read" checks each chunk's SHA-256
                   on that read, verify="never" does not.
                   "MMX, own fsync": the default no_sync=False, whose commit
                   fsyncs itself (its write column then includes that).
                   "MMX, reopen": no_sync=True into an empty MMX file made
                   (create + close, untimed) just before and opened with
                   File.open(writable=True): the same writes without the
                   truncate(0) of create, after which ext4 (auto_da_alloc)
                   flushes the file when it is closed.
  numpy            one .npy per tensor: np.save / np.load (a copy in memory)
  safetensors      one file: safetensors.numpy.save_file / load_file (all
                   tensors at once), and safe_open + get_tensor per tensor
  h5py             one HDF5 file, one dataset per tensor (contiguous, no
                   filters): create_dataset(data=) / ds[()]

If polyfmt.mmx cannot be imported (or --ctypes is given), MMX goes through
the C ABI directly with ctypes: pf_mmx_create / pf_mmx_write / pf_mmx_commit /
pf_close, and pf_mmx_open / pf_mmx_read, whose borrowed view becomes an
ndarray with np.frombuffer over the mapped memory. The library is
$POLYFMT_LIB, else the package's, else build/libpolyfmt.so.

What is timed, the same for every format:
  write        from the first byte written until the writer has closed its
               file(s): data in the page cache, nothing forced to disk
  write+fsync  the same plus os.fsync of every file written and of the
               directory: data on disk
  read cold    after posix_fadvise(DONTNEED) on every file (its pages leave
               the page cache; only these files, nothing system-wide): open,
               get every tensor as an ndarray, and arr.sum() over all its
               elements, then close
  read warm    the same read again at once (files in the page cache)
Each round does every format in turn (write, fsync, cold read, warm read,
delete), so all see the same machine load; a figure is the best of --reps
rounds, with the range over rounds beside it. MB/s is 10^6 bytes per second
of tensor data. "sum only" is arr.sum() over the tensors already in memory:
the part of every read that is not the format's.

Before each timed write and read, the script touches and frees --size-mb +
256 MiB of anonymous memory (untimed; --no-prefault skips it). On this
project's VM, memory the guest freed is handed back to the host (virtio
balloon free page reporting) and touching such a page again costs ~10 µs
more (the first write of 1 GiB into the page cache runs at ~300 MB/s, the
next at 3-4 GB/s), so without this a writer's speed depends mostly on what
ran before it.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import benchratio  # bench/benchratio.py, beside this script
import numpy as np

Tensors = Dict[str, np.ndarray]


# ---- polyfmt: the package's mmx module, or the C ABI through ctypes -------------


def load_mmx_module(force_ctypes: bool):
    if force_ctypes:
        return None
    try:
        from polyfmt import mmx  # type: ignore

        mmx.File  # noqa: B018  (the module exists and has its class)
        return mmx
    except Exception as e:  # ImportError, LibraryError, an unfinished module
        print(f"# polyfmt.mmx not usable ({type(e).__name__}: {e}); using the C ABI through ctypes", file=sys.stderr)
        return None


class CAbi:
    """The few MMX functions of polyfmt.h, called directly."""

    def __init__(self) -> None:
        path = os.environ.get("POLYFMT_LIB")
        if not path:
            try:
                from polyfmt import _lib  # type: ignore

                path = str(_lib.library_path())
            except Exception:
                path = ""
        if not path or not Path(path).is_file():
            path = str(Path(__file__).resolve().parent.parent / "build" / "libpolyfmt.so")
        self.path = path
        L = ctypes.CDLL(path)
        vp, sz, u32, i32 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_int32
        P = ctypes.POINTER
        sig = {
            "pf_errmsg": ((u32,), ctypes.c_char_p),
            "pf_close": ((u32,), i32),
            "pf_free": ((vp,), i32),
            "pf_mmx_create": ((ctypes.c_char_p, sz, ctypes.c_char_p, sz, P(u32)), i32),
            "pf_mmx_open": ((ctypes.c_char_p, sz, i32, ctypes.c_char_p, sz, P(u32)), i32),
            "pf_mmx_write": ((u32, ctypes.c_char_p, sz, ctypes.c_char_p, sz, vp, sz), i32),
            "pf_mmx_commit": ((u32,), i32),
            "pf_mmx_read": ((u32, ctypes.c_char_p, sz, P(vp), P(sz), P(vp), P(sz), P(i32)), i32),
        }
        for name, (args, res) in sig.items():
            fn = getattr(L, name)
            fn.argtypes, fn.restype = list(args), res
        self.L = L

    def check(self, rc: int, h: int) -> None:
        if rc != 0:
            raise RuntimeError(f"polyfmt error {rc}: {self.L.pf_errmsg(h).decode(errors='replace')}")

    def create(self, path: str, no_sync: bool) -> int:
        p, o = path.encode(), json.dumps({"no_sync": no_sync}).encode()
        h = ctypes.c_uint32()
        self.check(self.L.pf_mmx_create(p, len(p), o, len(o), ctypes.byref(h)), 0)
        return h.value

    def open_writable(self, path: str, no_sync: bool) -> int:
        p, o = path.encode(), json.dumps({"no_sync": no_sync}).encode()
        h = ctypes.c_uint32()
        self.check(self.L.pf_mmx_open(p, len(p), 1, o, len(o), ctypes.byref(h)), 0)
        return h.value

    def write(self, h: int, name: str, a: np.ndarray) -> None:
        n = name.encode()
        d = json.dumps({"chunk_type": "Tensor", "dtype": "float32", "shape": list(a.shape)}).encode()
        self.check(self.L.pf_mmx_write(h, n, len(n), d, len(d), a.ctypes.data, a.nbytes), h)

    def commit_close(self, h: int) -> None:
        self.check(self.L.pf_mmx_commit(h), h)
        self.check(self.L.pf_close(h), h)

    def open(self, path: str, verify: str) -> int:
        p, o = path.encode(), json.dumps({"verify": verify}).encode()
        h = ctypes.c_uint32()
        self.check(self.L.pf_mmx_open(p, len(p), 0, o, len(o), ctypes.byref(h)), 0)
        return h.value

    def read_sum(self, h: int, name: str) -> float:
        """pf_mmx_read; the borrowed view as an ndarray; its sum."""
        n = name.encode()
        js, jl = ctypes.c_void_p(), ctypes.c_size_t()
        data, dl, borrowed = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_int32()
        self.check(
            self.L.pf_mmx_read(
                h,
                n,
                len(n),
                ctypes.byref(js),
                ctypes.byref(jl),
                ctypes.byref(data),
                ctypes.byref(dl),
                ctypes.byref(borrowed),
            ),
            h,
        )
        try:
            doc = json.loads(ctypes.string_at(js.value, jl.value))
            spec = doc["arrays"]["data"]
            buf = (ctypes.c_char * dl.value).from_address(data.value)
            a = np.frombuffer(buf, dtype="<f4", count=spec["nbytes"] // 4, offset=spec["offset"]).reshape(spec["shape"])
            s = float(a.sum())
            del a, buf
        finally:
            self.L.pf_free(js)
            if not borrowed.value:
                self.L.pf_free(data)
        return s

    def close(self, h: int) -> None:
        self.check(self.L.pf_close(h), h)


# ---- the formats: write(path, tensors) and read(path, names) -> sum ------------


class Format:
    name: str = ""
    ext: str = ""

    def write(self, path: str, tensors: Tensors) -> None:
        raise NotImplementedError

    def read(self, path: str, names: List[str]) -> float:
        raise NotImplementedError

    def prepare(self, path: str) -> None:
        pass

    def files(self, path: str) -> List[str]:
        if os.path.isdir(path):
            return [os.path.join(path, f) for f in sorted(os.listdir(path))]
        return [path]


class MMX(Format):
    ext = ".mmx"

    def __init__(
        self, mod, abi: Optional[CAbi], verify: str = "on_read", own_sync: bool = False, reopen: bool = False
    ) -> None:
        self.mod, self.abi, self.verify, self.own_sync, self.reopen = mod, abi, verify, own_sync, reopen
        how = ", own fsync" if own_sync else ", reopen" if reopen else ""
        self.name = f"polyfmt MMX{how} (verify={verify})"

    def prepare(self, path: str) -> None:
        """Untimed: the empty file a reopen writer opens."""
        if not self.reopen:
            return
        if self.mod is not None:
            self.mod.File.create(path, no_sync=True).close()
        else:
            assert self.abi is not None
            self.abi.close(self.abi.create(path, no_sync=True))

    def write(self, path: str, tensors: Tensors) -> None:
        if self.mod is not None:
            if self.reopen:
                f = self.mod.File.open(path, writable=True, no_sync=True)
            else:
                f = self.mod.File.create(path, no_sync=not self.own_sync)
            for k, a in tensors.items():
                f.write_tensor(k, a)
            f.commit()
            f.close()
        else:
            assert self.abi is not None
            if self.reopen:
                h = self.abi.open_writable(path, no_sync=True)
            else:
                h = self.abi.create(path, no_sync=not self.own_sync)
            for k, a in tensors.items():
                self.abi.write(h, k, a)
            self.abi.commit_close(h)

    def read(self, path: str, names: List[str]) -> float:
        s = 0.0
        if self.mod is not None:
            f = self.mod.File.open(path, verify=self.verify)
            for k in names:
                s += float(f[k].sum())  # a view of the mapping, dropped at once
            f.close()
        else:
            assert self.abi is not None
            h = self.abi.open(path, self.verify)
            for k in names:
                s += self.abi.read_sum(h, k)
            self.abi.close(h)
        return s


class Numpy(Format):
    name, ext = "numpy np.save / np.load", ".npydir"

    def write(self, path: str, tensors: Tensors) -> None:
        os.mkdir(path)
        for k, a in tensors.items():
            np.save(os.path.join(path, k + ".npy"), a)

    def read(self, path: str, names: List[str]) -> float:
        return sum(float(np.load(os.path.join(path, k + ".npy")).sum()) for k in names)


class SafetensorsLoad(Format):
    name, ext = "safetensors save_file / load_file", ".safetensors"

    def write(self, path: str, tensors: Tensors) -> None:
        from safetensors.numpy import save_file

        save_file(tensors, path)

    def read(self, path: str, names: List[str]) -> float:
        from safetensors.numpy import load_file

        d = load_file(path)
        s = sum(float(d[k].sum()) for k in names)
        del d
        return s


class SafetensorsOpen(SafetensorsLoad):
    name = "safetensors save_file / safe_open"

    def read(self, path: str, names: List[str]) -> float:
        from safetensors import safe_open

        s = 0.0
        with safe_open(path, framework="np") as f:
            for k in names:
                s += float(f.get_tensor(k).sum())
        return s


class H5(Format):
    name, ext = "h5py (dataset per tensor)", ".h5"

    def write(self, path: str, tensors: Tensors) -> None:
        import h5py

        with h5py.File(path, "w") as f:
            for k, a in tensors.items():
                f.create_dataset(k, data=a)

    def read(self, path: str, names: List[str]) -> float:
        import h5py

        s = 0.0
        with h5py.File(path, "r") as f:
            for k in names:
                s += float(f[k][()].sum())
        return s


# ---- the harness ------------------------------------------------------------------


def fsync_all(paths: List[str], directory: str) -> None:
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def drop_cache(paths: List[str]) -> None:
    """Evicts these files' (clean) pages from the page cache."""
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def prefault(nbytes: int) -> None:
    """Touches and frees nbytes of memory, so the next allocations find pages the host backs."""
    a = np.empty(nbytes, dtype=np.uint8)
    a[::4096] = 1
    del a


def remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


COLUMNS = ("write", "write+fsync", "read cold", "read warm")


def make_tensors(size_mb: int, count: int, cols: int) -> Tuple[Tensors, List[str], int, float]:
    """count standard-normal float32 tensors of size_mb MiB in all, cols wide
    when the size allows; their names, total bytes and the sum of every element."""
    per = size_mb * (1 << 20) // count // 4  # float32 elements per tensor
    width = cols if per % cols == 0 else 1
    rng = np.random.default_rng(1)
    tensors: Tensors = {
        f"layer{i:02d}": rng.standard_normal(per, dtype=np.float32).reshape(-1, width) for i in range(count)
    }
    total = sum(a.nbytes for a in tensors.values())
    return tensors, list(tensors), total, sum(float(a.sum()) for a in tensors.values())


def report_ratio(measure: str, ours: float, peer: float, peer_name: str, goal: str) -> None:
    """Appends one benchratio line to $POLYFMT_RATIOS, if set."""
    benchratio.report(measure, ours, peer, peer_name, "MB/s", goal, "bench/mmx_python.py")


def issue_setup(args: argparse.Namespace) -> int:
    """Issue 10: MMX at its defaults beside safetensors (see the module doc)."""
    try:
        import safetensors
        from safetensors import safe_open
        from safetensors.numpy import save_file

        import polyfmt
        from polyfmt import mmx
    except ImportError as e:
        print(f"needs polyfmt and safetensors (pip install safetensors): {e}", file=sys.stderr)
        return 2

    tensors, names, total, expect = make_tensors(args.size_mb, args.tensors, 1024)
    tmp = tempfile.mkdtemp(prefix="mmx_issue_", dir=args.dir)
    print(
        f"# issue 10 setup: {args.tensors} float32 tensors {tensors[names[0]].shape}, {total / 2**20:.0f} MiB; "
        f"best of {args.reps}; temp dir {tmp}"
    )
    print(
        f"# python {sys.version.split()[0]}, numpy {np.__version__}, safetensors {safetensors.__version__}, "
        f"polyfmt {getattr(polyfmt, '__version__', '?')} ({polyfmt._lib.library_path()})"
    )

    def mmx_write(path: str, no_sync: bool, checksum: Optional[str]) -> None:
        f = mmx.File.create(path, no_sync=no_sync, checksum=checksum)
        for k, a in tensors.items():
            f.write_tensor(k, a)
        f.commit()
        f.close()

    def st_write(path: str, sync: bool) -> None:
        save_file(tensors, path)
        if sync:
            fsync_all([path], tmp)

    def mmx_read(path: str) -> float:
        s = 0.0
        f = mmx.File.open(path)
        for k in names:
            s += float(f[k].sum())
        f.close()
        return s

    def st_read(path: str) -> float:
        s = 0.0
        with safe_open(path, framework="np") as f:
            for k in names:
                s += float(f.get_tensor(k).sum())
        return s

    # who: (label, write(path, durable), read(path))
    who = [
        ("MMX", lambda p, d: mmx_write(p, not d, None), mmx_read),
        ("safetensors", lambda p, d: st_write(p, d), st_read),
        ("MMX SHA-256 (option)", lambda p, d: mmx_write(p, not d, "sha256"), mmx_read),
        ("MMX CRC-32C (option)", lambda p, d: mmx_write(p, not d, "crc32c"), mmx_read),
    ]
    cols = ("durable write", "page-cache write", "read cold", "read warm")
    times: Dict[str, Dict[str, List[float]]] = {w[0]: {c: [] for c in cols} for w in who}

    def timed(fn: Any, *a: Any) -> Tuple[float, Any]:
        gc.collect()
        if not args.no_prefault:
            prefault(total + (256 << 20))
        t0 = time.perf_counter()
        out = fn(*a)
        return time.perf_counter() - t0, out

    try:
        for rnd in range(args.reps):
            for label, write, read in who:
                path = os.path.join(tmp, f"w{label[:3]}")
                times[label]["durable write"].append(timed(write, path, True)[0])
                remove(path)
                times[label]["page-cache write"].append(timed(write, path, False)[0])
                for col in ("read cold", "read warm"):
                    if col == "read cold":
                        fsync_all([path], tmp)  # clean pages, so DONTNEED drops them
                        drop_cache([path])
                    t, got = timed(read, path)
                    times[label][col].append(t)
                    if not np.isclose(got, expect, rtol=1e-3, atol=1.0):
                        raise SystemExit(f"{label}: read back sum {got}, wrote {expect}")
                remove(path)
            print(f"# round {rnd + 1} done", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def best(label: str, col: str) -> float:
        return total / min(times[label][col]) / 1e6

    def rng_(label: str, col: str) -> str:
        r = sorted(total / t / 1e6 for t in times[label][col])
        return f"{r[-1]:,.0f} ({r[0]:,.0f}–{r[-1]:,.0f})"

    print()
    print(f"MB/s, best of {args.reps} (range)")
    print("| | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for label, _, _ in who:
        print(f"| {label} | " + " | ".join(rng_(label, c) for c in cols) + " |")
    print("| MMX ÷ safetensors | " + " | ".join(f"{best('MMX', c) / best('safetensors', c):.2f}" for c in cols) + " |")
    size = f"{args.tensors}×{total // args.tensors // 2**20} MiB float32"
    what = {
        "durable write": "durable write (default commit vs save_file + fsync of file and directory)",
        "page-cache write": "page-cache write (no_sync=True vs save_file)",
        "read cold": (
            "cold read at defaults (File.open + f[name], checksum checked (CRC-32C), vs safe_open + get_tensor), sum"
        ),
        "read warm": (
            "warm read at defaults (File.open + f[name], verify on_read: chunks the cold read verified"
            " are not hashed again, vs safe_open + get_tensor), sum"
        ),
    }
    for c in cols:
        report_ratio(f"MMX Python {what[c]}, {size}", best("MMX", c), best("safetensors", c), "safetensors", ">= 1.0")
        for alg in ("SHA-256", "CRC-32C"):
            report_ratio(
                f"MMX Python with checksum={alg.lower().replace('-', '')} (option): {c}, {size}",
                best(f"MMX {alg} (option)", c),
                best("safetensors", c),
                "safetensors",
                "",
            )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--table", action="store_true", help="the 1 GiB table beside numpy, safetensors and h5py")
    ap.add_argument("--size-mb", type=int, default=None, help="total tensor data in MiB (default 128; --table 1024)")
    ap.add_argument("--tensors", type=int, default=16, help="number of tensors (default 16)")
    ap.add_argument("--reps", type=int, default=3, help="rounds; each figure is the best (default 3)")
    ap.add_argument("--dir", default=None, help="parent of the temporary directory (default: the system temp dir)")
    ap.add_argument("--ctypes", action="store_true", help="use the C ABI through ctypes even if polyfmt.mmx imports")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold reads")
    ap.add_argument("--no-prefault", action="store_true", help="do not touch free memory before each timed step")
    args = ap.parse_args()
    if args.size_mb is None:
        args.size_mb = 1024 if args.table else 128
    if not args.table:
        return issue_setup(args)

    mod = load_mmx_module(args.ctypes)
    abi = None if mod is not None else CAbi()
    formats: List[Format] = [
        MMX(mod, abi, "on_read"),
        MMX(mod, abi, "never"),
        MMX(mod, abi, "on_read", own_sync=True),
        MMX(mod, abi, "on_read", reopen=True),
        Numpy(),
        SafetensorsLoad(),
        SafetensorsOpen(),
        H5(),
    ]
    try:
        import h5py
        import safetensors

        versions = f"safetensors {safetensors.__version__}, h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version})"
    except ImportError as e:
        print(f"needs safetensors and h5py (pip install safetensors h5py): {e}", file=sys.stderr)
        return 2

    tensors, names, total, expect = make_tensors(args.size_mb, args.tensors, 4096)

    tmp = tempfile.mkdtemp(prefix="mmx_bench_", dir=args.dir)
    st = os.statvfs(tmp)
    how = "polyfmt.mmx" if mod is not None else f"ctypes over {abi.path if abi else '?'}"
    print(
        f"# {args.tensors} float32 tensors {tensors[names[0]].shape}, {total / 2**20:.0f} MiB; "
        f"{args.reps} rounds; temp dir {tmp} "
        f"(device {os.stat(tmp).st_dev:#x}, {st.f_bavail * st.f_frsize / 2**30:.0f} GiB free)"
    )
    print(f"# python {sys.version.split()[0]}, numpy {np.__version__}, {versions}; MMX through {how}")

    times: Dict[str, Dict[str, List[float]]] = {f.name: {c: [] for c in COLUMNS} for f in formats}
    sum_only: List[float] = []
    try:
        for rnd in range(args.reps):
            t0 = time.perf_counter()
            s = sum(float(a.sum()) for a in tensors.values())
            sum_only.append(time.perf_counter() - t0)
            for f in formats:
                path = os.path.join(tmp, "data" + f.ext)
                f.prepare(path)
                gc.collect()
                if not args.no_prefault:
                    prefault(total + (256 << 20))
                t0 = time.perf_counter()
                f.write(path, tensors)
                t1 = time.perf_counter()
                files = f.files(path)
                fsync_all(files, tmp)
                t2 = time.perf_counter()
                times[f.name]["write"].append(t1 - t0)
                times[f.name]["write+fsync"].append(t2 - t0)
                reads = ["read warm"] if args.no_cold else ["read cold", "read warm"]
                for col in reads:
                    if col == "read cold":
                        drop_cache(files)
                    gc.collect()
                    if not args.no_prefault:
                        prefault(total + (256 << 20))
                    t0 = time.perf_counter()
                    s = f.read(path, names)
                    times[f.name][col].append(time.perf_counter() - t0)
                    if not np.isclose(s, expect, rtol=1e-3, atol=1.0):
                        raise SystemExit(f"{f.name}: read back sum {s}, wrote {expect}")
                remove(path)
            print(f"# round {rnd + 1} done", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def cell(ts: List[float]) -> str:
        if not ts:
            return "—"
        rates = sorted(total / t / 1e6 for t in ts)
        return f"{rates[-1]:,.0f} ({rates[0]:,.0f}–{rates[-1]:,.0f})"

    print()
    print(f"MB/s, best of {args.reps} (range)")
    print("| format | " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    for f in formats:
        print(f"| {f.name} | " + " | ".join(cell(times[f.name][c]) for c in COLUMNS) + " |")
    print(f"| sum only (tensors in memory) | | | | {cell(sum_only)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
