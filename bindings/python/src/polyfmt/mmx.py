"""MMX (.mmx) files: a multimodal container of named chunks.

A chunk is a Tensor, Embedding, Mesh, Text, Sequence or Meta. Writes go
into an open transaction and become visible at :meth:`File.commit` (closing
a writable file commits what is pending). All format work (layout,
compression, checksums, transactions, recovery, MorphNet import) is done by
libpolyfmt; this module owns a handle, turns numpy arrays and Python values
into the library's flat form (a JSON description plus one data buffer) and
back, and manages the memory the library returns.

Example::

    import numpy as np
    from polyfmt import mmx

    with mmx.File.create("scene.mmx", creator="me") as f:
        f.write_tensor("frames/00000", np.zeros((480, 640, 3), np.uint8), compression="zstd")
        f.write_text("notes", "hello", language="en")
        f.commit()
    with mmx.File.open("scene.mmx") as f:
        for e in f.list("frames/"):
            print(e.name, e.dtype, e.shape)
        frame = f["frames/00000"]          # numpy.ndarray
        top = f.tensor("frames/00000")[:10]  # only those rows are read

Zero copy: a raw (uncompressed) Tensor or Embedding, and a raw Mesh, of a
file opened read-only (by path, memory-mapped; or :meth:`File.from_bytes`)
is returned as a read-only ``ndarray`` over the file's memory itself, no
byte copied. Such an array keeps its :class:`File` alive, and the file
cannot be closed (or, when mapped from a path, refreshed) while one exists:
:meth:`File.close` raises :class:`BufferError`, as :class:`mmap.mmap` does
with exported buffers. Delete the arrays, or keep ``.copy()`` of them.
Everything else is returned in buffers the library allocated, wrapped
without a copy and freed when the last array over them is collected.

Into your own memory: :meth:`File.read_into` decompresses (or copies) a
Tensor or Embedding straight into an array the caller allocated once, so a
loop over many chunks allocates nothing per read.

dtypes are numpy's names. ``bfloat16`` arrays are read as
``ml_dtypes.bfloat16`` when the optional ``ml_dtypes`` package is
installed, else as ``uint16`` holding the raw bits; for writing, an array
whose dtype is named ``bfloat16`` (ml_dtypes), or a ``uint16`` array of raw
bits with ``dtype="bfloat16"``, is stored as bfloat16.

A :class:`File` may be used from several threads (the library serializes
what must be serialized). It must be closed (``close()``, ``with``, or at
the latest when it is garbage collected, by a finalizer).
"""

from __future__ import annotations

import json
import operator
from ctypes import byref, c_int32, c_size_t, c_uint64, c_void_p
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence as SequenceT, Tuple, Union

import numpy as np

from . import _file, _generated, _lib
from ._calls import Owned as _Owned, Region as _Region, compact_json, encode_text, free, options_json, take
from ._file import StrPath
from .errors import BadArgumentError, InternalError, NotFoundError, UnsupportedError

__all__ = [
    "DTYPES",
    "Chunk",
    "Embedding",
    "Entry",
    "File",
    "Mesh",
    "Meta",
    "Sequence",
    "TensorRows",
    "Text",
]

DTYPES: Tuple[str, ...] = tuple(name for name, _ in _generated.DTYPES)
"""The dtype names MMX stores (numpy's names), from the library's table."""

# Stored little-endian; bfloat16 is handled apart (numpy has no such type).
_LE: Dict[str, np.dtype] = {n: np.dtype(n).newbyteorder("<") for n in DTYPES if n != "bfloat16"}

# Python spellings of the codecs ("zstd") -> the names in the directory ("Zstd").
_CODECS = {name.lower(): name for name in _generated.CODECS}

# Keys of a write description that the wrapper fills in itself.
_RESERVED = frozenset({"chunk_type", "dtype", "shape", "value", "arrays"})


def _bfloat16() -> Optional[np.dtype]:
    """ml_dtypes' bfloat16 when that optional package is installed."""
    try:
        import ml_dtypes  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    bf: np.dtype = np.dtype(ml_dtypes.bfloat16)
    return bf


def _read_dtype(name: str) -> np.dtype:
    """The numpy dtype an array stored as ``name`` is returned with."""
    if name == "bfloat16":
        bf = _bfloat16()
        return bf if bf is not None else np.dtype("<u2")
    dt = _LE.get(name)
    if dt is None:
        raise UnsupportedError(f"mmx: dtype {name!r} has no numpy equivalent")
    return dt


# ---- values ------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One directory entry (what :meth:`File.list` returns).

    Attributes:
        name: the chunk's name (path-like, e.g. ``"frames/00001"``).
        chunk_type: ``"Tensor"``, ``"Embedding"``, ``"Mesh"``, ``"Text"``, ``"Sequence"`` or ``"Meta"``.
        offset: byte offset of the stored bytes in the file.
        size: stored (compressed) size in bytes.
        compression: ``"None"``, ``"Lz4"``, ``"Zlib"`` or ``"Zstd"``.
        shape: Tensor and Embedding: the array's shape; else None.
        dtype: Tensor and Embedding: the dtype name; else None.
        logical_region: the grouping label, or None.
        checksum: the checksum of the stored bytes by ``checksum_algorithm``, hex ("" when a MorphNet file has none).
        uncompressed_size: the payload's size.
        alignment: the chunk's alignment in the file.
        attributes: type-specific metadata (an Embedding's method and labels).
        checksum_algorithm: ``"blake3"``, ``"sha256"`` (also an entry that names none: files written
            before the field existed, and MorphNet's) or ``"crc32c"`` (8 hex digits).
    """

    name: str
    chunk_type: str
    offset: int = 0
    size: int = 0
    compression: str = "None"
    shape: Optional[Tuple[int, ...]] = None
    dtype: Optional[str] = None
    logical_region: Optional[str] = None
    checksum: str = ""
    uncompressed_size: int = 0
    alignment: int = 0
    attributes: Dict[str, Any] = field(default_factory=dict, compare=False)
    checksum_algorithm: str = "sha256"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Entry:
        """An entry from the library's JSON (unknown keys are ignored)."""
        kw = {f.name: d[f.name] for f in fields(cls) if d.get(f.name) is not None}
        if "shape" in kw:
            kw["shape"] = tuple(kw["shape"])
        return cls(**kw)


@dataclass(frozen=True, eq=False)
class Embedding:
    """An Embedding chunk: an N-D array (usually samples x dim), its method and per-row labels."""

    array: np.ndarray
    method: str = ""
    labels: Optional[List[str]] = None


@dataclass(frozen=True, eq=False)
class Mesh:
    """A Mesh chunk: float32 vertices [V,3], uint32 faces [F,3], optional normals [N,3] and uvs [U,2]."""

    vertices: np.ndarray
    faces: np.ndarray
    normals: Optional[np.ndarray] = None
    uvs: Optional[np.ndarray] = None
    materials: Optional[Dict[str, str]] = None


@dataclass(frozen=True)
class Text:
    """A Text chunk."""

    content: str
    encoding: str = "utf-8"
    language: Optional[str] = None
    tokens: Optional[List[int]] = None


@dataclass(frozen=True)
class Sequence:
    """A Sequence chunk: names of frame chunks, optional timing and string metadata."""

    frames: List[str]
    fps: Optional[float] = None
    duration: Optional[float] = None
    metadata: Dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Meta:
    """A Meta chunk: any JSON value, versioned and timestamped (RFC 3339 text)."""

    version: int
    timestamp: str
    data: Any


@dataclass(frozen=True, eq=False)
class Chunk:
    """A chunk in the library's flat form (:meth:`File.read_chunk`).

    Attributes:
        entry: its directory entry.
        value: the JSON value, parsed (Text, Sequence, Meta: everything;
            Embedding: method and labels; Mesh: materials; Tensor: None).
        arrays: the chunk's arrays by name (``"data"`` for Tensor and
            Embedding; ``"vertices"``, ``"faces"`` and, when present,
            ``"normals"`` and ``"uvs"`` for Mesh).
        dtypes: each array's stored dtype name (``"bfloat16"`` arrays are
            ``uint16`` raw bits without ml_dtypes).
        borrowed: True when the arrays are read-only views of the file's memory.
    """

    entry: Entry
    value: Any
    arrays: Dict[str, np.ndarray]
    dtypes: Dict[str, str]
    borrowed: bool


# ---- arguments --------------------------------------------------------------------


def _write_options(
    compression: Optional[str] = None,
    level: int = 0,
    logical_region: Optional[str] = None,
    alignment: Optional[int] = None,
    **more: Any,
) -> Dict[str, Any]:
    """The per-write keys of a description.

    ``compression`` is ``None``/``"none"``, ``"lz4"``, ``"zlib"`` or
    ``"zstd"`` (the directory's spellings are accepted too). Further keys are
    passed to the library as they are, which refuses the ones it does not
    know (:class:`~polyfmt.errors.BadArgumentError`).
    """
    d: Dict[str, Any] = {}
    if compression is not None:
        d["compression"] = _CODECS.get(str(compression).lower(), compression)
    if level:
        d["level"] = operator.index(level)
    if logical_region is not None:
        d["logical_region"] = logical_region
    if alignment is not None:
        d["alignment"] = operator.index(alignment)
    clash = _RESERVED.intersection(more)
    if clash:
        raise TypeError(f"mmx: {', '.join(sorted(clash))} cannot be given as a write option")
    d.update(more)
    return d


def _array_for_write(array: Any, dtype: Optional[str] = None) -> Tuple[str, np.ndarray]:
    """(dtype name, little-endian C-contiguous array): no copy when ``array`` is one already."""
    a = np.asarray(array)
    if dtype == "bfloat16" and a.dtype == np.uint16:
        return "bfloat16", np.asarray(a, dtype="<u2", order="C")  # raw bits
    if dtype is not None:
        target = _bfloat16() if dtype == "bfloat16" else _LE.get(dtype)
        if target is None:
            if dtype == "bfloat16":
                raise BadArgumentError("mmx: dtype bfloat16 needs a uint16 array of raw bits, or ml_dtypes installed")
            raise BadArgumentError(f"mmx: unsupported dtype {dtype!r} (supported: {', '.join(DTYPES)})")
        a = a.astype(target, copy=False)
    name = a.dtype.name
    if name == "bfloat16":  # ml_dtypes (or any extension type of that name): 2-byte raw bits
        if a.dtype.itemsize != 2:
            raise BadArgumentError(f"mmx: a bfloat16 dtype of {a.dtype.itemsize} bytes")
        c = np.asarray(a, order="C")
        return name, np.asarray(c.view(np.uint16), dtype="<u2", order="C")
    le = _LE.get(name)
    if le is None or a.dtype.kind not in "biufc":
        raise BadArgumentError(f"mmx: unsupported dtype {a.dtype} (supported: {', '.join(DTYPES)})")
    return name, np.asarray(a, dtype=le, order="C")


def _mesh_array(value: Any, key: str, width: int, dt: np.dtype) -> np.ndarray:
    """A mesh array as ``dt`` [n, width], C-contiguous; integer inputs checked for range."""
    a = np.asarray(value)
    if a.size == 0 and a.ndim == 1:
        a = a.reshape(0, width)
    if dt.kind == "u":
        if a.dtype.kind not in "ui" and a.size:
            raise BadArgumentError(f"mmx: mesh {key} must be integers, got {a.dtype}")
        if a.size and (int(a.min()) < 0 or int(a.max()) > np.iinfo(dt).max):
            raise BadArgumentError(f"mmx: mesh {key} out of the range of {dt.name}")
    elif a.dtype.kind not in "biuf" and a.size:
        raise BadArgumentError(f"mmx: mesh {key} must be real numbers, got {a.dtype}")
    return np.asarray(a, dtype=dt, order="C")


def _timestamp(ts: Union[str, datetime, None]) -> str:
    if ts is None:
        return ""  # the library stamps the write with the current time
    if isinstance(ts, datetime):
        return ts.isoformat().replace("+00:00", "Z")
    return str(ts)


# ---- the file -----------------------------------------------------------------------


class File(_file.File):
    """An open MMX file, in memory or on disk, owning one library handle.

    Create instances with :meth:`create`, :meth:`open` or :meth:`from_bytes`
    (or :func:`polyfmt.open`). Handle lifetime, :meth:`verify`,
    :meth:`refresh` and :meth:`to_bytes` are those of :class:`polyfmt.File`:
    closing commits what is pending (call :meth:`rollback` first to drop
    it), and raises :class:`BufferError` while zero-copy arrays over the
    file's memory are alive. :meth:`from_bytes` read-only lends raw arrays
    as views of the library's copy, as with a mapped file; ``to_bytes``
    returns the image as its bytes stand (commit first). :attr:`info` is::

        {"format", "name", "writable", "generation", "pending", "dead_bytes",
         "header": {"version", "file_id", "created", "creator", "model_uuid",
                    "modality_summary", "total_chunks", "file_size", "directory"},
         "recovery": {"clean", "reason", "dropped_bytes", "repaired"}}
    """

    format = "mmx"

    # ---- opening -----------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Optional[StrPath] = None,
        *,
        creator: str = "",
        model_uuid: Optional[str] = None,
        no_sync: bool = False,
        checksum: Optional[str] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> File:
        """Creates a new file at ``path`` (truncating it; locked for writing), or in memory when ``path`` is None.

        ``creator`` and ``model_uuid`` go into the header; ``no_sync`` skips
        the fsyncs at commit. ``checksum`` is the algorithm each written
        chunk's stored bytes are checksummed with: ``"crc32c"`` (the default:
        an error-detecting code, not a cryptographic hash, about ten times
        faster per core than BLAKE3), ``"blake3"`` (a cryptographic hash,
        faster than SHA-256) or ``"sha256"`` (the seed's); reads check every chunk by the
        algorithm its entry names. ``options`` is passed to the library as further
        option keys (``"verify"``, ``"max_chunk_bytes"``, ``"max_chunks"``,
        ``"max_ratio"``, ``"max_json_bytes"``, and ``"auto_compact_min_dead"``
        / ``"auto_compact_ratio"``: a writer compacts on its own once a commit
        leaves more dead bytes than both the minimum (default 64 MiB; -1:
        never) and the ratio (default 1) × the live bytes); unknown keys raise
        :class:`~polyfmt.errors.BadArgumentError`.
        """
        o = options_json(
            creator=creator or None, model_uuid=model_uuid, no_sync=no_sync or None, checksum=checksum, options=options
        )
        return cls._create(path, o)

    @classmethod
    def open(
        cls,
        path: StrPath,
        writable: bool = False,
        *,
        verify: str = "on_read",
        no_sync: bool = False,
        checksum: Optional[str] = None,
        max_chunk_bytes: Optional[int] = None,
        max_chunks: Optional[int] = None,
        max_ratio: Optional[int] = None,
        max_json_bytes: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> File:
        """Opens an existing file.

        Read-only (the default) memory-maps it (raw arrays are then returned
        without a copy) and ignores a torn tail, which :attr:`recovery`
        reports; ``writable=True`` takes the writer lock
        (:class:`~polyfmt.errors.LockedError` if another writer holds it)
        and repairs a torn tail. Files written by MorphNet open read-only. A
        file of another format is a :class:`~polyfmt.errors.FormatError`.

        ``verify``: when chunk checksums are checked, ``"on_read"`` (a
        chunk's first full read), ``"on_open"`` or ``"never"``; each chunk
        is checked by the algorithm its entry names. ``checksum``: what a
        writable handle checksums new chunks with, ``"crc32c"`` (default),
        ``"blake3"`` or ``"sha256"``.
        ``max_chunk_bytes`` and ``max_chunks`` bound what an untrusted file
        may claim; ``max_ratio`` (default 1024) bounds how far a compressed
        chunk may expand when read, and ``max_json_bytes`` (default 64 MiB)
        a Text, Sequence or Meta payload. A chunk over a limit raises
        :class:`~polyfmt.errors.LimitError` when it is read; raise the limit
        for a file you trust (zstd of all-zero data expands about 9000:1).
        """
        o = options_json(
            verify=verify,
            no_sync=no_sync or None,
            checksum=checksum,
            max_chunk_bytes=max_chunk_bytes,
            max_chunks=max_chunks,
            max_ratio=max_ratio,
            max_json_bytes=max_json_bytes,
            options=options,
        )
        return cls._open(path, writable, o)

    # ---- writing -----------------------------------------------------------

    def _write(self, name: str, desc: Dict[str, Any], data: Optional[np.ndarray] = None) -> None:
        nm = encode_text(name)
        d = compact_json(desc)
        if data is None:
            self._call("pf_mmx_write", nm, len(nm), d, len(d), None, 0)
        else:  # the array's own memory, borrowed for the call
            self._call("pf_mmx_write", nm, len(nm), d, len(d), data.ctypes.data, data.nbytes)

    def write_tensor(
        self,
        name: str,
        array: Any,
        *,
        compression: Optional[str] = None,
        level: int = 0,
        logical_region: Optional[str] = None,
        alignment: Optional[int] = None,
        dtype: Optional[str] = None,
        **opts: Any,
    ) -> None:
        """Writes a Tensor chunk (replacing ``name`` at commit).

        ``array``: a numpy array (or anything ``numpy.asarray`` takes) of a
        dtype in :data:`DTYPES`, any byte order and layout; it is passed in
        place when already little-endian and C-contiguous, else converted
        once. ``dtype`` converts to another dtype first (a uint16 array with
        ``dtype="bfloat16"`` is taken as raw bfloat16 bits).
        ``compression``: None (raw: read back without a copy), ``"lz4"``,
        ``"zlib"`` or ``"zstd"``, at codec ``level`` (0: its default).
        ``logical_region`` labels a group; ``alignment`` (a power of two)
        places the chunk.
        """
        dt, a = _array_for_write(array, dtype)
        desc = {"chunk_type": "Tensor", "dtype": dt, "shape": [int(n) for n in a.shape]}
        desc.update(_write_options(compression, level, logical_region, alignment, **opts))
        self._write(name, desc, a)

    def write_embedding(
        self,
        name: str,
        array: Any,
        method: str = "",
        labels: Optional[SequenceT[str]] = None,
        *,
        dtype: Optional[str] = None,
        **opts: Any,
    ) -> None:
        """Writes an Embedding: an array (usually samples x dim) with its method and one label per row.

        ``opts`` are the write options of :meth:`write_tensor`.
        """
        dt, a = _array_for_write(array, dtype)
        desc = {
            "chunk_type": "Embedding",
            "dtype": dt,
            "shape": [int(n) for n in a.shape],
            "value": {"method": method, "labels": None if labels is None else list(labels)},
        }
        desc.update(_write_options(**opts))
        self._write(name, desc, a)

    def write_mesh(
        self,
        name: str,
        vertices: Any,
        faces: Any,
        normals: Any = None,
        uvs: Any = None,
        materials: Optional[Mapping[str, str]] = None,
        **opts: Any,
    ) -> None:
        """Writes a Mesh: vertices [V,3] (as float32), faces [F,3] (as uint32, each index < V),
        optional normals [N,3] and uvs [U,2] (float32), optional materials (str -> str).

        ``opts`` are the write options of :meth:`write_tensor`.
        """
        f32, u32 = np.dtype("<f4"), np.dtype("<u4")
        parts = [
            ("vertices", _mesh_array(vertices, "vertices", 3, f32)),
            ("faces", _mesh_array(faces, "faces", 3, u32)),
        ]
        if normals is not None:
            parts.append(("normals", _mesh_array(normals, "normals", 3, f32)))
        if uvs is not None:
            parts.append(("uvs", _mesh_array(uvs, "uvs", 2, f32)))
        arrays: Dict[str, Dict[str, Any]] = {}
        end = 0
        for key, a in parts:  # one buffer, each array at a 16-aligned offset
            off = (end + 15) & ~15
            arrays[key] = {"dtype": a.dtype.name, "shape": [int(n) for n in a.shape], "offset": off, "nbytes": a.nbytes}
            end = off + a.nbytes
        data = np.zeros(end, dtype=np.uint8)
        for key, a in parts:
            off = arrays[key]["offset"]
            data[off : off + a.nbytes] = a.reshape(-1).view(np.uint8)
        desc = {
            "chunk_type": "Mesh",
            "arrays": arrays,
            "value": {"materials": None if materials is None else dict(materials)},
        }
        desc.update(_write_options(**opts))
        self._write(name, desc, data)

    def write_text(
        self,
        name: str,
        content: str,
        *,
        encoding: str = "utf-8",
        language: Optional[str] = None,
        tokens: Optional[Iterable[int]] = None,
        **opts: Any,
    ) -> None:
        """Writes a Text chunk: UTF-8 ``content``, an ``encoding`` label, a language and u32 tokens.

        ``opts`` are the write options of :meth:`write_tensor`.
        """
        value = {
            "content": content,
            "encoding": encoding,
            "language": language,
            "tokens": None if tokens is None else [int(t) for t in tokens],
        }
        self._write(name, {"chunk_type": "Text", "value": value, **_write_options(**opts)})

    def write_sequence(
        self,
        name: str,
        frames: SequenceT[str],
        *,
        fps: Optional[float] = None,
        duration: Optional[float] = None,
        metadata: Optional[Mapping[str, str]] = None,
        **opts: Any,
    ) -> None:
        """Writes a Sequence: the names of its frame chunks, fps, duration and string metadata.

        ``opts`` are the write options of :meth:`write_tensor`.
        """
        if isinstance(frames, (str, bytes)):
            raise TypeError("mmx: frames is a sequence of chunk names, not one name")
        value = {
            "frames": list(frames),
            "fps": None if fps is None else float(fps),
            "duration": None if duration is None else float(duration),
            "metadata": {} if metadata is None else dict(metadata),
        }
        self._write(name, {"chunk_type": "Sequence", "value": value, **_write_options(**opts)})

    def write_meta(
        self,
        name: str,
        data: Any,
        *,
        version: int = 1,
        timestamp: Union[str, datetime, None] = None,
        **opts: Any,
    ) -> None:
        """Writes a Meta chunk: ``data`` is any JSON-encodable value.

        ``timestamp``: an RFC 3339 string or an aware datetime; None stamps
        the current time. ``opts`` are the write options of :meth:`write_tensor`.
        """
        value = {"version": operator.index(version), "timestamp": _timestamp(timestamp), "data": data}
        self._write(name, {"chunk_type": "Meta", "value": value, **_write_options(**opts)})

    def write(self, name: str, value: Any, **opts: Any) -> None:
        """Writes ``value`` by its type: an ndarray as a Tensor, or an
        :class:`Embedding`, :class:`Mesh`, :class:`Text`, :class:`Sequence` or
        :class:`Meta` (what :meth:`read` returns)."""
        if isinstance(value, np.ndarray):
            self.write_tensor(name, value, **opts)
        elif isinstance(value, Embedding):
            self.write_embedding(name, value.array, value.method, value.labels, **opts)
        elif isinstance(value, Mesh):
            self.write_mesh(name, value.vertices, value.faces, value.normals, value.uvs, value.materials, **opts)
        elif isinstance(value, Text):
            self.write_text(
                name, value.content, encoding=value.encoding, language=value.language, tokens=value.tokens, **opts
            )
        elif isinstance(value, Sequence):
            self.write_sequence(
                name, value.frames, fps=value.fps, duration=value.duration, metadata=value.metadata, **opts
            )
        elif isinstance(value, Meta):
            self.write_meta(name, value.data, version=value.version, timestamp=value.timestamp or None, **opts)
        else:
            raise TypeError(f"mmx: cannot store a {type(value).__name__} (use an ndarray or a polyfmt.mmx value)")

    def __setitem__(self, name: str, value: Any) -> None:
        self.write(name, value)

    def delete(self, name: str) -> None:
        """Deletes ``name`` at the next commit (NotFoundError if there is none)."""
        nm = encode_text(name)
        self._call("pf_mmx_delete", nm, len(nm))

    def __delitem__(self, name: str) -> None:
        try:
            self.delete(name)
        except NotFoundError as e:
            raise KeyError(name) from e

    def commit(self) -> None:
        """Makes every write and delete since the last commit visible at once."""
        self._call("pf_mmx_commit")

    def rollback(self) -> None:
        """Discards every write and delete since the last commit."""
        self._call("pf_mmx_rollback")

    def compact(self) -> None:
        """Commits, then rewrites the file with only its live chunks."""
        self._call("pf_mmx_compact")

    # ---- reading -----------------------------------------------------------

    def _read_flat(self, name: str, rows: Optional[Tuple[int, int]] = None) -> Chunk:
        nm = encode_text(name)
        js, js_len = c_void_p(), c_size_t()
        data, data_len, borrowed = c_void_p(), c_size_t(), c_int32(0)
        L = _lib.lib()
        with self._reading():  # a close or refresh waits for it
            if rows is None:
                rc = L.pf_mmx_read(
                    self._handle, nm, len(nm), byref(js), byref(js_len), byref(data), byref(data_len), byref(borrowed)
                )
            else:
                rc = L.pf_mmx_read_rows(
                    self._handle, nm, len(nm), rows[0], rows[1],
                    byref(js), byref(js_len), byref(data), byref(data_len), byref(borrowed),
                )  # fmt: skip
            lent = rc == 0 and borrowed.value == 1
            try:
                self._check(rc)
                doc = json.loads(take(js, js_len))
            except BaseException:
                if lent:
                    free(js)
                else:
                    free(js, data)
                raise
            free(js)
            return self._chunk(doc, data.value or 0, data_len.value, lent)

    def _chunk(self, doc: Dict[str, Any], addr: int, size: int, lent: bool) -> Chunk:
        """Arrays over the returned data: views of the file (lent) or of a buffer freed with its last array."""
        keep: object = self if lent else (_Owned(addr) if addr else None)
        arrays: Dict[str, np.ndarray] = {}
        dtypes: Dict[str, str] = {}
        for key, spec in (doc.get("arrays") or {}).items():
            dtypes[key] = spec["dtype"]
            dt = _read_dtype(spec["dtype"])
            shape = tuple(int(n) for n in spec["shape"])
            off, nbytes = int(spec["offset"]), int(spec["nbytes"])
            if off + nbytes > size or nbytes != int(np.prod(shape, dtype=np.uint64)) * dt.itemsize:
                raise InternalError(f"mmx: array {key!r} ({nbytes} bytes at {off}) does not fit the {size} returned")
            if nbytes == 0:
                flat = np.empty(0, dtype=np.uint8)
                flat.flags.writeable = not lent  # as read-only as its siblings
            else:
                region = _Region(addr + off, nbytes, lent, keep)
                if lent:
                    self._lend(region)
                flat = np.asarray(region)
            arrays[key] = flat.view(dt).reshape(shape)
        return Chunk(Entry.from_json(doc["entry"]), doc.get("value"), arrays, dtypes, lent)

    def read_chunk(self, name: str) -> Chunk:
        """``name`` in the library's flat form: entry, parsed value, arrays by name, and whether they are borrowed."""
        return self._read_flat(name)

    def read(self, name: str) -> Any:
        """Reads ``name`` as its natural Python value.

        Tensor: ``numpy.ndarray``; Embedding: :class:`Embedding`; Mesh:
        :class:`Mesh`; Text: :class:`Text`; Sequence: :class:`Sequence`;
        Meta: :class:`Meta`. Raw arrays of a read-only file are read-only
        views of its memory (see the module's doc); others are writable.
        Checksums are checked as the file's ``verify`` option says.
        """
        c = self._read_flat(name)
        t, v, a = c.entry.chunk_type, c.value, c.arrays
        if t == "Tensor":
            return a["data"]
        if t == "Embedding":
            v = v or {}
            return Embedding(a["data"], v.get("method") or "", v.get("labels"))
        if t == "Mesh":
            return Mesh(a["vertices"], a["faces"], a.get("normals"), a.get("uvs"), (v or {}).get("materials"))
        if t == "Text":
            return Text(v["content"], v.get("encoding") or "utf-8", v.get("language"), v.get("tokens"))
        if t == "Sequence":
            return Sequence(list(v.get("frames") or []), v.get("fps"), v.get("duration"), dict(v.get("metadata") or {}))
        if t == "Meta":
            return Meta(v["version"], v["timestamp"], v.get("data"))
        raise UnsupportedError(f"mmx: chunk {name!r} has type {t!r}")

    def read_into(self, name: str, out: np.ndarray) -> np.ndarray:
        """Reads a Tensor or Embedding's elements into ``out``, an array the caller owns, and returns ``out``.

        A compressed chunk is decompressed straight into ``out``'s memory
        and a raw one copied into it: no buffer is allocated per read, so a
        loop reading chunk after chunk into one preallocated array costs
        what the codec costs. Checksums are checked as the file's
        ``verify`` option says before it returns; if anything fails,
        ``out`` holds nothing useful.

        ``out`` must be a ``numpy.ndarray`` of the chunk's dtype (as
        :meth:`read` returns it: little-endian, ``ml_dtypes.bfloat16`` or
        ``uint16`` for bfloat16) (else :class:`TypeError`), of its shape,
        C-contiguous and writable (else :class:`ValueError`)::

            out = np.empty(f.entry("w").shape, np.float32)
            for name in names:
                f.read_into(name, out)
        """
        if not isinstance(out, np.ndarray):
            raise TypeError(f"mmx: read_into needs a numpy.ndarray to fill, not {type(out).__name__}")
        e = self.entry(name)
        if e.chunk_type not in ("Tensor", "Embedding"):
            raise TypeError(f"mmx: {name!r} is a {e.chunk_type} chunk; read_into reads Tensor and Embedding elements")
        dt = _read_dtype(e.dtype or "")
        if out.dtype != dt:
            raise TypeError(f"mmx: {name!r} holds {e.dtype} (numpy {dt.str}); out is {out.dtype.str}")
        shape = tuple(e.shape or ())
        if out.shape != shape:
            raise ValueError(f"mmx: {name!r} has shape {shape}; out has shape {out.shape}")
        if not out.flags.c_contiguous:
            raise ValueError("mmx: out must be C-contiguous")
        if not out.flags.writeable:
            raise ValueError("mmx: out is read-only")
        nm = encode_text(name)
        written = c_uint64()
        with self._reading():
            rc = _lib.lib().pf_mmx_read_into(self._handle, nm, len(nm), out.ctypes.data, out.nbytes, byref(written))
            self._check(rc)
        if written.value != out.nbytes:  # the chunk changed between entry() and the read
            raise InternalError(f"mmx: {name!r} gave {written.value} bytes for an out of {out.nbytes}")
        return out

    def __getitem__(self, name: str) -> Any:
        """``read(name)``; KeyError when there is no such chunk."""
        try:
            return self.read(name)
        except NotFoundError as e:
            raise KeyError(name) from e

    def read_rows(self, name: str, start: int, stop: int) -> np.ndarray:
        """Rows [start, stop) of a Tensor or Embedding along its first axis.

        Of a raw chunk only those rows are read (and its whole-chunk
        checksum is not checked; use :meth:`verify`); a compressed chunk is
        decompressed and checked, then sliced.
        """
        start, stop = operator.index(start), operator.index(stop)
        if start < 0 or stop < 0:
            raise BadArgumentError(f"mmx: rows [{start}, {stop}) of {name!r}: negative")
        return self._read_flat(name, (start, stop)).arrays["data"]

    rows = read_rows

    def tensor(self, name: str) -> TensorRows:
        """A lazy handle on a Tensor or Embedding: ``f.tensor(name)[10:20]`` reads only those rows."""
        return TensorRows(self, self.entry(name))

    def entry(self, name: str) -> Entry:
        """``name``'s directory entry, without reading the chunk (NotFoundError if there is none)."""
        p = encode_text(name)
        return Entry.from_json(json.loads(self._buffer("pf_mmx_entry", p, len(p))))

    def list(self, prefix: str = "") -> List[Entry]:
        """Directory entries whose names start with ``prefix``, sorted by name.

        A writer sees its uncommitted writes and deletes.
        """
        p = encode_text(prefix)
        doc = json.loads(self._buffer("pf_mmx_list", p, len(p)))
        return [Entry.from_json(d) for d in doc]

    def keys(self) -> List[str]:
        """Every chunk name, sorted."""
        return [e.name for e in self.list()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.list())

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return any(e.name == name for e in self.list(name))

    @property
    def generation(self) -> int:
        """The number of the commit this file shows (0: none yet)."""
        return int(self.info["generation"])

    @property
    def header(self) -> Dict[str, Any]:
        """The header as of the last commit: ``info["header"]``."""
        h: Dict[str, Any] = self.info["header"]
        return h


class TensorRows:
    """Rows of a Tensor or Embedding, read on demand (:meth:`File.tensor`).

    ``t[i]``, ``t[a:b]``, ``t[a:b:k]`` and ``t[a:b, ...]`` read only the rows
    they need; ``len(t)`` is the first dimension; ``numpy.asarray(t)`` or
    ``t.read()`` reads everything.
    """

    def __init__(self, file: File, entry: Entry) -> None:
        if entry.chunk_type not in ("Tensor", "Embedding") or not entry.shape:
            raise BadArgumentError(f"mmx: {entry.name!r} ({entry.chunk_type}) has no rows")
        self.file = file
        self.entry = entry

    @property
    def shape(self) -> Tuple[int, ...]:
        return self.entry.shape or ()

    @property
    def dtype(self) -> np.dtype:
        return _read_dtype(self.entry.dtype or "")

    def __len__(self) -> int:
        return self.shape[0]

    def read(self) -> np.ndarray:
        """Every row."""
        return self.file.read_rows(self.entry.name, 0, len(self))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.read()
        return a if dtype is None else a.astype(dtype)

    def __getitem__(self, key: Any) -> np.ndarray:
        rest: Tuple[Any, ...] = ()
        if isinstance(key, tuple):
            key, rest = (key[0], key[1:]) if key else (slice(None), ())
        n = len(self)
        if isinstance(key, slice):
            r = range(*key.indices(n))
            if len(r) == 0:
                block = self.file.read_rows(self.entry.name, 0, 0)
            else:
                lo, hi = min(r[0], r[-1]), max(r[0], r[-1]) + 1
                block = self.file.read_rows(self.entry.name, lo, hi)
                if r.step != 1:
                    block = block[[i - lo for i in r]]
            return block[(slice(None), *rest)] if rest else block
        i = operator.index(key)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"row {key} out of range for {n} rows")
        row: np.ndarray = self.file.read_rows(self.entry.name, i, i + 1)[0]
        return row[rest] if rest else row

    def __repr__(self) -> str:
        return f"<polyfmt.mmx.TensorRows {self.entry.name!r} {self.entry.dtype}{list(self.shape)}>"
