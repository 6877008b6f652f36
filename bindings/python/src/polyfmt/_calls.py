"""Argument and buffer mechanics shared by the format modules.

Nothing here knows a format: it encodes arguments for the C ABI, copies
and frees the buffers the library returns, and lends them to numpy
(:class:`Region`) without a copy.
"""

import ctypes
import json
import weakref
from ctypes import byref, c_size_t, c_void_p
from typing import Any, Union

from . import _lib
from .errors import check


def take(ptr: c_void_p, size: c_size_t) -> bytes:
    """Copies a library buffer (NULL is empty); the caller frees it."""
    if not ptr.value or not size.value:
        return b""
    return ctypes.string_at(ptr.value, size.value)


def free(*ptrs: c_void_p) -> None:
    """pf_free for every non-NULL buffer; a failure is a library bug, reported after all are freed."""
    rc = 0
    for p in ptrs:
        if p.value:
            r = _lib.lib().pf_free(p.value)
            p.value = None
            rc = rc or r
    check(rc, 0)


def out_buffer(fn_name: str, *args: Any, handle: int = 0) -> bytes:
    """``fn_name(*args, &out, &out_len)``: a copy of the buffer it returns, which is freed.

    A failure raises with ``handle``'s pf_errmsg (0: a call without an open handle).
    """
    out, out_len = c_void_p(), c_size_t()
    try:
        rc = getattr(_lib.lib(), fn_name)(*args, byref(out), byref(out_len))  # getattr: the typed function
        if rc:
            check(rc, handle)
        return take(out, out_len)
    finally:
        free(out)


def encode_text(value: Union[str, bytes, bytearray, memoryview, None]) -> bytes:
    """UTF-8 bytes of a string argument (None is empty)."""
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def compact_json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def options_json(**opts: Any) -> bytes:
    """The options JSON of a create/open call: only the keys given (not None), plus ``options``."""
    extra = opts.pop("options", None) or {}
    doc = {k: v for k, v in opts.items() if v is not None}
    doc.update(extra)
    return compact_json(doc) if doc else b""


# ---- memory the library returns, lent to numpy ------------------------------------


class Owned:
    """A buffer the library allocated: freed with pf_free when the last array over it goes."""

    __slots__ = ("addr", "__weakref__")

    def __init__(self, addr: int) -> None:
        self.addr = addr
        fin = weakref.finalize(self, _free_addr, addr)
        fin.atexit = False  # at exit the process releases it anyway


def _free_addr(addr: int) -> None:
    try:
        _lib.lib().pf_free(addr)
    except Exception:  # library unloadable at interpreter exit or after fork
        pass


class Region:
    """Exports ``nbytes`` at ``addr`` to numpy (``np.asarray``), keeping ``keep`` alive.

    ``keep`` is the :class:`Owned` buffer, or for a borrowed view the
    file object whose memory it is (so the file outlives the array).
    """

    __slots__ = ("__array_interface__", "keep", "__weakref__")

    def __init__(self, addr: int, nbytes: int, readonly: bool, keep: object) -> None:
        self.__array_interface__ = {
            "data": (addr, readonly),
            "shape": (nbytes,),
            "typestr": "|u1",
            "version": 3,
        }
        self.keep = keep
