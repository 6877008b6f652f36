"""Cost of one call across the ctypes boundary into libpolyfmt.so.

    python bench/abi_python.py [N]

Measures, in ns per call (best of 5 runs of N calls, default 1e6, in the
calling thread's CPU time, so that other processes on a shared machine do
not count; ours and the floors alternate):
  libc abs         a ctypes call that never enters Go (the issue's first floor)
  floor_version    a C function of pf_version's signature, int32_t (uint32_t *),
                   in a tiny library compiled here with cc, called with the same
                   argtypes/restype (from the generated table) and a byref argument
  pf_version       the most trivial export, through the typed ctypes table
  floor_count      likewise for pf_mem8_count's int32_t (uint32_t, uint64_t *)
  pf_mem8_count    a handle lookup (an in-memory MEM8 file), raw ctypes
  File.count()     the same through polyfmt.mem8 (check() and the object layer)
  File[0]          one block: two returned buffers, JSON decode, two pf_free

With $POLYFMT_RATIOS set, appends the ratios ours / floor (goal <= 1.3 for
the raw calls, information for File.count()) as JSON lines for
bench/table.py. Uses the installed polyfmt package (or POLYFMT_LIB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
import tempfile
import time
from ctypes import byref, c_int, c_uint32, c_uint64
from typing import Callable

import benchratio  # bench/benchratio.py, beside this script

import polyfmt
from polyfmt import _generated, _lib, mem8

FLOOR_C = """
#include <stdint.h>
int32_t floor_version(uint32_t *out) { *out = 0x000100; return 0; }
int32_t floor_count(uint32_t h, uint64_t *out) { *out = h; return 0; }
int32_t floor_close(uint32_t h) { return h == 0 ? 0 : 22; }
"""


def floor_lib(tmp: str) -> ctypes.CDLL:
    """The floor functions, compiled now; typed exactly as pf_version and pf_mem8_count are."""
    src, so = os.path.join(tmp, "floor.c"), os.path.join(tmp, "libfloor.so")
    with open(src, "w") as f:
        f.write(FLOOR_C)
    subprocess.run(
        [os.environ.get("CC", "cc"), "-O2", "-shared", "-fPIC", "-o", so, src],
        check=True,
    )
    lib = ctypes.CDLL(so)
    table = {name: (argtypes, restype) for name, argtypes, restype in _generated.FUNCTIONS}
    for floor, ours in (
        ("floor_version", "pf_version"),
        ("floor_count", "pf_mem8_count"),
        ("floor_close", "pf_close"),
    ):
        fn = getattr(lib, floor)
        fn.argtypes, fn.restype = list(table[ours][0]), table[ours][1]
    return lib


def per_call_ns(fns: dict[str, Callable[[int], None]], n: int, repeat: int = 5) -> dict[str, float]:
    """Best of repeat runs of n calls each, the functions alternating, in thread CPU ns per call."""
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.thread_time_ns()
            fn(n)
            best[name] = min(best[name], time.thread_time_ns() - t0)
    return {name: t / n for name, t in best.items()}


def report(measure: str, ours: float, floor: float, floor_name: str, goal: str) -> None:
    benchratio.report(measure, ours, floor, floor_name, "ns/call", goal, "bench/abi_python.py")


def main() -> None:
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000
    L = _lib.lib()
    pf_version, pf_mem8_count = L.pf_version, L.pf_mem8_count
    out32, out64 = c_uint32(), c_uint64()
    ref32, ref64 = byref(out32), byref(out64)

    def empty_loop(k: int) -> None:
        for _ in range(k):
            pass

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    c_abs = libc.abs
    c_abs.argtypes, c_abs.restype = [c_int], c_int

    def abs_loop(k: int) -> None:
        for _ in range(k):
            c_abs(-1)

    def version_loop(k: int) -> None:
        for _ in range(k):
            pf_version(ref32)

    tmp = tempfile.TemporaryDirectory()
    fl = floor_lib(tmp.name)
    floor_version, floor_count = fl.floor_version, fl.floor_count

    def floor_version_loop(k: int) -> None:
        for _ in range(k):
            floor_version(ref32)

    f = mem8.File.create()
    for i in range(3):
        f.append(f"block {i}", 0.5, timestamp_us=1_757_894_400_000_000 + i)
    h = f.handle

    def count_loop(k: int) -> None:
        for _ in range(k):
            pf_mem8_count(h, ref64)

    pf_close, floor_close = L.pf_close, fl.floor_close

    def close0_loop(k: int) -> None:
        for _ in range(k):
            pf_close(0)

    def floor_close_loop(k: int) -> None:
        for _ in range(k):
            floor_close(0)

    def floor_count_loop(k: int) -> None:
        for _ in range(k):
            floor_count(h, ref64)

    def wrapper_count_loop(k: int) -> None:
        for _ in range(k):
            f.count()

    def block_loop(k: int) -> None:
        for _ in range(k):
            f[0]

    assert pf_version(ref32) == 0 and pf_mem8_count(h, ref64) == 0 and out64.value == 3
    assert floor_version(ref32) == 0 and floor_count(h, ref64) == 0 and out64.value == h
    t = per_call_ns(
        {
            "empty": empty_loop,
            "abs": abs_loop,
            "floor_version": floor_version_loop,
            "pf_version": version_loop,
            "floor_count": floor_count_loop,
            "pf_mem8_count": count_loop,
            "File.count": wrapper_count_loop,
            "floor_close": floor_close_loop,
            "close0": close0_loop,
        },
        n,
    )
    py = sys.version.split()[0]
    print(f"polyfmt {polyfmt.version()}, Python {py}, {n} calls per run, best of 5 (thread CPU time)")
    print(f"  empty Python loop         {t['empty']:8.1f} ns/iter (not subtracted below)")
    print(f"  libc abs (ctypes floor)   {t['abs']:8.1f} ns/call")
    print(f"  floor_version (same sig)  {t['floor_version']:8.1f} ns/call")
    rv = t["pf_version"] / t["floor_version"]
    rc, rw = t["pf_mem8_count"] / t["floor_count"], t["File.count"] / t["floor_count"]
    print(f"  pf_version (ctypes)       {t['pf_version']:8.1f} ns/call  {rv:.2f}x floor")
    print(f"  floor_count (same sig)    {t['floor_count']:8.1f} ns/call")
    print(f"  pf_mem8_count (ctypes)    {t['pf_mem8_count']:8.1f} ns/call  {rc:.2f}x floor")
    print(f"  File.count() (wrapper)    {t['File.count']:8.1f} ns/call  {rw:.2f}x floor_count")
    print(f"  floor_close(0)            {t['floor_close']:8.1f} ns/call")
    entry = t["close0"] - t["floor_close"]
    print(f"  pf_close(0) (cgo alone)   {t['close0']:8.1f} ns/call  (+{entry:.1f} ns: entering Go)")
    m = max(n // 20, 1)
    block = per_call_ns({"block": block_loop}, m)["block"]
    print(f"  File[0] (block + JSON)    {block:8.1f} ns/call ({m} calls)")
    sig = "a C function of the same signature and argtypes, never entering Go"
    report(
        "ctypes: one pf_version call vs the same-signature C floor",
        t["pf_version"],
        t["floor_version"],
        sig,
        "<= 1.3",
    )
    report(
        "ctypes: one pf_mem8_count call (handle held) vs the same-signature C floor",
        t["pf_mem8_count"],
        t["floor_count"],
        sig,
        "<= 1.3",
    )
    report(
        "ctypes: pf_close(0), cgo's entry and exit alone, vs the same-signature C floor",
        t["close0"],
        t["floor_close"],
        sig,
        "",
    )
    report(
        "ctypes: mem8.File.count() (wrapper) vs the raw same-signature C floor",
        t["File.count"],
        t["floor_count"],
        sig,
        "",
    )
    tmp.cleanup()
    f.close()


if __name__ == "__main__":
    main()
