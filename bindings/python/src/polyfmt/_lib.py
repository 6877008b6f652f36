"""Loading libpolyfmt.so and the one table of its C functions.

Every function declared in ``polyfmt.h`` appears exactly once in
:data:`FUNCTIONS` as ``(name, argtypes, restype)``. The table is applied when
the library is loaded, and loading fails with :class:`LibraryError` if the
library lacks any name in it, so a wrapper built against another header
never calls a function with the wrong signature.

The library is loaded lazily, on the first call of :func:`lib` (the first
use of anything in the package), not at import. It is found at:

1. the path in the environment variable ``POLYFMT_LIB``, when it is set;
2. otherwise ``libpolyfmt.so`` inside this package's directory, where
   ``pip install`` puts it.

Fork safety: the library holds a Go runtime, which does not survive
``fork()``: its threads are not copied to the child, so a call into it from a
forked child can hang. The process must not fork after the library is loaded
(``fork`` followed at once by ``exec``, as :mod:`subprocess` does, is fine).
With :mod:`multiprocessing` use the ``"spawn"`` or ``"forkserver"`` start
method, e.g. ``multiprocessing.get_context("spawn")``, or load the library
only in the workers. A forked child that tries to use the library anyway gets
a :class:`RuntimeError` from :func:`lib` instead of a hang.

Only one Go runtime can live in a process, so load one libpolyfmt.so only.

Pointer conventions of the table: input buffers are ``c_char_p`` (Python
``bytes`` are passed without a copy, borrowed for the call), except bulk
data that may come from numpy or another buffer (``pf_mmx_write``,
``pf_mmx_open_bytes``), which is ``c_void_p`` so that the wrapper can pass
the buffer's own address without first copying it into ``bytes``. Buffers
the library returns come back through ``POINTER(c_void_p)`` out-parameters,
so the wrappers get a plain address to copy or view and then hand to
``pf_free`` (never for a borrowed view, which ``pf_mmx_read`` flags).
"""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import POINTER, c_char_p, c_float, c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple

__all__ = ["FUNCTIONS", "LIB_NAME", "LibraryError", "lib", "library_path"]

LIB_NAME = "libpolyfmt.so"
"""File name of the bundled library inside the package directory."""

_u8pp = POINTER(c_void_p)  # uint8_t ** / void ** out-parameter: receives an address
_szp = POINTER(c_size_t)
_u32p = POINTER(c_uint32)
_u64p = POINTER(c_uint64)
_i64p = POINTER(c_int64)
_i32p = POINTER(c_int32)

# (name, argtypes, restype), in polyfmt.h order. The one place a C signature
# is written down on the Python side.
FUNCTIONS: Tuple[Tuple[str, Sequence[Any], Any], ...] = (
    # library
    ("pf_version", (_u32p,), c_int32),
    ("pf_errstr", (c_int32,), c_char_p),
    ("pf_errmsg", (c_uint32,), c_char_p),
    ("pf_close", (c_uint32,), c_int32),
    ("pf_free", (c_void_p,), c_int32),
    # MEM8
    ("pf_mem8_create", (c_char_p, c_size_t, c_char_p, c_size_t, _u32p), c_int32),
    ("pf_mem8_open", (c_char_p, c_size_t, c_int32, c_char_p, c_size_t, _u32p), c_int32),
    ("pf_mem8_open_bytes", (c_char_p, c_size_t, c_int32, _u32p), c_int32),
    ("pf_mem8_append", (c_uint32, c_char_p, c_size_t, c_float, c_char_p, c_size_t, c_uint64, _u64p), c_int32),
    ("pf_mem8_count", (c_uint32, _u64p), c_int32),
    ("pf_mem8_info", (c_uint32, _u8pp, _szp), c_int32),
    ("pf_mem8_block", (c_uint32, c_uint64, _u8pp, _szp, _u8pp, _szp), c_int32),
    ("pf_mem8_query", (c_uint32, c_char_p, c_size_t, _u8pp, _szp), c_int32),
    ("pf_mem8_verify", (c_uint32, _i64p), c_int32),
    ("pf_mem8_import_json", (c_uint32, c_char_p, c_size_t, _u64p), c_int32),
    ("pf_mem8_export_json", (c_uint32, _u8pp, _szp), c_int32),
    ("pf_mem8_bytes", (c_uint32, _u8pp, _szp), c_int32),
    ("pf_mem8_sync", (c_uint32,), c_int32),
    # MMX
    ("pf_mmx_create", (c_char_p, c_size_t, c_char_p, c_size_t, _u32p), c_int32),
    ("pf_mmx_open", (c_char_p, c_size_t, c_int32, c_char_p, c_size_t, _u32p), c_int32),
    ("pf_mmx_open_bytes", (c_void_p, c_size_t, c_int32, _u32p), c_int32),
    ("pf_mmx_write", (c_uint32, c_char_p, c_size_t, c_char_p, c_size_t, c_void_p, c_size_t), c_int32),
    ("pf_mmx_read", (c_uint32, c_char_p, c_size_t, _u8pp, _szp, _u8pp, _szp, _i32p), c_int32),
    ("pf_mmx_read_rows", (c_uint32, c_char_p, c_size_t, c_uint64, c_uint64, _u8pp, _szp, _u8pp, _szp, _i32p), c_int32),
    ("pf_mmx_list", (c_uint32, c_char_p, c_size_t, _u8pp, _szp), c_int32),
    ("pf_mmx_info", (c_uint32, _u8pp, _szp), c_int32),
    ("pf_mmx_delete", (c_uint32, c_char_p, c_size_t), c_int32),
    ("pf_mmx_commit", (c_uint32,), c_int32),
    ("pf_mmx_rollback", (c_uint32,), c_int32),
    ("pf_mmx_compact", (c_uint32,), c_int32),
    ("pf_mmx_refresh", (c_uint32, _u64p), c_int32),
    ("pf_mmx_verify", (c_uint32,), c_int32),
    ("pf_mmx_bytes", (c_uint32, _u8pp, _szp), c_int32),
)


class LibraryError(ImportError):
    """libpolyfmt.so could not be found or loaded, or lacks a function of the table."""


_lock = threading.Lock()
_cdll: Optional[ctypes.CDLL] = None
_forked_after_load = False


def _after_fork_in_child() -> None:
    global _forked_after_load
    if _cdll is not None:
        _forked_after_load = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def library_path() -> Path:
    """The path :func:`lib` loads: ``$POLYFMT_LIB`` if set, else the bundled library."""
    env = os.environ.get("POLYFMT_LIB")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / LIB_NAME


def _load(path: Path) -> ctypes.CDLL:
    if not path.is_file():
        raise LibraryError(
            f"polyfmt: {path} not found (reinstall the package, or set POLYFMT_LIB to a built {LIB_NAME})"
        )
    try:
        cdll = ctypes.CDLL(str(path))
    except OSError as e:
        raise LibraryError(f"polyfmt: cannot load {path}: {e}") from e
    missing = [name for name, _, _ in FUNCTIONS if not hasattr(cdll, name)]
    if missing:
        raise LibraryError(f"polyfmt: {path} lacks {', '.join(missing)} (built from another version?)")
    for name, argtypes, restype in FUNCTIONS:
        fn = getattr(cdll, name)
        fn.argtypes = list(argtypes)
        fn.restype = restype
    return cdll


def lib() -> ctypes.CDLL:
    """The loaded library, its functions typed from :data:`FUNCTIONS`.

    Loads it on the first call (thread-safe). Raises :class:`LibraryError` if
    it cannot be loaded and :class:`RuntimeError` in a child forked after it
    was loaded.
    """
    global _cdll
    if _forked_after_load:
        raise RuntimeError(
            "polyfmt: this process was forked after libpolyfmt.so was loaded; the Go runtime does "
            "not survive fork (use multiprocessing's 'spawn' or 'forkserver' start method)"
        )
    cdll = _cdll
    if cdll is None:
        with _lock:
            if _cdll is None:
                _cdll = _load(library_path())
            cdll = _cdll
    return cdll
