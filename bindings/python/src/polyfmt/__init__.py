"""polyfmt: MMX, MEM8, VSF v2 and MORK files from Python.

A thin ctypes layer over libpolyfmt.so, the Go core's C library; every bit
of format logic lives in the library. The library is loaded on first use,
not at import, and the process must not fork after that (see
:mod:`polyfmt._lib`; use multiprocessing's ``spawn`` or ``forkserver``).

One entry point opens a file of any format, detected from its first
bytes, and returns its format's class (like safetensors' ``safe_open``)::

    import polyfmt

    with polyfmt.open("scene.mmx") as f:      # or the bytes of a file
        print(f.format, f.info)               # "mmx", {...}
    polyfmt.detect(b"MEM8...")                # "mem8"

Modules: :mod:`polyfmt.mmx` (MMX multimodal containers, numpy arrays
without copies), :mod:`polyfmt.mem8` (MEM8 memory logs),
:mod:`polyfmt.vsf` (VSF v2 typed, signed sections), :mod:`polyfmt.mork`
(MORK containers: MeTTa spaces as byte paths),
:mod:`polyfmt.errors` (one exception class per status code). Every
format's ``File`` class derives from :class:`polyfmt.File`, which owns the
handle and answers what every format does (``info``, ``verify``,
``refresh``, ``to_bytes``, ``close``).
"""

from __future__ import annotations

from ctypes import byref, c_uint32

from . import _generated, _lib, errors, mem8, mmx, mork, vsf
from ._file import FORMATS, File, Format, detect, open
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

__version__: str = _generated.VERSION
"""The version of the library this package was generated against (``version()`` is the loaded one's)."""

__all__ = [
    "__version__",
    "version",
    "open",
    "detect",
    "File",
    "Format",
    "FORMATS",
    "errors",
    "mem8",
    "mmx",
    "mork",
    "vsf",
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
