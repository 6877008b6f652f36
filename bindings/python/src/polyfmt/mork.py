"""MORK containers: MeTTa spaces stored as byte paths (.mtts, .paths, .act, .pathmap, .mttm).

Every MORK container is a sorted set of byte paths, each with a u64 value.
A path is normally one MeTTa expression in MORK's byte encoding: a space
file (MTTS: a symbol table, the paths, a Blake2b-256 footer), a path file
(PATHMAP1, or PathMap's ``.paths``), an ACT (``ACTree03``, the seed's
layout or PathMap's, read in place) keep expressions; a multiplicities file
(MTTM) keeps UTF-8 keys with counts; a symbol table (a ZIP) keeps symbols
only. Space and path files store no values (they read back as 0); an ACT
and a multiplicities file do. All format work (parsing and printing MeTTa,
encoding, matching, every container's bytes, checksums, interning) is done
by libpolyfmt; this module owns a handle and turns the library's buffers
into Python values.

Example::

    import polyfmt
    from polyfmt import mork

    with mork.create("kb.mtts") as f:                  # a space file
        f.import_text("(edge a b) (edge b c) (edge c a)")
        f.add("(person (name \\"Ada Lovelace\\") (born 1815))")
        f.commit()
    with polyfmt.open("kb.mtts") as f:                  # a mork.MorkFile
        print(len(f), list(f))                          # 4 ['(edge a b)', …]
        for m in f.query("(edge $x b)"):
            print(m.text, m.bindings)                   # (edge a b) ['a']
        act = f.export("act")                           # bytes: the same paths as an ACT
        text = f.export()                               # str: MeTTa, one expression a line

Paths are ``bytes`` (their encoding: :func:`encode`, :meth:`MorkFile.encode`);
the methods taking a path also take MeTTa text (``str``), which the file
encodes through its own symbol table (for a multiplicities file, a ``str`` is
the key's UTF-8). Values are Python ``int`` in 0 … 2**64-1.
"""

from __future__ import annotations

import builtins
import json
import operator
import struct
from ctypes import byref, c_int32, c_uint64
from typing import Any, Dict, Iterator, List, Literal, Mapping, NamedTuple, Optional, Tuple, Union, overload

from . import _file
from ._calls import compact_json, encode_text, options_json, out_buffer
from ._file import BytesLike, StrPath, _image
from .errors import BadArgumentError, InternalError, NotFoundError

__all__ = [
    "EXPORT_KINDS",
    "KINDS",
    "File",
    "Match",
    "Matches",
    "MorkFile",
    "PathArg",
    "create",
    "decode",
    "encode",
    "from_bytes",
    "migrate",
    "open",
    "print_path",
]

KINDS: Tuple[str, ...] = ("space", "pathmap1", "paths", "act", "symbols", "mult")
"""The containers a file can be (``MorkFile.kind``, ``create(kind=…)``, ``export(kind)``)."""

EXPORT_KINDS: Tuple[str, ...] = ("metta",) + KINDS
"""What :meth:`MorkFile.export` writes: MeTTa text, or any container."""

PathArg = Union[bytes, bytearray, memoryview, str]
"""A path: its encoded bytes, or MeTTa text (a multiplicities file: the key) to encode."""

_U64_MAX = (1 << 64) - 1
_RECORD_HEAD = struct.Struct("<I")  # a path record: u32 LE length, the path, u64 LE value
_RECORD_VALUE = struct.Struct("<Q")

_MULT = "mult"


class Match(NamedTuple):
    """One path matching a query (:meth:`MorkFile.query`).

    Attributes:
        text: the path printed as MeTTa (variables named ``$a``, ``$b`` …).
        path: the path's bytes.
        value: its value.
        bindings: per variable of the pattern, in order of first appearance,
            the sub-expression it matched, printed as MeTTa.
    """

    text: str
    path: bytes
    value: int
    bindings: List[str]


class Matches(List[Match]):
    """The matches of a query, in path order; :attr:`truncated` says the limit cut them short."""

    truncated: bool = False


def _u64(value: int, what: str = "value") -> int:
    """value as a u64 argument (a ctypes u64 would wrap a negative or big int silently)."""
    v = operator.index(value)
    if not 0 <= v <= _U64_MAX:
        raise BadArgumentError(f"mork: a {what} is a u64 (0 … 2**64-1), not {v}")
    return v


def _records(buf: bytes) -> List[Tuple[bytes, int]]:
    """The (path, value) pairs of pf_mork_paths' records: u32 LE length, the path, u64 LE value."""
    out: List[Tuple[bytes, int]] = []
    view, i, n = memoryview(buf), 0, len(buf)
    while i < n:
        if n - i < 4:
            raise InternalError(f"mork: the library returned a record cut at byte {i} of {n}")
        (size,) = _RECORD_HEAD.unpack_from(view, i)
        end = i + 4 + size
        if end + 8 > n:
            raise InternalError(f"mork: the library returned a record of {size} bytes at byte {i} of {n}")
        (value,) = _RECORD_VALUE.unpack_from(view, end)
        out.append((bytes(view[i + 4 : end]), value))
        i = end + 8
    return out


def _export_options(
    compression: Optional[str],
    act_layout: Optional[str],
    symbol_layout: Optional[str],
    compress_space: bool,
    no_checksum: bool,
    timestamp: int,
) -> bytes:
    return options_json(
        compression=compression,
        act_layout=act_layout,
        symbol_layout=symbol_layout,
        compress_space=compress_space or None,
        no_checksum=no_checksum or None,
        timestamp=_u64(timestamp, "timestamp") or None,
    )


# ---- the file ---------------------------------------------------------------------------------


class MorkFile(_file.File):
    """An open MORK container, in memory or on disk, owning one library handle.

    Create instances with :meth:`create`, :meth:`open` or :meth:`from_bytes`
    (or :func:`polyfmt.open`, which detects MORK from the first bytes). A
    writable handle keeps its changes in memory: :meth:`commit` (or closing)
    writes the container whole and atomically (beside the path, synced and
    renamed over it, or in memory); reads see the changes at once. A 1.0
    space file opened writable is written as 1.1. Handle lifetime,
    :meth:`verify` and :meth:`to_bytes` are those of :class:`polyfmt.File`.
    :attr:`info` is::

        {"format": "mork", "name", "writable", "kind", "version", "timestamp", "checksum",
         "compression", "act_layout", "symbol_layout", "paths", "symbols", "interned",
         "pending", "recovery"}

    Membership, lookups and removal take a path's bytes or MeTTa text
    (:data:`PathArg`); iterating yields every path printed as MeTTa, in byte
    order (a multiplicities file: its keys).
    """

    format = "mork"

    _kind: Optional[str] = None  # the container, read once (a handle's kind never changes)

    # ---- opening -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Optional[StrPath] = None,
        kind: str = "space",
        *,
        compression: Optional[str] = None,
        act_layout: Optional[str] = None,
        symbol_layout: Optional[str] = None,
        compress_space: bool = False,
        no_sync: bool = False,
        max_paths: Optional[int] = None,
        max_path_len: Optional[int] = None,
        max_decompressed: Optional[int] = None,
        max_ratio: Optional[int] = None,
        max_depth: Optional[int] = None,
        max_symbols: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> MorkFile:
        """Creates a new, empty container at ``path`` (truncating it; locked for writing),
        or in memory when ``path`` is None.

        ``kind`` is one of :data:`KINDS` (``"space"``, ``"pathmap1"``,
        ``"paths"``, ``"act"``, ``"symbols"``, ``"mult"``). ``compression``
        is a PATHMAP1 file's (``"none"``, ``"zlib"``, ``"lz4"``,
        ``"zstd"``: the default); ``act_layout`` an ACT's (``"pathmap"``:
        the default, or ``"seed"``); ``symbol_layout`` a symbol table's
        (``"seed"``: the default, or ``"mork"``); ``compress_space`` writes
        a space's paths as one zstd frame; ``no_sync`` skips the fsyncs at
        commit. The ``max_…`` limits bound what the file may hold (None:
        the library's defaults); ``options`` are further option keys.
        """
        o = options_json(
            kind=kind,
            compression=compression,
            act_layout=act_layout,
            symbol_layout=symbol_layout,
            compress_space=compress_space or None,
            no_sync=no_sync or None,
            max_paths=max_paths,
            max_path_len=max_path_len,
            max_decompressed=max_decompressed,
            max_ratio=max_ratio,
            max_depth=max_depth,
            max_symbols=max_symbols,
            options=options,
        )
        f = cls._create(path, o)
        f._kind = kind  # a new file is the kind it was made as: no need to ask
        return f

    @classmethod
    def open(
        cls,
        path: StrPath,
        writable: bool = False,
        *,
        no_sync: bool = False,
        max_paths: Optional[int] = None,
        max_path_len: Optional[int] = None,
        max_decompressed: Optional[int] = None,
        max_ratio: Optional[int] = None,
        max_depth: Optional[int] = None,
        max_symbols: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> MorkFile:
        """Opens an existing container: read-only (memory-mapped; an ACT is read in place)
        or ``writable`` (the writer lock; a commit rewrites it whole).

        The limits are :meth:`create`'s. A file of another format is a
        :class:`~polyfmt.errors.FormatError`; a space file of a major
        version other than 1 an :class:`~polyfmt.errors.UnsupportedError`.
        """
        o = options_json(
            no_sync=no_sync or None,
            max_paths=max_paths,
            max_path_len=max_path_len,
            max_decompressed=max_decompressed,
            max_ratio=max_ratio,
            max_depth=max_depth,
            max_symbols=max_symbols,
            options=options,
        )
        return cls._open(path, writable, o)

    # ---- what the file is ------------------------------------------------------

    @property
    def kind(self) -> str:
        """The container: one of :data:`KINDS`."""
        if self._kind is None:
            self._kind = str(self.info["kind"])
        return self._kind

    @property
    def version(self) -> str:
        """``"1.0"`` or ``"1.1"`` for a space, multiplicities or PATHMAP1 file; ``""`` for the others."""
        return str(self.info["version"])

    @property
    def interned(self) -> bool:
        """True for a space whose symbols are 8-byte ids of its symbol table."""
        return bool(self.info["interned"])

    # ---- paths ---------------------------------------------------------------------

    def encode(self, text: str) -> builtins.bytes:
        """One MeTTa expression encoded as this file's paths store it: in an interned space,
        its symbols as ids of the table (:class:`~polyfmt.errors.NotFoundError` for a symbol
        the table lacks; nothing is added). See :func:`encode` for the plain encoding."""
        t = encode_text(text)
        return self._buffer("pf_mork_encode", t, len(t))

    def print_path(self, path: Union[builtins.bytes, bytearray, memoryview]) -> str:
        """A path printed as MeTTa, interned symbols resolved through the file's table
        (a multiplicities file: the key itself, which the library returns as it is)."""
        p = bytes(path)
        return self._buffer("pf_mork_print", p, len(p)).decode("utf-8")

    def _path(self, path: PathArg) -> Optional[builtins.bytes]:
        """The bytes of a path argument; None for text naming a symbol the file's table lacks
        (no such path can be in the file)."""
        if not isinstance(path, str):
            return bytes(path)
        try:  # the library encodes text as the file stores it (a multiplicities key: its bytes)
            return self.encode(path)
        except NotFoundError:
            return None

    def get(self, path: PathArg) -> Optional[int]:
        """The value stored at ``path`` (0 in a space or path file), or None when it is not in the file."""
        p = self._path(path)
        if p is None:
            return None
        value, found = c_uint64(), c_int32()
        self._call("pf_mork_get", p, len(p), byref(value), byref(found))
        return value.value if found.value else None

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, (bytes, bytearray, memoryview, str)):
            return False
        return self.get(path) is not None

    def __len__(self) -> int:
        """How many paths (keys) the file holds; an ACT read in place is walked once."""
        n = c_uint64()
        self._call("pf_mork_len", byref(n))
        return n.value

    def paths(self, prefix: PathArg = b"", limit: int = 0) -> List[Tuple[builtins.bytes, int]]:
        """Every ``(path, value)`` whose path starts with ``prefix`` (bytes; or MeTTa text,
        encoded), in byte order, at most ``limit`` of them (0: all)."""
        pre = self._path(prefix) if prefix else b""
        if pre is None:
            return []
        return _records(self._buffer("pf_mork_paths", pre, len(pre), _u64(limit, "limit")))

    def __iter__(self) -> Iterator[str]:
        """Every path printed as MeTTa (a multiplicities file: every key), in byte order."""
        if self.kind == _MULT:
            return iter([p.decode("utf-8") for p, _ in self.paths()])
        text = self.export("metta")  # the library prints every path, one expression a line
        return iter(text.split("\n")[:-1])  # printed paths hold no "\n"; str.splitlines splits on more

    def query(self, pattern: str, limit: int = 0) -> Matches:
        """The paths matching a MeTTa pattern, in path order, at most ``limit`` (0: all).

        A variable (``$x``) matches any sub-expression, a repeated one the
        same each time: ``f.query("(edge $x b)")``. A pattern naming a
        symbol an interned space's table lacks matches nothing; a malformed
        one is a :class:`~polyfmt.errors.FormatError` naming its line and
        column.
        """
        pat = encode_text(pattern)
        doc = json.loads(self._buffer("pf_mork_query", pat, len(pat), _u64(limit, "limit")))
        out = Matches(
            Match(m["text"], bytes.fromhex(m["path"]), int(m["value"]), list(m["bindings"])) for m in doc["matches"]
        )
        out.truncated = bool(doc["truncated"])
        return out

    # ---- changing ------------------------------------------------------------------

    def import_text(
        self, text: Union[str, builtins.bytes, bytearray, memoryview], intern: bool = False, value: int = 0
    ) -> int:
        """Parses MeTTa text (S-expressions, ``$variables``, quoted strings, ``;`` comments) and adds
        every top-level expression, each with ``value``; returns how many were read.

        The file is a writable space, path file or ACT. ``intern`` stores a
        space's symbols as ids of its table (adding them); an interned space
        interns always. A syntax error is a
        :class:`~polyfmt.errors.FormatError`, a limit a
        :class:`~polyfmt.errors.LimitError`, each naming the line and
        column; the expressions before it are added.
        """
        buf = _image(encode_text(text) if isinstance(text, str) else text)
        opts = compact_json({"intern": bool(intern), "value": str(_u64(value))})
        count = c_uint64()
        addr = buf.ctypes.data if buf.nbytes else None
        self._call("pf_mork_import", addr, buf.nbytes, opts, len(opts), byref(count))
        return count.value

    def add(self, path: PathArg, value: int = 0) -> None:
        """Adds ``path`` with ``value`` (replacing its value if present).

        ``path`` is an encoded path (``bytes``; in a space, one MORK
        expression) or one MeTTa expression (``str``), encoded through the
        file's table (an interned space interns its new symbols). A space
        and a path file store no values: give 0. A multiplicities file's
        ``str`` is the key itself.
        """
        v = _u64(value)
        p = self._path(path)
        if p is None and isinstance(path, str):
            # An interned space lacks one of the text's symbols: importing it
            # interns them. The text must still be one expression, which the
            # plain encoding checks first.
            encode(path)
            self.import_text(path, value=v)
            return
        p = p or b""
        self._call("pf_mork_add", p, len(p), v)

    def remove(self, path: PathArg) -> bool:
        """Removes ``path``; returns whether it was there."""
        p = self._path(path)
        if p is None:  # text naming a symbol the table lacks: not in the file
            if not self.info["writable"]:  # the error removing anything gives
                raise BadArgumentError(f"mork: {self.name} is open read-only")
            return False
        found = c_int32()
        self._call("pf_mork_remove", p, len(p), byref(found))
        return bool(found.value)

    def intern(self, symbol: Union[str, builtins.bytes]) -> int:
        """The id of ``symbol`` in a writable file's symbol table, added if missing."""
        s = encode_text(symbol)
        out = c_uint64()
        self._call("pf_mork_intern", s, len(s), byref(out))
        return out.value

    def symbols(self) -> Dict[int, str]:
        """The file's symbol table, id → symbol, in id order (empty when it has none)."""
        doc = json.loads(self._buffer("pf_mork_symbols"))
        return {int(s["id"]): s["text"] for s in doc["symbols"]}

    def commit(self) -> None:
        """Writes the container whole: beside the path, synced and renamed over it, or in memory."""
        self._call("pf_mork_commit")

    # ---- exporting -----------------------------------------------------------------

    @overload
    def export(
        self,
        kind: Literal["metta"] = ...,
        *,
        compression: Optional[str] = ...,
        act_layout: Optional[str] = ...,
        symbol_layout: Optional[str] = ...,
        compress_space: bool = ...,
        no_checksum: bool = ...,
        timestamp: int = ...,
    ) -> str: ...

    @overload
    def export(
        self,
        kind: Literal["space", "pathmap1", "paths", "act", "symbols", "mult"],
        *,
        compression: Optional[str] = ...,
        act_layout: Optional[str] = ...,
        symbol_layout: Optional[str] = ...,
        compress_space: bool = ...,
        no_checksum: bool = ...,
        timestamp: int = ...,
    ) -> builtins.bytes: ...

    def export(
        self,
        kind: str = "metta",
        *,
        compression: Optional[str] = None,
        act_layout: Optional[str] = None,
        symbol_layout: Optional[str] = None,
        compress_space: bool = False,
        no_checksum: bool = False,
        timestamp: int = 0,
    ) -> Union[str, builtins.bytes]:
        """The file's committed and pending content as another container, or as MeTTa text.

        ``kind`` ``"metta"`` (the default) returns ``str``: one expression
        per line, symbols resolved (a multiplicities file: ``key<TAB>count``
        lines). Any of :data:`KINDS` returns the container's ``bytes``,
        which :meth:`from_bytes` opens. Options: ``compression`` (PATHMAP1),
        ``act_layout`` (ACT), ``symbol_layout`` (a symbol table, alone or in
        a space), ``compress_space``, ``no_checksum`` (a space or
        multiplicities file without its footer), ``timestamp`` (a space
        file's, Unix seconds; 0: now). Unset options keep the file's own
        settings. The file is not changed.
        """
        k = encode_text(kind)
        o = _export_options(compression, act_layout, symbol_layout, compress_space, no_checksum, timestamp)
        out = self._buffer("pf_mork_export", k, len(k), o or None, len(o))
        return out.decode("utf-8") if kind in ("metta", "text") else out

    def bytes(self) -> builtins.bytes:
        """The committed image of a container held in memory (:meth:`to_bytes`)."""
        return self.to_bytes()


File = MorkFile
"""The format's class under the name every format module uses (``polyfmt.mork.File``)."""


# ---- module functions -------------------------------------------------------------------


def create(path: Optional[StrPath] = None, kind: str = "space", **options: Any) -> MorkFile:
    """:meth:`MorkFile.create`: a new container of ``kind`` at ``path``, or in memory."""
    return MorkFile.create(path, kind, **options)


def open(path: StrPath, writable: bool = False, **options: Any) -> MorkFile:
    """:meth:`MorkFile.open`: a MORK container on disk (another format: FormatError)."""
    return MorkFile.open(path, writable, **options)


def from_bytes(data: BytesLike, writable: bool = False, **options: Any) -> MorkFile:
    """:meth:`MorkFile.from_bytes`: a copy of a container's bytes, read-only or ``writable`` in memory
    (writable and no bytes: a new space). ``options`` are :meth:`MorkFile.open`'s."""
    return MorkFile.from_bytes(data, writable, options=options or None)


def encode(text: str) -> bytes:
    """One MeTTa expression in MORK's byte encoding, symbols as written (no symbol table).

    ``encode("(foo $x (bar $x))") == bytes.fromhex("03c3666f6fc002c362617280")``.
    Not exactly one expression, or a syntax error, is a
    :class:`~polyfmt.errors.FormatError`; a limit (63 items, 64 variables,
    63-byte symbols) a :class:`~polyfmt.errors.LimitError`; each message
    names the line and column.
    """
    t = encode_text(text)
    return out_buffer("pf_mork_encode", 0, t, len(t))


def decode(path: Union[bytes, bytearray, memoryview]) -> str:
    """An encoded path printed as MeTTa (variables named ``$a``, ``$b`` …). No symbol table
    resolves ids: an interned space's id prints as its 8 bytes (``#"\\x00…"``; use
    :meth:`MorkFile.print_path`). A malformed path is a :class:`~polyfmt.errors.FormatError`."""
    p = bytes(path)
    return out_buffer("pf_mork_print", 0, p, len(p)).decode("utf-8")


print_path = decode
"""The name :meth:`MorkFile.print_path` has: :func:`decode`."""


def migrate(data: BytesLike, timestamp: int = 0) -> bytes:
    """A space file in the current version (1.1; ``timestamp`` in Unix seconds, 0: now), every
    symbol and path kept; a 1.1 file comes back unchanged. An unknown major version is an
    :class:`~polyfmt.errors.UnsupportedError`."""
    buf = _image(data)
    return out_buffer(
        "pf_mork_migrate", buf.ctypes.data if buf.nbytes else None, buf.nbytes, _u64(timestamp, "timestamp")
    )
