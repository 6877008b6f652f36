"""VSF v2 (.vsf) files: a self-describing typed format.

A VSF file is a header of labels, then sections: structured ones (named
fields holding typed values: integers of every width, floats, complex
numbers, Spirix scalars and circles, names, text, Eagle Time, hashes,
signatures, keys, tensors, bit-packed tensors, nested structures) and
unboxed ones (raw bytes). Sections and the whole file may carry hashes and
Ed25519 signatures. All format work (encoding, decoding, hashing, signing,
compression, conversion between the seed's and the public crate's forms)
is done by libpolyfmt; this module owns a handle, turns Python values into
the library's JSON form of values and back, and lends numpy arrays over
the memory the library returns.

Example::

    from datetime import datetime, timezone

    import numpy as np
    import polyfmt
    from polyfmt import vsf

    key = vsf.keygen()
    with vsf.VSF.create("shot.vsf") as f:
        f.add("camera", "iso", vsf.u4(800))
        f.add("camera", "taken", vsf.EagleTime.from_datetime(datetime.now(timezone.utc)))
        f.add("image", "raw", vsf.bitpacked(np.zeros((3072, 4096), np.uint16), 12))
        f.put_unboxed("thumbnail", b"...")  # any buffer: bytes, memoryview, a numpy array
        f.sign("camera", key)
        f.commit()
    with polyfmt.open("shot.vsf") as f:      # a vsf.VSF
        print(f.section("camera"))           # Section('camera', {'iso': 800, 'taken': EagleTime(...)})
        img = f.tensor("image.raw")          # numpy uint16 (3072, 4096), unpacked
        f.verify()

Values read from a file become Python values: integers of every width
``int`` (exact, 128-bit included), floats ``float``, complex ``complex``,
booleans ``bool``, names :class:`Name` (a ``str``), text ``str``, Eagle
Time :class:`EagleTime`, hashes, signatures and keys :class:`Hash`,
:class:`Signature`, :class:`Key`, Spirix values :class:`Spirix` and
:class:`Circle`, nested structures :class:`Struct` (an ordered mapping),
tensors :class:`TensorRef` (read with ``.read()``). The stored type of a
number is not kept on the Python side: :meth:`VSF.section_json` and
:meth:`VSF.get_json` return the library's JSON form, which has it.

Writing: a bare Python ``int`` is stored as ``i6`` (64-bit signed), or
``i7`` (128-bit) when it does not fit, or ``u7`` for 2**127 … 2**128-1:
a field's type does not change with its value. Give the type with the
helpers :func:`u3` … :func:`u7`, :func:`i3` … :func:`i7`, :func:`f5`,
:func:`f6`, :func:`j5`, :func:`j6`; numpy scalars keep their own type
(``np.uint16(5)`` is a ``u4``). ``float`` is ``f6``, ``complex`` ``j6``,
``str`` text, :class:`Name` a name, ``datetime`` and :class:`EagleTime`
Eagle Time, a mapping a nested structure, a numpy array a tensor and
:func:`bitpacked` a bit-packed tensor.

Zero copy: :meth:`VSF.raw` of a section stored plain in a file opened
read-only (by path, memory-mapped, or from bytes) is a read-only ``ndarray``
over the file's memory itself. Such an array keeps its :class:`VSF` alive,
and the file cannot be closed while one exists: :meth:`VSF.close` raises
:class:`BufferError` (as :mod:`mmx` does, and :class:`mmap.mmap` with
exported buffers). Delete the arrays, or keep ``.copy()`` of them. Every
other array is over a buffer the library allocated, wrapped without a copy
and freed when the last array over it is collected.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
import math
import operator
from ctypes import byref, c_int32, c_size_t, c_void_p
from dataclasses import dataclass, field
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _file, _generated, _lib
from ._calls import Owned, Region, compact_json, encode_text, free, options_json, out_buffer, take
from ._file import BytesLike, StrPath, _image
from .errors import BadArgumentError, InternalError, NotFoundError, error_for

__all__ = [
    "EAGLE_EPOCH",
    "Check",
    "Circle",
    "EagleTime",
    "File",
    "Hash",
    "Key",
    "Label",
    "Name",
    "Number",
    "Section",
    "Signature",
    "Spirix",
    "Struct",
    "TensorRef",
    "VSF",
    "BitPacked",
    "bitpacked",
    "convert",
    "decode_json",
    "decode_value",
    "encode_json",
    "encode_value",
    "from_json",
    "f5",
    "f6",
    "i3",
    "i4",
    "i5",
    "i6",
    "i7",
    "j5",
    "j6",
    "keygen",
    "public_key",
    "to_json",
    "u3",
    "u4",
    "u5",
    "u6",
    "u7",
]

EAGLE_EPOCH = _dt.datetime(1969, 7, 20, 20, 17, 40, tzinfo=_dt.timezone.utc)
"""Eagle Time's epoch, 1969-07-20 20:17:40 UTC (Unix time -14182940)."""

_FORMS = {"seed": 0, "crate": 1}
"""pf_vsf_convert's form numbers."""


# ---- values --------------------------------------------------------------------


class Name(str):
    """A VSF name (``d``): printable ASCII, as opposed to text (``x``, any UTF-8 ``str``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Name({str.__repr__(self)})"


@dataclass(frozen=True)
class Number:
    """A number with its VSF type, for writing: what :func:`u4`, :func:`f5`, :func:`j6` … return.

    Attributes:
        type: ``"u3"`` … ``"u7"``, ``"i3"`` … ``"i7"``, ``"f5"``, ``"f6"``, ``"j5"``, ``"j6"``.
        value: an ``int`` (u, i), ``float`` (f) or ``complex`` (j).
    """

    type: str
    value: Union[int, float, complex]


def u3(value: int) -> Number:
    """``value`` stored as u3 (uint8)."""
    return Number("u3", operator.index(value))


def u4(value: int) -> Number:
    """``value`` stored as u4 (uint16)."""
    return Number("u4", operator.index(value))


def u5(value: int) -> Number:
    """``value`` stored as u5 (uint32)."""
    return Number("u5", operator.index(value))


def u6(value: int) -> Number:
    """``value`` stored as u6 (uint64)."""
    return Number("u6", operator.index(value))


def u7(value: int) -> Number:
    """``value`` stored as u7 (uint128)."""
    return Number("u7", operator.index(value))


def i3(value: int) -> Number:
    """``value`` stored as i3 (int8)."""
    return Number("i3", operator.index(value))


def i4(value: int) -> Number:
    """``value`` stored as i4 (int16)."""
    return Number("i4", operator.index(value))


def i5(value: int) -> Number:
    """``value`` stored as i5 (int32)."""
    return Number("i5", operator.index(value))


def i6(value: int) -> Number:
    """``value`` stored as i6 (int64)."""
    return Number("i6", operator.index(value))


def i7(value: int) -> Number:
    """``value`` stored as i7 (int128)."""
    return Number("i7", operator.index(value))


def f5(value: float) -> Number:
    """``value`` stored as f5 (float32, rounded by the library)."""
    return Number("f5", float(value))


def f6(value: float) -> Number:
    """``value`` stored as f6 (float64)."""
    return Number("f6", float(value))


def j5(value: complex) -> Number:
    """``value`` stored as j5 (two float32)."""
    return Number("j5", complex(value))


def j6(value: complex) -> Number:
    """``value`` stored as j6 (two float64)."""
    return Number("j6", complex(value))


@dataclass(frozen=True)
class EagleTime:
    """An Eagle Time: seconds since 1969-07-20 20:17:40 UTC (:data:`EAGLE_EPOCH`).

    Attributes:
        seconds: exact whole seconds (``int``, stored as ``T5``…``T7``) or
            float seconds (``float``, stored as ``t6``).
        form: how the file stored it (``"T5"``, ``"t6"``, the crate's
            ``"ei5"``, ``"ef6"`` …); ``""`` for a time made in Python.
            Not part of equality.
    """

    seconds: Union[int, float]
    form: str = field(default="", compare=False)

    @property
    def datetime(self) -> _dt.datetime:
        """The time as a timezone-aware UTC ``datetime`` (float seconds rounded to microseconds)."""
        return EAGLE_EPOCH + _dt.timedelta(seconds=self.seconds)

    @classmethod
    def from_datetime(cls, dt: _dt.datetime) -> EagleTime:
        """The Eagle Time of ``dt`` (a naive datetime is taken as UTC): whole seconds as an
        ``int``, else float seconds."""
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=_dt.timezone.utc)
        d = dt - EAGLE_EPOCH
        whole = d.days * 86400 + d.seconds
        if d.microseconds == 0:
            return cls(whole)
        return cls(whole + d.microseconds / 1e6)

    @classmethod
    def from_unix(cls, seconds: Union[int, float]) -> EagleTime:
        """The Eagle Time of a Unix time (seconds since 1970-01-01 UTC)."""
        return cls(seconds - int(EAGLE_EPOCH.timestamp()))


@dataclass(frozen=True)
class Hash:
    """A hash (``h``): ``alg`` is ``"blake3"``, ``"sha256"``, ``"sha512"``, ``"blake2b"``, ``"blake2b-512"`` …"""

    alg: str
    bytes: bytes


@dataclass(frozen=True)
class Signature:
    """A signature (``g``): ``alg`` is ``"ed25519"``, ``bytes`` the 64-byte signature."""

    alg: str
    bytes: bytes


@dataclass(frozen=True)
class Key:
    """A public key (``k``): ``alg`` is ``"ed25519"``, ``bytes`` the 32-byte key."""

    alg: str
    bytes: bytes


def _spirix_approx(v: Union[Spirix, Circle]) -> Any:
    """The library's approximation of a Spirix value made in Python (encoded and decoded once)."""
    return decode_json(encode_json(to_json(v)))["approx"]


@dataclass(frozen=True)
class Spirix:
    """A Spirix scalar (``s`` + F + E, e.g. ``"s64"``): exact fraction and exponent.

    ``float(s)`` is the library's approximation (``approx``, computed by
    the library when the value was made in Python).
    """

    type: str
    frac: int
    exp: int
    approx: Optional[float] = field(default=None, compare=False)

    def __float__(self) -> float:
        if self.approx is not None:
            return self.approx
        return _float(_spirix_approx(self))


@dataclass(frozen=True)
class Circle:
    """A Spirix circle (``c`` + F + E, e.g. ``"c64"``): exact real and imaginary fractions, one exponent.

    ``complex(c)`` is the library's approximation.
    """

    type: str
    re: int
    im: int
    exp: int
    approx: Optional[complex] = field(default=None, compare=False)

    def __complex__(self) -> complex:
        if self.approx is not None:
            return self.approx
        a = _spirix_approx(self)
        return complex(_float(a[0]), _float(a[1]))


class Struct(Mapping[str, Any]):
    """A nested structure: named fields in order (an ordered, read-only mapping).

    ``s["name"]`` is the first field of that name; :attr:`fields` lists
    every ``(name, value)`` pair in order, repeated names included.
    Equality with another :class:`Struct` compares :attr:`fields`; with a
    plain mapping, the mapping's items.
    """

    __slots__ = ("fields",)

    def __init__(self, fields: Union[Iterable[Tuple[str, Any]], Mapping[str, Any]] = ()) -> None:
        items = fields.items() if isinstance(fields, Mapping) else fields
        self.fields: List[Tuple[str, Any]] = [(str(k), v) for k, v in items]

    def __getitem__(self, name: str) -> Any:
        for k, v in self.fields:
            if k == name:
                return v
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Struct):
            return self.fields == other.fields
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.fields)!r})"


class Section(Struct):
    """A structured section (:meth:`VSF.section`): its :attr:`name`, its fields (a :class:`Struct`)
    and :attr:`json`, the library's JSON form ``{"name", "fields"}`` (which keeps every value's type)."""

    __slots__ = ("name", "json")

    def __init__(self, name: str, fields: Iterable[Tuple[str, Any]], json_doc: Mapping[str, Any]) -> None:
        super().__init__(fields)
        self.name = name
        self.json: Mapping[str, Any] = json_doc

    def __repr__(self) -> str:
        return f"Section({self.name!r}, {dict(self.fields)!r})"


@dataclass(frozen=True)
class TensorRef:
    """A tensor in a section, not yet read: ``.read()`` returns it as a numpy array (:meth:`VSF.tensor`).

    Attributes:
        path: its dotted path (``"image.raw"``).
        elem: the element type (``"u4"``, ``"f6"``, ``"bool"``, ``"s64"`` …; of a
            bit-packed tensor the unsigned type its samples are unpacked to).
        shape: the dimensions.
        strides: per dimension, in elements (a strided ``q`` tensor), or None.
        nbytes: the bytes stored in the file.
        bits: a bit-packed tensor's bits per sample, or None.
    """

    path: str
    elem: str
    shape: Tuple[int, ...]
    strides: Optional[Tuple[int, ...]]
    nbytes: int
    bits: Optional[int] = None
    file: Optional[VSF] = field(default=None, compare=False, repr=False)

    def read(self) -> np.ndarray:
        """The tensor's elements (see :meth:`VSF.tensor`)."""
        if self.file is None:
            raise BadArgumentError(f"vsf: tensor {self.path!r} is not attached to a file")
        return self.file.tensor(self.path)


@dataclass(frozen=True, eq=False)
class BitPacked:
    """An array to store bit-packed (:func:`bitpacked`)."""

    array: np.ndarray
    bits: int


def bitpacked(array: Any, bits: int) -> BitPacked:
    """``array`` (unsigned integers, each below ``2**bits``) to be stored bit-packed, ``bits`` (1…64) per sample.

    Read back (:meth:`VSF.tensor`), the samples come unpacked into the
    smallest unsigned dtype that holds ``bits`` (12 bits: uint16).
    """
    a = np.asarray(array)
    if a.dtype.kind != "u":
        raise BadArgumentError(f"vsf: bit-packed samples are unsigned integers, not {a.dtype}")
    return BitPacked(a, operator.index(bits))


@dataclass(frozen=True)
class Label:
    """One section's label in the header (:attr:`VSF.labels`)."""

    name: str
    offset: int
    size: int
    count: int
    unboxed: bool
    compressed: bool
    raw_size: int
    hashes: Tuple[str, ...]
    signatures: int
    keys: int

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Label:
        return cls(
            d["name"],
            int(d["offset"]),
            int(d["size"]),
            int(d["count"]),
            bool(d["unboxed"]),
            bool(d["compressed"]),
            int(d["raw_size"]),
            tuple(d.get("hashes") or ()),
            int(d.get("signatures") or 0),
            int(d.get("keys") or 0),
        )


@dataclass(frozen=True)
class Check:
    """One check :meth:`VSF.verify_report` made.

    Attributes:
        section: the section checked, ``""`` for the whole file.
        what: ``"structure"``, ``"hash"``, ``"signature"`` or ``"file hash"``.
        alg: the hash's or signature's algorithm, ``""`` for structure.
        status: ``"ok"``, ``"failed"`` or ``"unverified"`` (a signature with no key to check it;
            given a key, a file with no signature, which is an error).
        error: why it failed, ``""`` otherwise.
        code: the status code of a failed check by name (``"PF_ECHECKSUM"``), ``""`` otherwise.
    """

    section: str
    what: str
    alg: str
    status: str
    error: str = ""
    code: str = ""


# ---- the JSON form of values (core/vsf/json.go) -----------------------------------------


def _float(v: Any) -> float:
    """A float of the JSON form: a number, or "NaN", "Infinity", "-Infinity"."""
    return float(v)  # float() reads those three strings as they are spelled


def _float_json(v: float) -> Any:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _parse_int(s: str) -> Union[int, float]:
    # "-0" is a float's negative zero (Go writes it so); every integer value is a string.
    return -0.0 if s == "-0" else int(s)


def _loads(b: Union[bytes, str]) -> Any:
    return json.loads(b, parse_int=_parse_int)


def _int_type(v: int) -> str:
    if -(1 << 63) <= v < 1 << 63:
        return "i6"
    if -(1 << 127) <= v < 1 << 127:
        return "i7"
    if 0 <= v < 1 << 128:
        return "u7"
    raise BadArgumentError(f"vsf: {v} does not fit in 128 bits")


_NP_TYPES = {
    "uint8": "u3",
    "uint16": "u4",
    "uint32": "u5",
    "uint64": "u6",
    "int8": "i3",
    "int16": "i4",
    "int32": "i5",
    "int64": "i6",
    "float32": "f5",
    "float64": "f6",
    "complex64": "j5",
    "complex128": "j6",
}
"""numpy scalar types -> VSF types, for numpy scalars given as values."""


def _number_json(t: str, v: Union[int, float, complex]) -> Dict[str, Any]:
    if t[:1] == "j":
        c = complex(v)
        return {"type": t, "re": _float_json(c.real), "im": _float_json(c.imag)}
    if t[:1] == "f":
        return {"type": t, "value": _float_json(float(v))}  # type: ignore[arg-type]
    return {"type": t, "value": str(operator.index(v))}  # type: ignore[arg-type]


def _hex(b: Union[bytes, bytearray, memoryview]) -> str:
    return bytes(b).hex()


def to_json(value: Any) -> Dict[str, Any]:
    """The library's JSON form of a Python value (see the module's doc for the mapping).

    Tensors are not values of the JSON form (their data does not travel in
    JSON): a numpy array, :class:`BitPacked` or :class:`TensorRef` raises
    :class:`~polyfmt.errors.BadArgumentError` (add them with :meth:`VSF.add`).
    """
    if isinstance(value, Number):
        return _number_json(value.type, value.value)
    if isinstance(value, (bool, np.bool_)):
        return {"type": "bool", "value": bool(value)}
    if isinstance(value, np.generic) and value.dtype.name in _NP_TYPES:
        return _number_json(_NP_TYPES[value.dtype.name], value.item())
    if isinstance(value, int):
        return _number_json(_int_type(value), value)
    if isinstance(value, float):
        return _number_json("f6", value)
    if isinstance(value, complex):
        return _number_json("j6", value)
    if isinstance(value, Name):
        return {"type": "name", "value": str(value)}
    if isinstance(value, str):
        return {"type": "text", "value": value}
    if isinstance(value, _dt.datetime):
        value = EagleTime.from_datetime(value)
    if isinstance(value, EagleTime):
        if isinstance(value.seconds, int):
            return {"type": "time", "seconds": str(value.seconds)}
        return {"type": "time", "float": _float_json(float(value.seconds))}
    if isinstance(value, Hash):
        return {"type": "hash", "alg": value.alg, "hex": _hex(value.bytes)}
    if isinstance(value, Signature):
        return {"type": "signature", "alg": value.alg, "hex": _hex(value.bytes)}
    if isinstance(value, Key):
        return {"type": "key", "alg": value.alg, "hex": _hex(value.bytes)}
    if isinstance(value, Spirix):
        return {"type": value.type, "frac": str(value.frac), "exp": str(value.exp)}
    if isinstance(value, Circle):
        return {"type": value.type, "re": str(value.re), "im": str(value.im), "exp": str(value.exp)}
    if isinstance(value, (np.ndarray, BitPacked, TensorRef)):
        raise BadArgumentError("vsf: a tensor has no JSON form (add it to a section with VSF.add)")
    if isinstance(value, Mapping):
        items = value.fields if isinstance(value, Struct) else value.items()
        return {"type": "struct", "fields": [{"name": str(k), "value": to_json(v)} for k, v in items]}
    raise TypeError(f"vsf: cannot store a {type(value).__name__} as a VSF value")


def from_json(doc: Mapping[str, Any], path: str = "", file: Optional[VSF] = None) -> Any:
    """The Python value of the library's JSON form of a value.

    ``path`` and ``file`` give a tensor's :class:`TensorRef` its place
    (a structure's fields extend the path with ``.name``).
    """
    t = doc["type"]
    k = t[:1]
    if t == "bool":
        return bool(doc["value"])
    if t == "name":
        return Name(doc["value"])
    if t == "text":
        return str(doc["value"])
    if t == "time":
        if "float" in doc:
            return EagleTime(_float(doc["float"]), doc.get("form", ""))
        return EagleTime(int(doc["seconds"]), doc.get("form", ""))
    if t in ("hash", "signature", "key"):
        cls = {"hash": Hash, "signature": Signature, "key": Key}[t]
        return cls(doc["alg"], bytes.fromhex(doc["hex"]))
    if t == "struct":
        return Struct(
            (f["name"], from_json(f["value"], f"{path}.{f['name']}" if path else f["name"], file))
            for f in doc.get("fields") or ()
        )
    if t in ("tensor", "bitpacked"):
        strides = doc.get("strides")
        return TensorRef(
            path,
            doc.get("elem", ""),
            tuple(int(n) for n in doc.get("shape") or ()),
            None if strides is None else tuple(int(n) for n in strides),
            int(doc.get("bytes") or 0),
            doc.get("bits"),
            file,
        )
    if k in ("u", "i") and t[1:].isdigit():
        return int(doc["value"])
    if k == "f":
        return _float(doc["value"])
    if k == "j":
        return complex(_float(doc["re"]), _float(doc["im"]))
    if k == "s":
        a = doc.get("approx")
        return Spirix(t, int(doc["frac"]), int(doc["exp"]), None if a is None else _float(a))
    if k == "c":
        a = doc.get("approx")
        approx = None if a is None else complex(_float(a[0]), _float(a[1]))
        return Circle(t, int(doc["re"]), int(doc["im"]), int(doc["exp"]), approx)
    raise InternalError(f"vsf: the library returned a value of unknown type {t!r}")


# ---- module functions -------------------------------------------------------------------


def keygen(seed: Optional[bytes] = None) -> bytes:
    """An Ed25519 private key (64 bytes: the 32-byte seed, then the public key),
    from a 32-byte ``seed`` or random."""
    s = b"" if seed is None else bytes(seed)
    return out_buffer("pf_vsf_keygen", s or None, len(s))


def public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of a 64-byte Ed25519 private key (its last 32 bytes)."""
    if len(private_key) != 64:
        raise BadArgumentError(f"vsf: an Ed25519 private key is 64 bytes, not {len(private_key)}")
    return bytes(private_key[32:])


def convert(data: BytesLike, to: str = "seed", drop_signatures: bool = False) -> bytes:
    """A VSF image rewritten in the seed's form (``"seed"``) or the public crate's (``"crate"``),
    every section and value kept. A signed file is an
    :class:`~polyfmt.errors.UnsupportedError` unless ``drop_signatures``."""
    form = _FORMS.get(to)
    if form is None:
        raise BadArgumentError(f'vsf: convert to "seed" or "crate", not {to!r}')
    buf = _image(data)
    return out_buffer("pf_vsf_convert", buf.ctypes.data if buf.nbytes else None, buf.nbytes, form, int(drop_signatures))


def encode_json(doc: Mapping[str, Any]) -> bytes:
    """The wire bytes of one value given in the library's JSON form."""
    js = compact_json(doc)
    return out_buffer("pf_vsf_encode_value", js, len(js))


def decode_json(data: Union[bytes, bytearray, memoryview]) -> Dict[str, Any]:
    """The library's JSON form of the one value ``data`` holds (trailing bytes: FormatError)."""
    b = bytes(data)
    doc: Dict[str, Any] = _loads(out_buffer("pf_vsf_decode_value", b, len(b)))
    return doc


def encode_value(value: Any) -> bytes:
    """The wire bytes of one Python value (:func:`to_json`'s mapping)."""
    return encode_json(to_json(value))


def decode_value(data: Union[bytes, bytearray, memoryview]) -> Any:
    """The Python value of the one value ``data`` holds (a tensor gives a :class:`TensorRef` with no file)."""
    return from_json(decode_json(data))


# ---- arrays --------------------------------------------------------------------------------


def _array_for_write(a: np.ndarray) -> Tuple[np.ndarray, Optional[List[int]]]:
    """(little-endian data to pass, strides in elements or None).

    A C-contiguous array is passed as it is (a ``t`` tensor); an array
    whose axes are a permutation of a contiguous block (a transpose,
    Fortran order) is passed over that block with its strides (a ``q``
    tensor); anything else is copied to C order first.
    """
    if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and not np.little_endian):
        a = a.astype(a.dtype.newbyteorder("<"))
    if a.flags.c_contiguous or a.ndim < 2 or a.size == 0:
        return np.ascontiguousarray(a), None
    item = a.dtype.itemsize
    if all(s > 0 and s % item == 0 for s in a.strides):
        order = sorted(range(a.ndim), key=lambda i: -a.strides[i])
        block = a.transpose(order)
        if block.flags.c_contiguous:
            return block, [s // item for s in a.strides]
    return np.ascontiguousarray(a), None


def _tensor_array(desc: Mapping[str, Any], addr: int, size: int) -> np.ndarray:
    """The numpy array over pf_vsf_tensor's returned data (freed with the last array over it)."""
    shape = tuple(int(n) for n in desc["shape"])
    count = int(np.prod(shape, dtype=np.uint64))
    name = desc.get("dtype") or ""
    if name:
        dt = np.dtype(name).newbyteorder("<") if name != "bool" else np.dtype(bool)
    else:  # u7, i7, Spirix: each element's native bytes (little-endian parts)
        dt = np.dtype((np.void, size // count if count else 1))
    if count * dt.itemsize != size:
        raise InternalError(f"vsf: tensor of {shape} {name or desc.get('type')} but {size} bytes returned")
    if size == 0:
        return np.empty(shape, dtype=dt)
    flat = np.asarray(Region(addr, size, False, Owned(addr))).view(dt)
    strides = desc.get("strides")
    if strides:
        return as_strided(flat, shape, tuple(int(s) * dt.itemsize for s in strides), writeable=False)
    return flat.reshape(shape)


# ---- the file -------------------------------------------------------------------------------


class VSF(_file.File):
    """An open VSF file, in memory or on disk, owning one library handle.

    Create instances with :meth:`create`, :meth:`open` or :meth:`from_bytes`
    (or :func:`polyfmt.open`). A writable handle is a builder: :meth:`add`,
    :meth:`put_unboxed`, :meth:`section_options`, :meth:`file_options`,
    :meth:`sign` and :meth:`remove` change the pending image, which
    :meth:`commit` (or closing) writes whole and atomically; reads show the
    last commit. Handle lifetime and :meth:`to_bytes` are those of
    :class:`polyfmt.File`. :attr:`info` is::

        {"format", "name", "writable", "form", "version", "backward", "size", "header_len",
         "labels": [{"name", "offset", "size", "count", "unboxed", "compressed", "raw_size",
                     "hashes", "signatures", "keys"}], "trailer", "pending", "recovery"}
    """

    format = "vsf"

    # ---- opening -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Optional[StrPath] = None,
        *,
        form: str = "seed",
        no_sync: bool = False,
        max_depth: Optional[int] = None,
        max_labels: Optional[int] = None,
        max_fields: Optional[int] = None,
        max_dims: Optional[int] = None,
        max_elements: Optional[int] = None,
        max_name_len: Optional[int] = None,
        max_decompressed: Optional[int] = None,
        max_ratio: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> VSF:
        """Creates a new file at ``path`` (truncating it; locked for writing), or in memory when ``path`` is None.

        ``form``: ``"seed"`` (polyfmt's default: the seed's V2) or
        ``"crate"`` (the public crate's V2 form). ``no_sync`` skips the
        fsyncs at commit. The ``max_…`` limits bound what a file may claim
        (None: the library's defaults); ``options`` are further option keys.
        """
        o = options_json(
            form=form,
            no_sync=no_sync or None,
            max_depth=max_depth,
            max_labels=max_labels,
            max_fields=max_fields,
            max_dims=max_dims,
            max_elements=max_elements,
            max_name_len=max_name_len,
            max_decompressed=max_decompressed,
            max_ratio=max_ratio,
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
        max_depth: Optional[int] = None,
        max_labels: Optional[int] = None,
        max_fields: Optional[int] = None,
        max_dims: Optional[int] = None,
        max_elements: Optional[int] = None,
        max_name_len: Optional[int] = None,
        max_decompressed: Optional[int] = None,
        max_ratio: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> VSF:
        """Opens an existing file: read-only (memory-mapped; plain sections are lent by :meth:`raw`)
        or ``writable`` (the writer lock; unchanged sections are kept byte for byte).

        The limits are :meth:`create`'s. A file of another format is a
        :class:`~polyfmt.errors.FormatError`.
        """
        o = options_json(
            no_sync=no_sync or None,
            max_depth=max_depth,
            max_labels=max_labels,
            max_fields=max_fields,
            max_dims=max_dims,
            max_elements=max_elements,
            max_name_len=max_name_len,
            max_decompressed=max_decompressed,
            max_ratio=max_ratio,
            options=options,
        )
        return cls._open(path, writable, o)

    # ---- reading ---------------------------------------------------------------

    @property
    def form(self) -> str:
        """``"seed"`` or ``"crate"``: the form the file is written in."""
        return str(self.info["form"])

    @property
    def labels(self) -> List[Label]:
        """The header's labels, one per section, in file order (as of the last commit)."""
        return [Label.from_json(d) for d in self.info["labels"]]

    def keys(self) -> List[str]:
        """The sections' names, in file order."""
        return [lb.name for lb in self.labels]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.keys()

    def section_json(self, name: str) -> Dict[str, Any]:
        """A structured section in the library's JSON form ``{"name", "fields": [{"name", "value"}]}``."""
        nm = encode_text(name)
        doc: Dict[str, Any] = _loads(self._buffer("pf_vsf_section", nm, len(nm)))
        return doc

    def section(self, name: str) -> Section:
        """A structured section's fields as Python values
        (NotFoundError if there is none; BadArgumentError for an unboxed one: :meth:`raw`)."""
        doc = self.section_json(name)
        fields = [(f["name"], from_json(f["value"], f"{name}.{f['name']}", self)) for f in doc["fields"]]
        return Section(doc["name"], fields, doc)

    def get_json(self, path: str) -> Dict[str, Any]:
        """The value at a dotted path (``"camera.exposure.shutter_ns"``) in the library's JSON form."""
        p = encode_text(path)
        doc: Dict[str, Any] = _loads(self._buffer("pf_vsf_get", p, len(p)))
        return doc

    def get(self, path: str) -> Any:
        """The value at a dotted path as a Python value: a section alone is a :class:`Struct`,
        an unboxed section a :class:`TensorRef` of its bytes."""
        return from_json(self.get_json(path), path, self)

    def __getitem__(self, path: str) -> Any:
        """:meth:`get`; KeyError when there is no such value."""
        try:
            return self.get(path)
        except NotFoundError as e:
            raise KeyError(path) from e

    def tensor(self, path: str) -> np.ndarray:
        """The tensor at a dotted path as a numpy array, in a buffer the library allocated (no copy).

        The dtype is the element's native one, little-endian (``u4``:
        ``uint16``; ``bool``: ``bool``; ``j5``: ``complex64``); a
        bit-packed tensor's samples are unpacked into the smallest unsigned
        dtype that holds them (12 bits: ``uint16``); ``u7``, ``i7`` and
        Spirix elements, which numpy has no dtype for, are ``void``
        elements of their native bytes. A strided (``q``) tensor is a
        read-only :func:`numpy.lib.stride_tricks.as_strided` view with its
        strides applied over the elements as stored (``.copy()`` for a
        contiguous, writable array); other tensors are writable arrays.
        An unboxed section reads as a ``uint8`` tensor of its bytes.
        """
        p = encode_text(path)
        js, js_len, data, data_len = c_void_p(), c_size_t(), c_void_p(), c_size_t()
        rc = _lib.lib().pf_vsf_tensor(self._handle, p, len(p), byref(js), byref(js_len), byref(data), byref(data_len))
        try:
            self._check(rc)
            desc = _loads(take(js, js_len))
        except BaseException:
            free(js, data)
            raise
        free(js)
        try:
            return _tensor_array(desc, data.value or 0, data_len.value)
        except BaseException:
            free(data)
            raise

    def raw(self, name: str) -> np.ndarray:
        """A section's bytes as a ``uint8`` array: an unboxed section's blob, a structured one's encoding.

        Of a section stored plain in a file opened read-only, a read-only
        view of the file's memory (no copy; it keeps this object alive, and
        :meth:`close` raises :class:`BufferError` while it exists); else a
        writable array over a copy (a compressed section: decompressed).
        """
        nm = encode_text(name)
        data, size, borrowed = c_void_p(), c_size_t(), c_int32(0)
        with self._reading():  # a close waits for it
            rc = _lib.lib().pf_vsf_raw(self._handle, nm, len(nm), byref(data), byref(size), byref(borrowed))
            lent = rc == 0 and borrowed.value == 1
            if rc:
                self._check(rc)
            if not data.value or not size.value:
                if not lent:
                    free(data)
                empty = np.empty(0, dtype=np.uint8)
                empty.flags.writeable = not lent
                return empty
            keep: object = self if lent else Owned(data.value)
            region = Region(data.value, size.value, lent, keep)
            if lent:
                self._lend(region)
            return np.asarray(region)

    def verify_report(self, key: Optional[builtins.bytes] = None) -> List[Check]:
        """Every check :meth:`verify` makes, each with its status (the call itself does not fail on a bad check).

        With ``key`` (a 32-byte Ed25519 public key, or a 64-byte private
        key) every signature must verify against it; without, signatures
        are checked against the keys the file holds, and one with no key
        is ``"unverified"``.
        """
        k = b"" if key is None else bytes(key)
        doc = _loads(self._buffer("pf_vsf_verify_report", k or None, len(k)))
        return [
            Check(c["section"], c["what"], c.get("alg", ""), c["status"], c.get("error", ""), c.get("code", ""))
            for c in doc["checks"]
        ]

    def verify(self, key: Optional[builtins.bytes] = None) -> None:
        """Decodes every section and checks every hash and signature (pf_verify).

        With ``key`` (as :meth:`verify_report`), every signature must also
        verify against it. Raises :class:`~polyfmt.errors.ChecksumError`
        for a bad hash or signature, :class:`~polyfmt.errors.FormatError`
        for a section that does not decode (with a key: the first failed
        check of :meth:`verify_report`: the exception of its
        :attr:`Check.code`, the check named in the message).
        """
        if key is None:
            self._call("pf_verify")
            return
        for c in self.verify_report(key):
            if c.code:  # failed; or, given a key, a file with no signature
                where = f"section {c.section!r}" if c.section else "the file"
                code = _generated.CODES.get(c.code, _generated.CODES["PF_EINTERNAL"])
                raise error_for(code, f"vsf: {c.what} of {where}: {c.error}")

    # ---- writing -----------------------------------------------------------------

    def add(self, section: str, name: str, value: Any) -> None:
        """Appends field ``name`` holding ``value`` to a structured section (made at the end if missing).

        ``value`` is any value :func:`to_json` takes, or a numpy array (a
        tensor: its dtype gives the element type; a transposed or
        Fortran-order array is stored strided, ``q``, without a copy), a
        :func:`bitpacked` array, or a :class:`TensorRef` (read and stored again).
        """
        if isinstance(value, TensorRef):
            arr = value.read()
            value = bitpacked(np.ascontiguousarray(arr), value.bits) if value.bits else arr
        if isinstance(value, BitPacked):
            data, _ = _array_for_write(np.ascontiguousarray(value.array))
            packed = {"dtype": data.dtype.name, "shape": [int(n) for n in data.shape], "bits": value.bits}
            self._add_tensor(section, name, packed, data)
            return
        if isinstance(value, np.ndarray):
            data, strides = _array_for_write(value)
            desc: Dict[str, Any] = {"dtype": value.dtype.name, "shape": [int(n) for n in value.shape]}
            if strides is not None:
                desc["strides"] = strides
            self._add_tensor(section, name, desc, data)
            return
        s, f = encode_text(section), encode_text(name)
        js = compact_json(to_json(value))
        self._call("pf_vsf_add", s, len(s), f, len(f), js, len(js))

    def _add_tensor(self, section: str, name: str, desc: Dict[str, Any], data: np.ndarray) -> None:
        s, f, d = encode_text(section), encode_text(name), compact_json(desc)
        addr = data.ctypes.data if data.nbytes else None  # the array's own memory, borrowed for the call
        self._call("pf_vsf_add_tensor", s, len(s), f, len(f), d, len(d), addr, data.nbytes)

    def put_unboxed(self, name: str, data: BytesLike) -> None:
        """Makes or replaces an unboxed section holding ``data``'s bytes (any buffer: bytes,
        memoryview, a numpy array), passed in place (the library copies them)."""
        buf = _image(data)
        nm = encode_text(name)
        self._call("pf_vsf_put_unboxed", nm, len(nm), buf.ctypes.data if buf.nbytes else None, buf.nbytes)

    def section_options(
        self,
        name: str,
        compress: Optional[bool] = None,
        hash: Union[str, Sequence[str], None] = None,
    ) -> None:
        """Options of a pending section: ``compress`` (zstd) and ``hash`` (``"blake3"``,
        ``"sha256"``, ``"sha512"``, ``"blake2b"``, ``"blake2b-512"``, or a list of them)."""
        self._options(name, compress=compress, hash=hash)

    def file_options(self, hash: Union[str, Sequence[str], None] = None, no_file_hash: bool = False) -> None:
        """Options of the whole file: hashes over it (``hash``), and ``no_file_hash`` to drop the
        BLAKE3 file hash the seed form writes by default."""
        self._options("", hash=hash, no_file_hash=no_file_hash or None)

    def _options(self, name: str, **opts: Any) -> None:
        h = opts.get("hash")
        if isinstance(h, str):
            opts["hash"] = [h]
        elif h is not None:
            opts["hash"] = list(h)
        nm, o = encode_text(name), options_json(**opts) or b"{}"
        self._call("pf_vsf_section_options", nm, len(nm), o, len(o))

    def sign(self, name: Optional[str], private_key: builtins.bytes, with_key: bool = True) -> None:
        """Signs section ``name`` (None or ``""``: the whole file) with a 64-byte Ed25519 private key
        (:func:`keygen`) when the file is written; ``with_key`` also stores the public key, so the
        file verifies without being given it."""
        nm, k = encode_text(name), bytes(private_key)
        self._call("pf_vsf_sign", nm, len(nm), k, len(k), int(bool(with_key)))

    def remove(self, name: str) -> None:
        """Drops a section from the pending image (NotFoundError if there is none)."""
        nm = encode_text(name)
        self._call("pf_vsf_remove", nm, len(nm))

    def commit(self) -> None:
        """Writes the pending image: beside the path, synced and renamed over it, or in memory."""
        self._call("pf_vsf_commit")

    def bytes(self) -> builtins.bytes:
        """The committed image of a file held in memory (:meth:`to_bytes`)."""
        return self.to_bytes()


File = VSF
"""The format's class under the name every format module uses (``polyfmt.vsf.File``)."""
