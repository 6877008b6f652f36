"""polyfmt: MMX and MEM8 files from Python (VSF v2 and MORK are planned).

A thin ctypes layer over libpolyfmt.so, the Go core's C library; every bit
of format logic lives in the library. The library is loaded on first use,
not at import, and the process must not fork after that (see
:mod:`polyfmt._lib`; use multiprocessing's ``spawn`` or ``forkserver``).

Modules: :mod:`polyfmt.mmx` (MMX multimodal containers, numpy arrays
without copies), :mod:`polyfmt.mem8` (MEM8 memory logs),
:mod:`polyfmt.errors` (one exception class per status code).
"""

from __future__ import annotations

from ctypes import byref, c_uint32

from . import _lib, errors, mem8, mmx
from .errors import (
    BadArgumentError,
    BadHandleError,
    ChecksumError,
    FormatError,
    InternalError,
    LimitError,
    LockedError,
    NoMemoryError,
    NotFoundError,
    PolyfmtError,
    PolyfmtIOError,
    UnsupportedError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "version",
    "errors",
    "mem8",
    "mmx",
    "PolyfmtError",
    "FormatError",
    "ChecksumError",
    "UnsupportedError",
    "LimitError",
    "NotFoundError",
    "BadArgumentError",
    "BadHandleError",
    "LockedError",
    "PolyfmtIOError",
    "NoMemoryError",
    "InternalError",
]


def version() -> str:
    """The loaded library's version, "major.minor.patch" (pf_version)."""
    out = c_uint32()
    errors.check(_lib.lib().pf_version(byref(out)), 0)
    v = out.value
    return f"{v >> 16}.{(v >> 8) & 0xFF}.{v & 0xFF}"
