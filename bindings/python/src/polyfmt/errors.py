"""Exceptions: one class per status code of polyfmt.h.

Every failing call raises a subclass of :class:`PolyfmtError` carrying the
pinned numeric ``code``, its ``code_name`` (``"PF_EFORMAT"`` …) and the
library's message (``pf_errmsg``). Codes are compared by name across the
Go, C, Python and JS surfaces, so tests match on ``code_name``.

Some classes also derive from the built-in exception a Python caller would
expect: :class:`BadArgumentError` and :class:`BadHandleError` are
:class:`ValueError` (using a closed file is a ``ValueError``, as with
:mod:`io`), :class:`PolyfmtIOError` is an :class:`OSError`.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple, Type

from . import _generated, _lib

__all__ = [
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
    "CODE_NAMES",
    "check",
    "error_for",
    "errstr",
]

CODE_NAMES: Dict[int, str] = {code: name for name, code in _generated.CODES.items()}
"""The pinned status codes of polyfmt.h by number (generated from the export spec)."""


def _code(name: str) -> Tuple[int, str]:
    """(number, name) of a status code, from the generated table."""
    return _generated.CODES[name], name


def _name_of(code: int) -> str:
    return CODE_NAMES.get(code, f"PF_E{code}")


class PolyfmtError(Exception):
    """A polyfmt call failed.

    Attributes:
        code: the status code (``10`` …).
        code_name: its name in polyfmt.h (``"PF_EFORMAT"`` …).
        message: the library's message for this failure (may be empty).
        bad_block: for :meth:`polyfmt.mem8.File.verify`, the first bad block
            (``-1`` for the header); ``None`` elsewhere.
    """

    code: int = -1
    code_name: str = "PF_E?"

    def __init__(self, message: str = "", *, code: Optional[int] = None, bad_block: Optional[int] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
            self.code_name = _name_of(code)
        self.message = message
        self.bad_block = bad_block

    def __str__(self) -> str:
        text = self.message or errstr(self.code)
        return f"{text} [{self.code_name}]"


class FormatError(PolyfmtError):
    """PF_EFORMAT: the input is malformed."""

    code, code_name = _code("PF_EFORMAT")


class ChecksumError(PolyfmtError):
    """PF_ECHECKSUM: a checksum or hash does not match."""

    code, code_name = _code("PF_ECHECKSUM")


class UnsupportedError(PolyfmtError):
    """PF_EUNSUPPORTED: well-formed, but uses what this build does not support."""

    code, code_name = _code("PF_EUNSUPPORTED")


class LimitError(PolyfmtError):
    """PF_ELIMIT: a configured limit was exceeded."""

    code, code_name = _code("PF_ELIMIT")


class NotFoundError(PolyfmtError):
    """PF_ENOTFOUND: no such file, block or item."""

    code, code_name = _code("PF_ENOTFOUND")


class BadArgumentError(PolyfmtError, ValueError):
    """PF_EBADARG: an argument is invalid."""

    code, code_name = _code("PF_EBADARG")


class BadHandleError(PolyfmtError, ValueError):
    """PF_EBADHANDLE: the handle is unknown or already closed."""

    code, code_name = _code("PF_EBADHANDLE")


class LockedError(PolyfmtError):
    """PF_ELOCKED: another writer holds the file."""

    code, code_name = _code("PF_ELOCKED")


class PolyfmtIOError(PolyfmtError, OSError):
    """PF_EIO: the operating system reported an I/O error."""

    code, code_name = _code("PF_EIO")


class NoMemoryError(PolyfmtError):
    """PF_ENOMEM: an allocation failed."""

    code, code_name = _code("PF_ENOMEM")


class InternalError(PolyfmtError):
    """PF_EINTERNAL: a bug in polyfmt (a recovered panic)."""

    code, code_name = _code("PF_EINTERNAL")


_BY_CODE: Dict[int, Type[PolyfmtError]] = {
    cls.code: cls
    for cls in (
        FormatError,
        ChecksumError,
        UnsupportedError,
        LimitError,
        NotFoundError,
        BadArgumentError,
        BadHandleError,
        LockedError,
        PolyfmtIOError,
        NoMemoryError,
        InternalError,
    )
}


def errstr(code: int) -> str:
    """The library's static description of a status code (``pf_errstr``)."""
    text: Optional[bytes] = _lib.lib().pf_errstr(code)
    return (text or b"").decode("utf-8", errors="replace")


def error_for(code: int, message: str = "", *, bad_block: Optional[int] = None) -> PolyfmtError:
    """The exception for a non-zero status code; an unknown code gives a plain :class:`PolyfmtError`."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return PolyfmtError(message, code=code, bad_block=bad_block)
    return cls(message, bad_block=bad_block)


def check(rc: int, handle: int = 0, *, bad_block: Optional[int] = None) -> None:
    """Raises the exception for status ``rc`` (nothing when it is 0).

    The message is ``pf_errmsg(handle)``: the handle the failed call was made
    on, or 0 for calls without an open handle (the library falls back to slot
    0 itself when the handle is not open).
    """
    if rc == 0:
        return
    raw: Optional[bytes] = _lib.lib().pf_errmsg(handle)
    raise error_for(rc, (raw or b"").decode("utf-8", errors="replace"), bad_block=bad_block)
