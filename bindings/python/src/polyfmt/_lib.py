"""Loading libpolyfmt.so and the one table of its C functions.

Every function declared in ``polyfmt.h`` appears exactly once in
:data:`FUNCTIONS` as ``(name, argtypes, restype)``, generated with the header
from the export spec (``core/ffi/spec.go``) into ``_generated.py``. The table is applied when
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
``pf_open_bytes``), which is ``c_void_p`` so that the wrapper can pass
the buffer's own address without first copying it into ``bytes``. Buffers
the library returns come back through ``POINTER(c_void_p)`` out-parameters,
so the wrappers get a plain address to copy or view and then hand to
``pf_free`` (never for a borrowed view, which ``pf_mmx_read`` flags).
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple

from . import _generated

__all__ = ["FUNCTIONS", "LIB_NAME", "LibraryError", "lib", "library_path"]

LIB_NAME = "libpolyfmt.so"
"""File name of the bundled library inside the package directory."""

# (name, argtypes, restype), in polyfmt.h order, generated from the export
# spec (core/ffi/spec.go) like every other copy of a signature.
FUNCTIONS: Tuple[Tuple[str, Sequence[Any], Any], ...] = _generated.FUNCTIONS


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
