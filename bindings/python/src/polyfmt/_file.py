"""What every format's file shares: one handle, its lifetime, and the calls of every format.

:class:`File` owns a library handle: opening (``pf_create``, ``pf_open``,
``pf_open_bytes``), closing (``close()``, ``with``, or a finalizer when the
object is collected), the lifecycle calls every format answers (``pf_info``,
``pf_verify``, ``pf_refresh``, ``pf_bytes``), errors raised through one path
and the buffers the library returns. Each format's class (:class:`polyfmt.mem8.File`,
:class:`polyfmt.mmx.File`) subclasses it, names its format
(``format = "mem8"``) and adds only its own verbs.

A subclass registers itself by its format's id (``PF_FORMAT_*``), so
:func:`open` returns the class of the format the library detects.

Views: a format may lend arrays over the file's own memory (MMX's
zero-copy reads). Such a view is recorded with :meth:`File._lend`; while one
is alive the file refuses to close or to be mapped anew
(:class:`BufferError`, as :class:`mmap.mmap` does with exported buffers).
"""

from __future__ import annotations

import builtins
import gc
import json
import threading
import weakref
from contextlib import contextmanager
from ctypes import byref, c_int32, c_uint32, c_uint64
from dataclasses import dataclass
from os import PathLike, fsencode
from types import TracebackType
from typing import Any, ClassVar, Dict, Iterator, List, Mapping, Optional, Tuple, Type, TypeVar, Union

import numpy as np

from . import _generated, _lib
from ._calls import options_json, out_buffer
from .errors import FormatError, NotFoundError, PolyfmtIOError, UnsupportedError, check

__all__ = ["FORMATS", "File", "Format", "detect", "open"]

StrPath = Union[str, "PathLike[str]", bytes]
"""A path: str, os.PathLike or (for the format classes' statics) bytes."""

BytesLike = Union[bytes, bytearray, memoryview, np.ndarray]
"""A file image: anything with the buffer protocol."""

MEMORY = "<memory>"
"""The name of a file held in memory."""

_DETECT_LEN = _generated.DETECT_LEN
"""How many leading bytes tell a file's format (PF_DETECT_LEN)."""


@dataclass(frozen=True)
class Format:
    """A format the library knows (generated from the Go registry).

    Attributes:
        id: its ``PF_FORMAT_*`` number.
        name: ``"mem8"``, ``"mmx"`` …
        title: ``"MEM8"``, ``"MMX"`` …
        extensions: the usual file-name extensions, the first preferred.
        magic: the byte strings a file of the format starts with.
    """

    id: int
    name: str
    title: str
    extensions: Tuple[str, ...]
    magic: Tuple[bytes, ...]


FORMATS: Dict[str, Format] = {f[1]: Format(*f) for f in _generated.FORMATS}
"""Every format the library knows, by name."""

_BY_ID: Dict[int, Format] = {f.id: f for f in FORMATS.values()}

F = TypeVar("F", bound="File")


def _format_title(format_id: int) -> str:
    f = _BY_ID.get(format_id)
    return f.title if f is not None else f"format {format_id}"


def _close_handle(handle: int, views: List[weakref.ref[Any]]) -> int:
    """Finalizer body: closes handle, returns the status (never raises).

    While views of the file's memory are alive (possible only at
    interpreter exit, when finalizers run for objects still reachable), the
    handle is left open: unmapping would pull the memory from under them,
    and the process is ending anyway.
    """
    if any(r() is not None for r in views):
        return 0
    try:
        return int(_lib.lib().pf_close(handle))
    except Exception:  # library unloadable at interpreter exit or after fork
        return 0


def _image(data: BytesLike) -> np.ndarray:
    """A C-contiguous uint8 array over data's buffer (a copy only when it is not contiguous)."""
    buf = data if isinstance(data, np.ndarray) else np.frombuffer(data, dtype=np.uint8)
    return np.asarray(buf.reshape(-1).view(np.uint8), order="C")


def _path_name(p: bytes) -> str:
    return p.decode("utf-8", errors="replace")


class File:
    """An open file of any format, in memory or on disk, owning one library handle.

    Subclasses set :attr:`format`. Instances come from the class methods
    :meth:`open` and :meth:`from_bytes` (and each format's ``create``), or
    from :func:`polyfmt.open`; on :class:`File` itself those return the
    class of whatever format the library detects.

    A file may be used from several threads: the library serializes calls on
    one handle. It must be closed (``close()``, ``with``, or at the latest
    when it is garbage collected, by a finalizer).
    """

    format: ClassVar[str] = ""
    """The format's name ("mem8", "mmx"); "" on the base class."""

    format_id: ClassVar[int] = 0
    """The format's PF_FORMAT_* number, from :data:`FORMATS`; 0 on the base class."""

    _classes: ClassVar[Dict[int, Type[File]]] = {}  # format id -> its class (the registry)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("format")
        if not name:
            return  # a subclass of a format's class: the same format
        fmt = FORMATS.get(name)
        if fmt is None:
            raise TypeError(f"polyfmt: {cls.__qualname__}.format = {name!r} is no format the library knows")
        if fmt.id in File._classes:
            raise TypeError(f"polyfmt: {fmt.title} has a class already ({File._classes[fmt.id].__module__})")
        cls.format_id = fmt.id
        File._classes[fmt.id] = cls

    def __init__(self, handle: int, name: str, *, mapped: bool = False) -> None:
        """Wraps an open handle (use the class methods instead)."""
        self._handle = handle
        self._name = name
        self._mapped = mapped  # read-only by path: refresh() replaces the mapping
        self._closed = False
        self._cond = threading.Condition()
        self._inflight = 0  # reads that may hand out views, running now
        self._exclusives = 0  # closes and refreshes waiting for them (new reads wait)
        self._views: List[weakref.ref[Any]] = []  # views of the file's memory handed out
        self._finalizer = weakref.finalize(self, _close_handle, handle, self._views)

    # ---- the registry --------------------------------------------------------

    @staticmethod
    def class_for(format_id: int) -> Type[File]:
        """The class of format ``format_id`` (UnsupportedError when this package has none)."""
        cls = File._classes.get(format_id)
        if cls is None:
            raise UnsupportedError(
                f"polyfmt: the library opened a {_format_title(format_id)} file, which this Python package cannot "
                "handle (update the package)"
            )
        return cls

    # ---- opening -------------------------------------------------------------

    @classmethod
    def _not_mine(cls, name: str, format_id: int) -> FormatError:
        return FormatError(
            f"{name} is a {_format_title(format_id)} file, not {_format_title(cls.format_id)} "
            "(polyfmt.open opens a file of any format)"
        )

    @classmethod
    def _adopt(cls: Type[F], handle: int, format_id: int, name: str, mapped: bool) -> F:
        """The object for a handle the library opened: of cls, or on File of the detected format's class.

        The library opens a format's class's files as that format (and refuses
        another format's), so a mismatch here is a bug: closed and refused.
        """
        try:
            if cls.format_id == 0:
                target: Type[File] = File.class_for(format_id)
            elif format_id != cls.format_id:
                raise cls._not_mine(name, format_id)
            else:
                target = cls
        except BaseException:
            _lib.lib().pf_close(handle)
            raise
        return target(handle, name, mapped=mapped)  # type: ignore[return-value]

    @classmethod
    def _create(cls: Type[F], path: Optional[StrPath], opts: bytes) -> F:
        """pf_create for cls's format: at path, or in memory when path is None."""
        if cls.format_id == 0:
            raise TypeError("polyfmt: create a file with a format's class (polyfmt.mem8.File, polyfmt.mmx.File)")
        p = b"" if path is None else fsencode(path)
        h = c_uint32()
        check(_lib.lib().pf_create(cls.format_id, p, len(p), opts or None, len(opts), byref(h)), 0)
        return cls(h.value, MEMORY if path is None else _path_name(p))

    @classmethod
    def _open(cls: Type[F], path: StrPath, writable: bool, opts: bytes) -> F:
        """pf_open as cls's format, or (on :class:`File`) the format the file's first bytes say."""
        p = fsencode(path)
        h, fmt = c_uint32(), c_int32()
        L = _lib.lib()
        rc = L.pf_open(cls.format_id, p, len(p), int(bool(writable)), opts or None, len(opts), byref(h), byref(fmt))
        check(rc, 0)
        return cls._adopt(h.value, fmt.value, _path_name(p), mapped=not writable)

    @classmethod
    def _from_bytes(cls: Type[F], data: BytesLike, writable: bool, opts: bytes) -> F:
        """pf_open_bytes: a copy of an image, as cls's format or (on :class:`File`) the detected one.

        No bytes are a new file in memory when writable on a format's class,
        and a FormatError otherwise (on :class:`File`, writable: a
        BadArgumentError, as there is no format to create).
        """
        buf = _image(data)
        h, fmt = c_uint32(), c_int32()
        L = _lib.lib()
        rc = L.pf_open_bytes(
            cls.format_id,
            buf.ctypes.data,
            buf.nbytes,
            int(bool(writable)),
            opts or None,
            len(opts),
            byref(h),
            byref(fmt),
        )
        check(rc, 0)
        return cls._adopt(h.value, fmt.value, MEMORY, mapped=False)

    @classmethod
    def create(
        cls: Type[F],
        path: Optional[StrPath] = None,
        *,
        options: Optional[Mapping[str, Any]] = None,
    ) -> F:
        """Creates a new file of the class's format at ``path`` (truncating it; locked for writing),
        or in memory when ``path`` is None. ``options`` are the format's create options.
        On :class:`File` itself (no format): TypeError."""
        return cls._create(path, options_json(options=options))

    @classmethod
    def open(
        cls: Type[F],
        path: StrPath,
        writable: bool = False,
        *,
        options: Optional[Mapping[str, Any]] = None,
    ) -> F:
        """Opens an existing file, read-only (memory-mapped) or with ``writable`` for writing.

        Writing takes the writer lock (:class:`~polyfmt.errors.LockedError`
        while another writer holds it) and repairs a torn tail; reading
        ignores one (:attr:`recovery` reports it). ``options`` are the
        format's open options (unknown keys:
        :class:`~polyfmt.errors.BadArgumentError`). On :class:`File`, the
        file may be of any format; on a format's class, a file of another
        format is a :class:`~polyfmt.errors.FormatError`.
        """
        return cls._open(path, writable, options_json(options=options))

    @classmethod
    def from_bytes(
        cls: Type[F],
        data: BytesLike,
        writable: bool = False,
        *,
        options: Optional[Mapping[str, Any]] = None,
    ) -> F:
        """Opens a copy of an image (see :meth:`to_bytes`): read-only, or ``writable`` in memory.

        ``data`` is read in place (no intermediate ``bytes`` copy) when it
        supports the buffer protocol. On a format's class, writable with no
        bytes is a new, empty file.
        """
        return cls._from_bytes(data, writable, options_json(options=options))

    # ---- lifetime --------------------------------------------------------------

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Holds the lock with no read under way (no view is being handed out meanwhile)."""
        with self._cond:
            self._exclusives += 1
            try:
                while self._inflight:
                    self._cond.wait()
                yield
            finally:
                self._exclusives -= 1
                self._cond.notify_all()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Marks a call that may lend views as under way (waiting while a close or refresh is)."""
        with self._cond:
            while self._exclusives:
                self._cond.wait()
            self._inflight += 1
        try:
            yield
        finally:
            with self._cond:
                self._inflight -= 1
                self._cond.notify_all()

    def _lend(self, view: object) -> None:
        """Records a view of the file's memory (during :meth:`_reading`)."""
        self._views.append(weakref.ref(view))

    def _live_views(self) -> int:
        self._views[:] = [r for r in self._views if r() is not None]
        return len(self._views)

    def _no_views(self, doing: str) -> None:
        """Raises BufferError while views of the file's memory exist (lock held)."""
        if self._live_views():
            gc.collect()  # arrays caught in reference cycles are not really alive
            n = self._live_views()
            if n:
                raise BufferError(
                    f"cannot {doing} {self._name!r}: {n} array{'s' if n != 1 else ''} over its memory "
                    f"(zero-copy reads) {'are' if n != 1 else 'is'} still alive; delete {'them' if n != 1 else 'it'} "
                    "or keep .copy()"
                )

    def close(self) -> None:
        """Closes the handle; a writer commits what is pending (where the format has transactions).

        Raises :class:`BufferError` while zero-copy arrays over the file's
        memory are alive (the file stays open). Closing again is a no-op;
        any other use afterwards raises
        :class:`~polyfmt.errors.BadHandleError`, as does closing a handle
        the library had closed already (through :attr:`handle`).
        """
        with self._exclusive():
            if self._closed:
                return
            self._no_views("close")
            self._closed = True
            rc = self._finalizer()  # runs _close_handle once, detaches the finalizer
        if rc:
            check(rc, 0)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` succeeded."""
        return self._closed

    def __enter__(self: F) -> F:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if exc is None:
            self.close()
            return
        try:  # an exception is on its way: do not hide it behind a BufferError
            self.close()
        except BufferError:
            pass  # the views outlive the block: the finalizer closes the file after them

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"handle={self._handle}"
        return f"<{type(self).__module__}.{type(self).__qualname__} {self._name!r} {state}>"

    @property
    def name(self) -> str:
        """The path the file was opened with, or ``"<memory>"``."""
        return self._name

    @property
    def handle(self) -> int:
        """The library handle (for use with :mod:`polyfmt._lib` directly)."""
        return self._handle

    # ---- calls -------------------------------------------------------------------

    def _check(self, rc: int, *, bad_block: Optional[int] = None) -> None:
        """Raises the exception for a call's status on this handle (its pf_errmsg)."""
        check(rc, self._handle, bad_block=bad_block)

    def _call(self, fn_name: str, *args: Any) -> None:
        """``fn_name(handle, *args)``, its status checked (no further call on success: a hot path)."""
        rc = getattr(_lib.lib(), fn_name)(self._handle, *args)
        if rc:
            check(rc, self._handle)

    def _buffer(self, fn_name: str, *args: Any) -> bytes:
        """``fn_name(handle, *args, &out, &out_len)``: a copy of the buffer it returns, which is freed."""
        return out_buffer(fn_name, self._handle, *args, handle=self._handle)

    # ---- every format ----------------------------------------------------------

    @property
    def info(self) -> Dict[str, Any]:
        """The file's state (pf_info): ``{"format", "name", "writable", …, "recovery": {…}}``
        plus the format's own fields (see each format's class)."""
        doc: Dict[str, Any] = json.loads(self._buffer("pf_info"))
        return doc

    @property
    def recovery(self) -> Dict[str, Any]:
        """What open found past the committed state: ``info["recovery"]``
        (``{"clean", "reason", "dropped_bytes", "repaired", …}``)."""
        rec: Dict[str, Any] = self.info["recovery"]
        return rec

    def verify(self) -> None:
        """Reads everything committed and checks every checksum, hash and rule of the format.

        Raises :class:`~polyfmt.errors.ChecksumError`,
        :class:`~polyfmt.errors.FormatError` … naming the first bad block
        or chunk.
        """
        self._call("pf_verify")

    def refresh(self) -> int:
        """Moves a file opened read-only from a path to what writers committed since.

        Returns the generation (MMX) or the block count (MEM8). A mapped
        file is mapped anew, so this raises :class:`BufferError` while
        zero-copy arrays over it are alive. Other files stay as they are.
        """
        out = c_uint64()
        with self._exclusive():
            if self._mapped and not self._closed:
                self._no_views("refresh")
            rc = _lib.lib().pf_refresh(self._handle, byref(out))
        self._check(rc)
        return out.value

    def to_bytes(self) -> bytes:
        """The image of an in-memory file (BadArgumentError for a file on disk)."""
        return self._buffer("pf_bytes")


# ---- any format ----------------------------------------------------------------


def _detect_id(head: BytesLike) -> int:
    """pf_detect over the first bytes of an image: the format id (FormatError naming them when none)."""
    buf = _image(head)[:_DETECT_LEN]
    b = buf.tobytes()
    out = c_int32()
    check(_lib.lib().pf_detect(b, len(b), byref(out)), 0)
    return out.value


def detect(source: Union[StrPath, BytesLike]) -> str:
    """The name of the format of a file (``"mem8"``, ``"mmx"`` …), from its first bytes.

    ``source`` is a path (str or os.PathLike) or a file image (bytes,
    bytearray, memoryview, a numpy array). Raises
    :class:`~polyfmt.errors.FormatError` (its message shows the first bytes)
    when no format claims them, :class:`~polyfmt.errors.NotFoundError` for
    a missing file.
    """
    if isinstance(source, (str, PathLike)):
        try:
            with builtins.open(source, "rb") as fh:
                head: BytesLike = fh.read(_DETECT_LEN)
        except FileNotFoundError as e:
            raise NotFoundError(f"{e.filename}: no such file") from e
        except OSError as e:
            raise PolyfmtIOError(f"{e.filename}: {e.strerror}") from e
    else:
        head = source
    format_id = _detect_id(head)
    fmt = _BY_ID.get(format_id)
    if fmt is None:  # a library newer than this package
        raise UnsupportedError(f"polyfmt: format {format_id} is not one this Python package knows")
    return fmt.name


def open(
    source: Union[StrPath, BytesLike],
    writable: bool = False,
    **options: Any,
) -> File:
    """Opens a file of any format and returns the format's class (``polyfmt.mem8.File``, ``polyfmt.mmx.File`` …).

    ``source`` is a path (str or os.PathLike: opened in place, read-only
    memory-mapped, or ``writable`` with the writer lock) or a file image
    (bytes, bytearray, memoryview, a numpy array: a copy is opened,
    read-only or ``writable`` in memory). ``options`` are the format's
    open options, passed to the library as they are (``verify="on_open"``,
    ``no_sync=True``, ``max_blocks=…``); a key the detected format does not
    know raises :class:`~polyfmt.errors.BadArgumentError`.

    The format comes from the first bytes (:func:`detect`): bytes no format
    claims are a :class:`~polyfmt.errors.FormatError` naming them; no bytes
    at all are a :class:`~polyfmt.errors.BadArgumentError` (nothing to
    detect: create a new file with a format's class, e.g.
    ``polyfmt.mem8.File.create()``). Like ``safetensors.safe_open``, one
    entry point::

        with polyfmt.open("scene.mmx") as f:
            print(f.format, f.info)
    """
    opts = options_json(options=options)
    if isinstance(source, (str, PathLike)):
        return File._open(source, writable, opts)
    return File._from_bytes(source, writable, opts)
