"""Cost of one call across the ctypes boundary into libpolyfmt.so.

    python bench/abi_python.py [N]

Measures, in ns per call (best of 5 runs of N calls, default 1e6):
  libc abs         a ctypes call that never enters Go: the floor ctypes itself sets
  pf_version       the most trivial export, through the typed ctypes table
  pf_mem8_count    a handle lookup (an in-memory MEM8 file), raw ctypes
  File.count()     the same through polyfmt.mem8 (check() and the object layer)
  File[0]          one block: two returned buffers, JSON decode, two pf_free

Uses the installed polyfmt package (or POLYFMT_LIB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time
from ctypes import byref, c_int, c_uint32, c_uint64
from typing import Callable

import polyfmt
from polyfmt import _lib, mem8


def per_call_ns(fn: Callable[[int], None], n: int, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn(n)
        best = min(best, time.perf_counter_ns() - t0)
    return best / n


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

    f = mem8.File.create()
    for i in range(3):
        f.append(f"block {i}", 0.5, timestamp_us=1_757_894_400_000_000 + i)
    h = f.handle

    def count_loop(k: int) -> None:
        for _ in range(k):
            pf_mem8_count(h, ref64)

    def wrapper_count_loop(k: int) -> None:
        for _ in range(k):
            f.count()

    def block_loop(k: int) -> None:
        for _ in range(k):
            f[0]

    assert pf_version(ref32) == 0 and pf_mem8_count(h, ref64) == 0 and out64.value == 3
    base = per_call_ns(empty_loop, n)
    print(f"polyfmt {polyfmt.version()}, Python {sys.version.split()[0]}, {n} calls per run, best of 5")
    print(f"  empty Python loop         {base:8.1f} ns/iter (not subtracted below)")
    print(f"  libc abs (ctypes floor)   {per_call_ns(abs_loop, n):8.1f} ns/call")
    print(f"  pf_version (ctypes)       {per_call_ns(version_loop, n):8.1f} ns/call")
    print(f"  pf_mem8_count (ctypes)    {per_call_ns(count_loop, n):8.1f} ns/call")
    print(f"  File.count() (wrapper)    {per_call_ns(wrapper_count_loop, n):8.1f} ns/call")
    m = max(n // 20, 1)
    print(f"  File[0] (block + JSON)    {per_call_ns(block_loop, m):8.1f} ns/call ({m} calls)")
    f.close()


if __name__ == "__main__":
    main()
