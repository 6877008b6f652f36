"""Argument and buffer mechanics shared by the format modules.

Nothing here knows a format: it encodes arguments for the C ABI and copies
and frees the buffers the library returns.
"""

import ctypes
import json
from ctypes import c_size_t, c_void_p
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
