"""MEM8 (.m8) files: an append-only log of 4096-byte memory blocks.

All format work (layout, wave signatures, hash chain, tokens, recovery,
queries, JSON conversion) is done by libpolyfmt; this module owns a handle,
encodes arguments, decodes the library's JSON records and copies returned
buffers (freeing each with ``pf_free``).

Example::

    from polyfmt import mem8

    with mem8.File.create("notes.m8") as f:
        f.append("First memory", importance=0.8, token="src/main")
    with mem8.File.open("notes.m8") as f:
        for block in f.backwards():
            print(block.index, block.importance, block.token, block.text)

A :class:`File` may be used from several threads: the library serializes
calls on one handle. It must be closed (``close()``, ``with``, or at the
latest when it is garbage collected, by a finalizer).
"""

from __future__ import annotations

import json
import operator
from ctypes import byref, c_int64, c_size_t, c_uint64, c_void_p
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Union

from . import _file, _lib
from ._calls import encode_text, free, options_json, take
from ._file import StrPath
from .errors import NotFoundError

__all__ = ["Block", "File"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Block:
    """One block as the library reads it.

    Attributes:
        index: position in the file, 0 = oldest.
        timestamp: microseconds since the Unix epoch.
        importance: the stored importance as a float in [0, 1].
        importance_raw: the stored 16-bit importance.
        token_id: 0 for none, else the token's id.
        token: the token's text, "" for none.
        wave_signature: 16 bytes.
        prev_hash: 32 bytes (zeros without hash chaining and for block 0).
        content: the content bytes (at most 4024).
    """

    index: int
    timestamp: int
    importance: float
    importance_raw: int
    token_id: int
    token: str
    wave_signature: bytes
    prev_hash: bytes
    content: bytes

    @property
    def text(self) -> str:
        """The content as UTF-8, invalid bytes replaced."""
        return self.content.decode("utf-8", errors="replace")

    @property
    def time(self) -> datetime:
        """The timestamp as an aware UTC datetime (OverflowError past year 9999)."""
        return _EPOCH + timedelta(microseconds=self.timestamp)


class File(_file.File):
    """An open MEM8 file, in memory or on disk, owning one library handle.

    Create instances with :meth:`create`, :meth:`open` or :meth:`from_bytes`
    (or :func:`polyfmt.open`). Handle lifetime, :attr:`info`,
    :attr:`recovery`, :meth:`refresh` and :meth:`to_bytes` are those of
    :class:`polyfmt.File`. :attr:`info` is::

        {"format", "name", "writable", "version", "flags", "flag_names", "block_count",
         "identity_freq", "temporal_phase", "crc32", "tokens",
         "recovery": {"clean", "header_blocks", "dropped_bytes", "reason", "repaired"}}
    """

    format = "mem8"

    # ---- opening -----------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Optional[StrPath] = None,
        *,
        identity_freq: Optional[float] = None,
        temporal_phase: Optional[float] = None,
        plain: bool = False,
        no_sync: bool = False,
        options: Optional[Mapping[str, Any]] = None,
    ) -> File:
        """Creates a new file at ``path`` (truncating it; locked for writing), or in memory when ``path`` is None.

        ``identity_freq`` (default 440.0) and ``temporal_phase`` (0.0) go into
        the header; ``plain`` writes flags 0, exactly the seed's files;
        ``no_sync`` skips the fsync after each append (call :meth:`sync`).
        ``options`` is passed to the library as further option keys;
        unknown keys raise :class:`~polyfmt.errors.BadArgumentError`.
        """
        o = options_json(
            identity_freq=identity_freq,
            temporal_phase=temporal_phase,
            plain=plain or None,
            no_sync=no_sync or None,
            options=options,
        )
        return cls._create(path, o)

    @classmethod
    def open(
        cls,
        path: StrPath,
        writable: bool = False,
        *,
        no_sync: bool = False,
        max_blocks: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> File:
        """Opens an existing file.

        Read-only (the default) memory-maps it and ignores a torn tail, which
        :attr:`recovery` reports; ``writable=True`` takes the writer lock
        (:class:`~polyfmt.errors.LockedError` if another writer holds it) and
        repairs a torn tail. ``max_blocks`` refuses larger files. A file of
        another format is a :class:`~polyfmt.errors.FormatError`.
        """
        return cls._open(path, writable, options_json(no_sync=no_sync or None, max_blocks=max_blocks, options=options))

    # ---- writing -----------------------------------------------------------

    def append(
        self,
        content: Union[bytes, bytearray, memoryview, str],
        importance: float = 0.5,
        token: Optional[str] = None,
        timestamp_us: int = 0,
    ) -> int:
        """Appends a block and returns its index.

        ``content`` (str is UTF-8 encoded) holds at most 4024 bytes, less the
        definition of a token used for the first time
        (:class:`~polyfmt.errors.LimitError`, nothing is written).
        ``importance`` in [0, 1] is quantized to 16 bits (NaN stores 0);
        ``timestamp_us`` 0 means now.
        """
        c = encode_text(content)
        t = encode_text(token)
        out = c_uint64()
        self._call("pf_mem8_append", c, len(c), float(importance), t or None, len(t), int(timestamp_us), byref(out))
        return out.value

    def import_json(self, data: Union[bytes, str]) -> int:
        """Appends the blocks of a JSON document and returns how many.

        Accepted: the seed's ``{"contexts": [...]}`` (plain or zlib) and the
        output of :meth:`export_json`, which is restored exactly. Every
        element of ``contexts`` must be a JSON object. The whole document is
        checked before the first block is written, so a malformed or
        over-limit document appends nothing; only an I/O failure while
        appending leaves the blocks before it (each committed on its own).
        """
        b = encode_text(data)
        out = c_uint64()
        self._call("pf_mem8_import_json", b, len(b), byref(out))
        return out.value

    def sync(self) -> None:
        """Flushes to stable storage (for files opened with ``no_sync``)."""
        self._call("pf_mem8_sync")

    # ---- reading -----------------------------------------------------------

    def count(self) -> int:
        """Number of blocks."""
        out = c_uint64()
        rc = _lib.lib().pf_mem8_count(self._handle, byref(out))  # direct: the hot path of len()
        if rc:
            self._check(rc)
        return out.value

    def __len__(self) -> int:
        return self.count()

    def _block(self, index: int) -> Block:
        rec, rec_len = c_void_p(), c_size_t()
        content, content_len = c_void_p(), c_size_t()
        try:
            self._call("pf_mem8_block", index, byref(rec), byref(rec_len), byref(content), byref(content_len))
            d = json.loads(take(rec, rec_len))
            data = take(content, content_len)
        finally:
            free(rec, content)
        return Block(
            index=d["index"],
            timestamp=d["timestamp"],
            importance=float(d["importance"]),
            importance_raw=d["importance_raw"],
            token_id=d["token_id"],
            token=d["token"],
            wave_signature=bytes.fromhex(d["wave_signature"]),
            prev_hash=bytes.fromhex(d["prev_hash"]),
            content=data,
        )

    def __getitem__(self, index: int) -> Block:
        """Block ``index`` (0 = oldest; negative counts from the newest)."""
        i = operator.index(index)
        if i < 0:
            i += self.count()
            if i < 0:
                raise IndexError(f"block index {index} out of range")
        try:
            return self._block(i)
        except NotFoundError as e:
            raise IndexError(f"block index {index} out of range") from e

    def __iter__(self) -> Iterator[Block]:
        """Every block, oldest first (the blocks present when iteration starts)."""
        for i in range(self.count()):
            yield self._block(i)

    def backwards(self) -> Iterator[Block]:
        """Every block, newest first (the seed's read_backwards)."""
        for i in range(self.count() - 1, -1, -1):
            yield self._block(i)

    def query(self, keywords: Union[str, Iterable[str]] = (), fill: int = 10, max: int = 20) -> List[Block]:
        """The seed's read_by_importance, done by the library.

        Blocks by stored importance, descending (ties oldest first); a block
        is kept if its text contains a keyword or fewer than ``fill`` are
        kept; at most ``max`` blocks. The library reads ``fill`` or ``max``
        of 0 or less as its default (10, 20), so ``fill`` cannot be 0.
        """
        kw = [keywords] if isinstance(keywords, str) else list(keywords)
        q = json.dumps({"keywords": kw, "fill": fill, "max": max}).encode("utf-8")
        indices: List[int] = json.loads(self._buffer("pf_mem8_query", q, len(q)))
        return [self._block(i) for i in indices]

    def verify(self) -> None:
        """Reads the whole file and checks wave signatures, the hash chain and the header CRC.

        Raises :class:`~polyfmt.errors.ChecksumError` or
        :class:`~polyfmt.errors.FormatError` whose ``bad_block`` is the first
        bad block (-1: the header).
        """
        bad = c_int64(-1)
        rc = _lib.lib().pf_mem8_verify(self._handle, byref(bad))
        self._check(rc, bad_block=bad.value)

    def export_json(self) -> bytes:
        """Every block as a JSON document that :meth:`import_json` restores exactly."""
        return self._buffer("pf_mem8_export_json")
