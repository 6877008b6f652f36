"""polyfmt.vsf: values, tensors, raw views, signatures, conversion and errors through the Python API."""

from __future__ import annotations

import gc
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import pytest

import polyfmt
from polyfmt import vsf

KEY = vsf.keygen(bytes(range(32)))
OTHER_KEY = vsf.keygen(bytes(32))

# (field, value written, value read back, the JSON type the library reports)
VALUES: List[Tuple[str, Any, Any, str]] = [
    ("u3", vsf.u3(255), 255, "u3"),
    ("u4", vsf.u4(800), 800, "u4"),
    ("u5", vsf.u5(100000), 100000, "u5"),
    ("u6", vsf.u6(2**64 - 1), 2**64 - 1, "u6"),
    ("u7", vsf.u7(2**128 - 1), 2**128 - 1, "u7"),
    ("i3", vsf.i3(-42), -42, "i3"),
    ("i4", vsf.i4(-32768), -32768, "i4"),
    ("i5", vsf.i5(2**31 - 1), 2**31 - 1, "i5"),
    ("i6", vsf.i6(-(2**63)), -(2**63), "i6"),
    ("i7", vsf.i7(-(2**127)), -(2**127), "i7"),
    ("i7max", vsf.i7(2**127 - 1), 2**127 - 1, "i7"),
    ("bare_int", 7, 7, "i6"),
    ("bare_big", 2**100, 2**100, "i7"),
    ("bare_u128", 2**128 - 2, 2**128 - 2, "u7"),
    ("np_u16", np.uint16(9), 9, "u4"),
    ("np_i8", np.int8(-9), -9, "i3"),
    ("f5", vsf.f5(1.5), 1.5, "f5"),
    ("f6", 0.1, 0.1, "f6"),
    ("np_f32", np.float32(0.25), 0.25, "f5"),
    ("inf", float("inf"), float("inf"), "f6"),
    ("ninf", vsf.f5(float("-inf")), float("-inf"), "f5"),
    ("j5", vsf.j5(1 + 2j), 1 + 2j, "j5"),
    ("j6", 0.5 - 0.25j, 0.5 - 0.25j, "j6"),
    ("true", True, True, "bool"),
    ("false", np.bool_(False), False, "bool"),
    ("name", vsf.Name("metadata"), vsf.Name("metadata"), "name"),
    ("text", "héllo ✓", "héllo ✓", "text"),
    ("empty_text", "", "", "text"),
    ("time_int", vsf.EagleTime(123), vsf.EagleTime(123), "time"),
    ("time_neg", vsf.EagleTime(-(2**40)), vsf.EagleTime(-(2**40)), "time"),
    ("time_float", vsf.EagleTime(1.5), vsf.EagleTime(1.5), "time"),
    ("datetime", datetime(1970, 1, 1, tzinfo=timezone.utc), vsf.EagleTime(14182940), "time"),
    ("hash", vsf.Hash("blake3", bytes(range(32))), vsf.Hash("blake3", bytes(range(32))), "hash"),
    ("sha256", vsf.Hash("sha256", b"\xff" * 32), vsf.Hash("sha256", b"\xff" * 32), "hash"),
    ("sig", vsf.Signature("ed25519", b"\x01" * 64), vsf.Signature("ed25519", b"\x01" * 64), "signature"),
    ("key", vsf.Key("ed25519", b"\x02" * 32), vsf.Key("ed25519", b"\x02" * 32), "key"),
    ("spirix", vsf.Spirix("s64", -123, -3), vsf.Spirix("s64", -123, -3), "s64"),
    ("circle", vsf.Circle("c33", 64, -64, 1), vsf.Circle("c33", 64, -64, 1), "c33"),
    (
        "nested",
        {"a": vsf.u3(1), "b": {"c": "deep", "d": vsf.Name("n")}},
        {"a": 1, "b": {"c": "deep", "d": vsf.Name("n")}},
        "struct",
    ),
]


def build(f: vsf.VSF) -> None:
    for name, value, _, _ in VALUES:
        f.add("values", name, value)
    f.commit()


def reopen_memory(f: vsf.VSF, tmp_path: Path) -> vsf.VSF:
    return vsf.VSF.from_bytes(f.to_bytes())


def reopen_disk(f: vsf.VSF, tmp_path: Path) -> vsf.VSF:
    return vsf.VSF.open(tmp_path / "v.vsf")


STORES: List[Tuple[str, Callable[[Path], vsf.VSF], Callable[[vsf.VSF, Path], vsf.VSF]]] = [
    ("memory", lambda p: vsf.VSF.create(), reopen_memory),
    ("disk", lambda p: vsf.VSF.create(p / "v.vsf"), reopen_disk),
]


# ---- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES, ids=[s[0] for s in STORES])
def test_every_value_type_round_trips(store: Any, tmp_path: Path) -> None:
    _, create, reopen = store
    f = create(tmp_path)
    build(f)
    g = reopen(f, tmp_path)
    f.close()
    with g:
        assert isinstance(g, vsf.VSF) and g.format == "vsf" and g.form == "seed"
        sec = g.section("values")
        assert isinstance(sec, vsf.Section) and sec.name == "values"
        assert list(sec) == [v[0] for v in VALUES]
        js = {f["name"]: f["value"] for f in sec.json["fields"]}
        for name, _, want, typ in VALUES:
            got = sec[name]
            assert got == want, name
            assert type(got) is type(want) or isinstance(want, dict), name
            assert js[name]["type"] == typ, name
            assert g.get(f"values.{name}") == want, name
            assert g.get_json(f"values.{name}") == js[name]
        assert g.get("values.nested.b.c") == "deep"
        assert g["values.nested"]["b"]["d"] == "n"
        assert g.get("values") == sec  # a section alone is a struct
        g.verify()


def test_nan_and_negative_zero() -> None:
    with vsf.VSF.create() as f:
        f.add("s", "nan", float("nan"))
        f.add("s", "nan5", vsf.f5(float("nan")))
        f.add("s", "nz", -0.0)
        f.add("s", "jz", complex(-0.0, float("nan")))
        f.commit()
        s = f.section("s")
        assert math.isnan(s["nan"]) and math.isnan(s["nan5"])
        assert s["nz"] == 0.0 and math.copysign(1, s["nz"]) == -1
        assert math.copysign(1, s["jz"].real) == -1 and math.isnan(s["jz"].imag)


def test_128_bit_integers_are_exact() -> None:
    for v in (2**128 - 1, 2**127 + 12345, 2**64 + 1):
        assert vsf.decode_value(vsf.encode_value(vsf.u7(v))) == v
    for v in (-(2**127), 2**127 - 1, -(2**64) - 1):
        assert vsf.decode_value(vsf.encode_value(vsf.i7(v))) == v
        assert vsf.decode_value(vsf.encode_value(v)) == v  # a bare int of that size is an i7
    assert vsf.to_json(2**127) == {"type": "u7", "value": str(2**127)}
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.to_json(2**128)
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.to_json(-(2**127) - 1)


def test_bare_values_default_types() -> None:
    assert vsf.to_json(5) == {"type": "i6", "value": "5"}  # the same type whatever the value
    assert vsf.to_json(-(2**63)) == {"type": "i6", "value": str(-(2**63))}
    assert vsf.to_json(2**63)["type"] == "i7"
    assert vsf.to_json(True) == {"type": "bool", "value": True}
    assert vsf.to_json(1.0) == {"type": "f6", "value": 1.0}
    assert vsf.to_json(1j) == {"type": "j6", "re": 0.0, "im": 1.0}
    assert vsf.to_json("x") == {"type": "text", "value": "x"}
    assert vsf.to_json(vsf.Name("x")) == {"type": "name", "value": "x"}
    assert vsf.to_json(np.uint64(1))["type"] == "u6" and vsf.to_json(np.complex64(1))["type"] == "j5"
    with pytest.raises(TypeError):
        vsf.to_json(object())
    with pytest.raises(TypeError):
        vsf.to_json(np.float16(1))  # no VSF scalar type
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.to_json({"t": np.zeros(3)})  # tensors do not nest in JSON


def test_typed_helpers_are_range_checked_by_the_library() -> None:
    with vsf.VSF.create() as f:
        for bad in (vsf.u3(256), vsf.u4(-1), vsf.i3(128), vsf.i3(-129), vsf.u7(2**128)):
            with pytest.raises(polyfmt.BadArgumentError) as ei:
                f.add("s", "bad", bad)
            assert ei.value.code_name == "PF_EBADARG"
        with pytest.raises(TypeError):
            vsf.u3(1.5)  # type: ignore[arg-type]


def test_wire_bytes_of_the_reference_examples() -> None:
    assert vsf.encode_value(vsf.u3(42)) == bytes.fromhex("75332a")
    assert vsf.encode_value(vsf.u5(100000)) == bytes.fromhex("7535000186a0")
    assert vsf.encode_value(vsf.i3(-42)) == bytes.fromhex("6933d6")
    assert vsf.encode_value(vsf.u4(5)) == bytes.fromhex("75340005")
    assert vsf.encode_value(vsf.Name("metadata")) == bytes.fromhex("6433086d65746164617461")
    assert vsf.encode_value(True) == b"u\xff"
    assert vsf.encode_value(vsf.Hash("blake3", bytes(32)))[:4] == bytes.fromhex("6862331f")
    assert vsf.encode_value(vsf.Spirix("s64", 1, 0))[:3] == bytes.fromhex("733634")
    assert len(vsf.encode_value(vsf.Spirix("s64", 1, 0))) == 13
    assert len(vsf.encode_value(vsf.Circle("c64", 1, 1, 0))) == 21
    assert vsf.decode_json(bytes.fromhex("75332a")) == {"type": "u3", "value": "42"}
    assert vsf.encode_json({"type": "u3", "value": "42"}) == bytes.fromhex("75332a")


@pytest.mark.parametrize("name,value,want,typ", VALUES, ids=[v[0] for v in VALUES])
def test_encode_decode_value(name: str, value: Any, want: Any, typ: str) -> None:
    got = vsf.decode_value(vsf.encode_value(value))
    assert got == want
    assert vsf.decode_json(vsf.encode_value(value))["type"] == typ


def test_decode_value_errors() -> None:
    with pytest.raises(polyfmt.FormatError) as ei:
        vsf.decode_value(bytes.fromhex("75332a00"))  # a byte after the value
    assert ei.value.code_name == "PF_EFORMAT"
    with pytest.raises(polyfmt.FormatError):
        vsf.decode_value(b"")
    with pytest.raises(polyfmt.FormatError):
        vsf.decode_value(b"u5\x00")  # cut off
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.encode_json({"type": "u9", "value": "1"})


def test_spirix_parts_are_exact_and_approximations_come_from_the_library() -> None:
    s = vsf.Spirix("s33", 1, 0)
    assert float(s) == 0.0078125  # made in Python: the library approximates it
    c = vsf.Circle("c33", 64, -64, 1)
    assert complex(c) == 1 - 1j
    with vsf.VSF.create() as f:
        f.add("s", "s", s)
        f.add("s", "c", c)
        f.commit()
        got = f.section("s")
        assert got["s"] == s and got["s"].approx == 0.0078125 and float(got["s"]) == float(s)
        assert (got["c"].re, got["c"].im, got["c"].exp) == (64, -64, 1) and complex(got["c"]) == 1 - 1j


# ---- Eagle Time --------------------------------------------------------------------------------


def test_eagle_time_and_datetime() -> None:
    assert vsf.EAGLE_EPOCH == datetime(1969, 7, 20, 20, 17, 40, tzinfo=timezone.utc)
    assert vsf.EAGLE_EPOCH.timestamp() == -14182940
    assert vsf.EagleTime.from_datetime(vsf.EAGLE_EPOCH) == vsf.EagleTime(0)
    unix = vsf.EagleTime.from_datetime(datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert unix.seconds == 14182940 and isinstance(unix.seconds, int)
    assert vsf.EagleTime.from_unix(0) == unix
    assert vsf.EagleTime.from_datetime(datetime(1970, 1, 1)) == unix  # naive: UTC
    tz = timezone(timedelta(hours=2))
    assert vsf.EagleTime.from_datetime(datetime(1970, 1, 1, 2, tzinfo=tz)) == unix
    half = vsf.EagleTime.from_datetime(datetime(1970, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc))
    assert half.seconds == 14182940.5 and isinstance(half.seconds, float)
    assert vsf.EagleTime(0).datetime == vsf.EAGLE_EPOCH
    assert vsf.EagleTime(14182940).datetime == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert vsf.EagleTime(1.25).datetime == vsf.EAGLE_EPOCH + timedelta(seconds=1.25)
    assert vsf.EagleTime(0).datetime.tzinfo is not None
    assert vsf.EagleTime(5, "T5") == vsf.EagleTime(5)  # the form is not part of equality


def test_eagle_time_through_a_file() -> None:
    now = datetime(2024, 5, 17, 12, 30, 15, tzinfo=timezone.utc)
    with vsf.VSF.create() as f:
        f.add("t", "now", now)
        f.add("t", "iso", vsf.EagleTime(0))
        f.commit()
        t = f.get("t.now")
        assert isinstance(t, vsf.EagleTime) and t.datetime == now and t.form == "T5"
        assert f.get_json("t.iso") == {"type": "time", "form": "T5", "seconds": "0"}


# ---- tensors -------------------------------------------------------------------------------------

DTYPES = [
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "bool",
]


def sample(dtype: str, shape: Tuple[int, ...] = (3, 4)) -> np.ndarray:
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return (np.arange(n) % 3 == 0).reshape(shape)
    if dt.kind == "c":
        return (np.arange(n) - 2.5 + 1j * np.arange(n)).astype(dt).reshape(shape)
    if dt.kind == "u":
        top = np.array(np.iinfo(dt).max - 100, dtype=dt)  # values near the top of the range
        return (np.arange(n, dtype=dt) * dt.type(7) + top).reshape(shape)
    if dt.kind == "i":
        return (np.arange(n) - 6).astype(dt).reshape(shape)
    return (np.arange(n) / 3 - 1).astype(dt).reshape(shape)


@pytest.mark.parametrize("store", STORES, ids=[s[0] for s in STORES])
def test_tensors_of_every_dtype(store: Any, tmp_path: Path) -> None:
    _, create, reopen = store
    f = create(tmp_path)
    for dt in DTYPES:
        f.add("t", dt, sample(dt))
    f.add("t", "scalar", np.array(5, dtype=np.int32))  # rank 0
    f.add("t", "empty", np.zeros((0, 3), dtype=np.float32))
    f.add("t", "big_endian", sample("uint32").astype(">u4"))
    f.commit()
    g = reopen(f, tmp_path)
    f.close()
    with g:
        sec = g.section("t")
        for dt in DTYPES:
            ref = sec[dt]
            assert isinstance(ref, vsf.TensorRef) and ref.path == f"t.{dt}" and ref.shape == (3, 4)
            a = g.tensor(f"t.{dt}")
            assert a.dtype == np.dtype(dt) and a.shape == (3, 4), dt
            assert np.array_equal(a, sample(dt)), dt
            assert a.flags.writeable and a.flags.c_contiguous
            assert np.array_equal(ref.read(), a)
        elems = {n: sec[n].elem for n in DTYPES}
        assert elems["uint16"] == "u4" and elems["int64"] == "i6" and elems["complex64"] == "j5"
        assert elems["bool"] == "bool" and elems["float32"] == "f5"
        assert g.tensor("t.scalar").shape == () and int(g.tensor("t.scalar")) == 5
        assert g.tensor("t.empty").shape == (0, 3) and g.tensor("t.empty").dtype == np.float32
        be = g.tensor("t.big_endian")
        assert be.dtype == np.dtype("<u4") and np.array_equal(be, sample("uint32"))
        g.verify()


def test_strided_tensor() -> None:
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    with vsf.VSF.create() as f:
        f.add("t", "transposed", base.T)  # a permutation of a contiguous block: stored q, no copy
        f.add("t", "fortran", np.asfortranarray(sample("int16", (3, 5))))
        f.add("t", "sliced", base[:, ::2])  # not a block: copied to C order, stored t
        f.commit()
        sec = f.section("t")
        assert sec["transposed"].strides == (1, 6) and sec["transposed"].shape == (6, 4)
        assert sec["fortran"].strides == (1, 3)
        assert sec["sliced"].strides is None
        assert f.get_json("t.transposed")["strides"] == [1, 6]
        t = f.tensor("t.transposed")
        # a read-only as_strided view over the elements as stored
        assert np.array_equal(t, base.T) and not t.flags.writeable
        assert t.strides == (8, 48) and not t.flags.c_contiguous
        c = t.copy()
        assert c.flags.writeable and c.flags.c_contiguous and np.array_equal(c, base.T)
        assert np.array_equal(f.tensor("t.fortran"), sample("int16", (3, 5)))
        assert np.array_equal(f.tensor("t.sliced"), base[:, ::2]) and f.tensor("t.sliced").flags.writeable


def test_bitpacked_12_bit_image() -> None:
    rng = np.random.default_rng(12)
    img = rng.integers(0, 4096, size=(4096, 3072), dtype=np.uint16)
    packed = 4096 * 3072 * 12 // 8
    assert packed == 18_874_368
    with vsf.VSF.create() as f:
        f.add("image", "raw", vsf.bitpacked(img, 12))
        f.commit()
        data = f.to_bytes()
    assert packed < len(data) < packed + 256  # the packed image plus the header and framing
    with vsf.VSF.from_bytes(data) as g:
        (label,) = g.labels
        assert label.name == "image" and packed < label.size < packed + 64
        ref = g.get("image.raw")
        assert (ref.bits, ref.elem, ref.shape, ref.nbytes) == (12, "u4", (4096, 3072), packed)
        out = g.tensor("image.raw")
        assert out.dtype == np.uint16 and out.shape == (4096, 3072)
        assert np.array_equal(out, img)
        assert g.get_json("image.raw") == {
            "type": "bitpacked",
            "elem": "u4",
            "shape": [4096, 3072],
            "bits": 12,
            "bytes": packed,
        }


def test_bitpacked_small_and_errors() -> None:
    with vsf.VSF.create() as f:
        for bits in (1, 3, 10, 13, 33):
            dt = np.uint8 if bits <= 8 else np.uint16 if bits <= 16 else np.uint64
            a = (np.arange(37, dtype=np.uint64) % (1 << bits)).astype(dt)
            f.add("bp", f"b{bits}", vsf.bitpacked(a, bits))
        with pytest.raises(polyfmt.BadArgumentError, match="12 bits"):
            f.add("bp", "bad", vsf.bitpacked(np.array([4096], np.uint16), 12))
        with pytest.raises(polyfmt.BadArgumentError):
            vsf.bitpacked(np.array([1], np.int16), 12)  # samples are unsigned
        f.commit()
        for bits in (1, 3, 10, 13, 33):
            out = f.tensor(f"bp.b{bits}")
            want = {1: np.uint8, 3: np.uint8, 10: np.uint16, 13: np.uint16, 33: np.uint64}[bits]
            assert out.dtype == want and np.array_equal(out, np.arange(37) % (1 << bits))
            ref = f.get(f"bp.b{bits}")
            assert ref.nbytes == (37 * bits + 7) // 8
            with vsf.VSF.create() as g:  # a TensorRef is stored again as it was (bit-packed)
                g.add("c", "x", ref)
                g.commit()
                assert g.get("c.x").bits == bits and np.array_equal(g.tensor("c.x"), out)


def test_tensor_errors() -> None:
    with vsf.VSF.create() as f:
        with pytest.raises(polyfmt.BadArgumentError, match="float16"):
            f.add("t", "h", np.zeros(3, np.float16))
        with pytest.raises(polyfmt.BadArgumentError):
            f.add("t", "o", np.array(["a"], dtype=object))
        f.add("t", "n", 1)
        f.commit()
        with pytest.raises(polyfmt.BadArgumentError, match="not a tensor"):
            f.tensor("t.n")
        with pytest.raises(polyfmt.NotFoundError):
            f.tensor("t.missing")
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.TensorRef("x", "u3", (1,), None, 1).read()  # not attached to a file


# ---- unboxed sections and zero-copy views ----------------------------------------------------------


def address(a: np.ndarray) -> int:
    addr: int = a.__array_interface__["data"][0]
    return addr


@pytest.fixture
def unboxed_file(tmp_path: Path) -> Path:
    p = tmp_path / "blob.vsf"
    with vsf.VSF.create(p) as f:
        f.add("meta", "what", "a blob")
        f.put_unboxed("blob", np.arange(1000, dtype=np.uint32))  # a numpy array, passed in place
        f.put_unboxed("bytes", b"hello")
        f.put_unboxed("view", memoryview(bytearray(b"abc")))
        f.put_unboxed("empty", b"")
        f.commit()
    return p


def test_unboxed_read_only_views_are_zero_copy(unboxed_file: Path) -> None:
    f = vsf.VSF.open(unboxed_file)
    a = f.raw("blob")
    b = f.raw("blob")
    assert a.dtype == np.uint8 and a.nbytes == 4000
    assert not a.flags.writeable and not a.flags.owndata
    with pytest.raises(ValueError):
        a[0] = 1
    assert address(a) == address(b) and np.shares_memory(a, b)  # both are the file's own memory
    assert np.array_equal(a.view("<u4"), np.arange(1000))
    assert f.raw("bytes").tobytes() == b"hello" and f.raw("view").tobytes() == b"abc"
    assert f.raw("empty").size == 0
    assert np.array_equal(f.tensor("blob"), a)  # an unboxed section is a u3 tensor too (a copy)
    assert not np.shares_memory(f.tensor("blob"), a)
    ref = f.get("blob")
    assert isinstance(ref, vsf.TensorRef) and ref.elem == "u3" and ref.shape == (4000,)
    with pytest.raises(polyfmt.BadArgumentError):
        f.section("blob")  # unboxed: read it with raw
    meta = f.raw("meta")  # a structured section's encoding, lent too
    assert not meta.flags.writeable and bytes(meta[:1]) == b"["
    del b, meta
    # the view keeps the file alive after the object is dropped
    del f
    gc.collect()
    assert np.array_equal(a.view("<u4"), np.arange(1000))
    del a
    gc.collect()


def test_close_while_a_view_lives(unboxed_file: Path) -> None:
    f = vsf.VSF.open(unboxed_file)
    a = f.raw("blob")
    with pytest.raises(BufferError, match="1 array"):
        f.close()
    assert not f.closed and a.view("<u4")[999] == 999  # still open, still readable
    a2 = f.raw("bytes")
    with pytest.raises(BufferError, match="2 arrays"):
        f.close()
    c = a.copy()
    del a, a2
    f.close()
    assert f.closed and c.view("<u4")[999] == 999
    with pytest.raises(polyfmt.BadHandleError):
        f.raw("blob")


def test_views_from_bytes_and_copies_elsewhere(unboxed_file: Path, tmp_path: Path) -> None:
    data = unboxed_file.read_bytes()
    with vsf.VSF.from_bytes(data) as f:
        a = f.raw("blob")
        assert not a.flags.writeable  # a view of the library's copy of the image
        del a
    with vsf.VSF.open(unboxed_file, writable=True) as f:
        w = f.raw("blob")
        assert w.flags.writeable and w.nbytes == 4000  # a writable handle hands out copies
        w[:] = 0
        f.section_options("blob", compress=True)
        f.commit()
    with vsf.VSF.open(unboxed_file) as f:
        (lb,) = [lb for lb in f.labels if lb.name == "blob"]
        assert lb.compressed and lb.raw_size == 4000
        z = f.raw("blob")
        assert z.flags.writeable and np.array_equal(z.view("<u4"), np.arange(1000))  # decompressed: a copy
        f.verify()


def test_put_unboxed_replaces_and_remove(unboxed_file: Path) -> None:
    with vsf.VSF.open(unboxed_file, writable=True) as f:
        f.put_unboxed("bytes", b"bye")
        f.remove("view")
        with pytest.raises(polyfmt.NotFoundError):
            f.remove("view")
        f.put_unboxed("strided", np.arange(10, dtype=np.uint8)[::2])  # copied to contiguous first
        f.commit()
    with polyfmt.open(unboxed_file) as f:
        assert isinstance(f, vsf.VSF)
        assert f.keys() == ["meta", "blob", "bytes", "empty", "strided"]
        assert "blob" in f and "view" not in f and len(f) == 5 and list(f) == f.keys()
        assert f.raw("bytes").tobytes() == b"bye"
        assert f.raw("strided").tobytes() == bytes([0, 2, 4, 6, 8])
        assert f.section("meta")["what"] == "a blob"


# ---- signatures, hashes, verification --------------------------------------------------------------


def signed_image(with_key: bool = True) -> bytes:
    with vsf.VSF.create() as f:
        f.add("camera", "model", vsf.Name("X100"))
        f.add("camera", "iso", vsf.u4(800))
        f.add("other", "n", 1)
        f.sign("camera", KEY, with_key=with_key)
        f.sign(None, KEY, with_key=with_key)
        f.commit()
        return f.to_bytes()


def test_keys() -> None:
    assert len(KEY) == 64 and KEY == vsf.keygen(bytes(range(32)))  # deterministic from a seed
    assert vsf.public_key(KEY) == KEY[32:] and len(vsf.public_key(KEY)) == 32
    r1, r2 = vsf.keygen(), vsf.keygen()
    assert len(r1) == 64 and r1 != r2
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.keygen(b"short")
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.public_key(b"x" * 32)


def test_signatures_verify() -> None:
    data = signed_image()
    with vsf.VSF.from_bytes(data) as f:
        f.verify()
        f.verify(key=KEY)
        f.verify(key=vsf.public_key(KEY))
        report = f.verify_report()
        sigs = [(c.section, c.status) for c in report if c.what == "signature"]
        assert sigs == [("camera", "ok"), ("", "ok")]
        assert all(c.status == "ok" for c in report)
        assert {c.what for c in report} >= {"structure", "signature"}
        (cam,) = [lb for lb in f.labels if lb.name == "camera"]
        assert cam.signatures == 1 and cam.keys == 1
        with pytest.raises(polyfmt.ChecksumError) as ei:
            f.verify(key=OTHER_KEY)
        assert ei.value.code_name == "PF_ECHECKSUM" and "signature" in ei.value.message
        bad = f.verify_report(vsf.public_key(OTHER_KEY))
        assert [c.status for c in bad if c.what == "signature"] == ["failed", "failed"]
        assert [c.code for c in bad if c.what == "signature"] == ["PF_ECHECKSUM", "PF_ECHECKSUM"]
        assert all(c.code == "" for c in report)
        with pytest.raises(polyfmt.BadArgumentError):
            f.verify(key=b"\x00" * 5)


def test_signature_without_its_key_is_unverified() -> None:
    with vsf.VSF.from_bytes(signed_image(with_key=False)) as f:
        f.verify()  # nothing to check the signatures against: not a failure
        assert [c.status for c in f.verify_report() if c.what == "signature"] == ["unverified", "unverified"]
        f.verify(key=KEY)
        with pytest.raises(polyfmt.ChecksumError):
            f.verify(key=OTHER_KEY)


def test_a_key_against_an_unsigned_file_fails() -> None:
    # Were it to pass, stripping a file's signatures would pass too.
    f = vsf.VSF.create()
    f.add("s", "x", vsf.u3(1))
    f.commit()
    with vsf.VSF.from_bytes(f.bytes()) as r:
        r.verify()
        with pytest.raises(polyfmt.ChecksumError):
            r.verify(key=vsf.public_key(KEY))
        (c,) = [c for c in r.verify_report(vsf.public_key(KEY)) if c.what == "signature"]
        assert c.status == "unverified" and "no signature" in c.error and c.code == "PF_ECHECKSUM"
    f.close()


def test_one_flipped_byte_fails_verify() -> None:
    data = bytearray(signed_image())
    at = data.index(b"X100")
    data[at] ^= 0x01  # "Y100": still decodes, but the signature no longer matches
    with vsf.VSF.from_bytes(bytes(data)) as f:
        assert f.section("camera")["model"] == "Y100"
        with pytest.raises(polyfmt.ChecksumError) as ei:
            f.verify()
        assert ei.value.code_name == "PF_ECHECKSUM"
        failed = [c for c in f.verify_report() if c.status == "failed"]
        assert failed and failed[0].section == "camera" and failed[0].error


def test_hashes_and_file_options() -> None:
    with vsf.VSF.create() as f:
        f.add("a", "x", 1)
        f.section_options("a", hash=["sha256", "blake3"])
        f.add("b", "y", 2)
        f.section_options("b", hash="sha512", compress=True)
        f.file_options(no_file_hash=True)
        f.commit()
        data = f.to_bytes()
        assert f.bytes() == data
    with vsf.VSF.from_bytes(data) as f:
        labels = {lb.name: lb for lb in f.labels}
        assert labels["a"].hashes == ("sha256", "blake3")
        assert labels["b"].hashes == ("sha512",) and labels["b"].compressed
        assert f.info["trailer"] == []  # no file hash
        f.verify()
        assert f.section("b")["y"] == 2
    with pytest.raises(polyfmt.BadArgumentError):
        with vsf.VSF.create() as f:
            f.add("a", "x", 1)
            f.section_options("a", hash="md5")
    with vsf.VSF.create() as f:
        with pytest.raises(polyfmt.NotFoundError):
            f.section_options("missing", compress=True)
        with pytest.raises(polyfmt.NotFoundError):
            f.sign("missing", KEY)
        with pytest.raises(polyfmt.BadArgumentError):
            f.sign(None, b"x" * 10)


# ---- conversion ----------------------------------------------------------------------------------


def test_convert_seed_crate_seed_keeps_values() -> None:
    with vsf.VSF.create() as f:
        f.add("s", "u", vsf.u5(100000))
        f.add("s", "i", -3)
        f.add("s", "f", 2.5)
        f.add("s", "n", vsf.Name("abc"))
        f.add("s", "t", vsf.EagleTime(42))
        f.add("s", "tensor", sample("uint16"))
        f.add("s", "bp", vsf.bitpacked(np.arange(20, dtype=np.uint16), 12))
        f.put_unboxed("blob", b"\x00\x01\x02")
        f.commit()
        seed = f.to_bytes()
        want = f.section_json("s")
    crate = vsf.convert(seed, to="crate")
    assert crate != seed
    with vsf.VSF.from_bytes(crate) as c:
        assert c.form == "crate"
        got = c.section("s")
        assert got["u"] == 100000 and got["n"] == "abc" and got["t"].seconds == 42
        assert np.array_equal(c.tensor("s.tensor"), sample("uint16"))
        assert np.array_equal(c.tensor("s.bp"), np.arange(20))
        c.verify()
    back = vsf.convert(np.frombuffer(crate, dtype=np.uint8), to="seed")
    with vsf.VSF.from_bytes(back) as b:
        assert b.form == "seed"
        assert b.section_json("s") == want
        assert b.raw("blob").tobytes() == b"\x00\x01\x02"
    assert back == vsf.convert(seed, to="seed")


def test_convert_errors() -> None:
    with pytest.raises(polyfmt.UnsupportedError):
        vsf.convert(signed_image(), to="crate")  # its signatures cannot be made again
    dropped = vsf.convert(signed_image(), to="crate", drop_signatures=True)
    with vsf.VSF.from_bytes(dropped) as f:
        assert all(lb.signatures == 0 for lb in f.labels)
    with pytest.raises(polyfmt.BadArgumentError):
        vsf.convert(signed_image(), to="json")
    with pytest.raises(polyfmt.FormatError):
        vsf.convert(b"not a vsf file")
    with vsf.VSF.create() as f:
        f.add("s", "x", "text")  # the crate's text is Huffman-coded: unsupported
        f.commit()
        with pytest.raises(polyfmt.UnsupportedError):
            vsf.convert(f.to_bytes(), to="crate")


def test_create_in_the_crate_form() -> None:
    with vsf.VSF.create(form="crate") as f:
        f.add("s", "x", vsf.u3(1))
        f.commit()
        assert f.form == "crate" and f.info["version"] == 2
        data = f.to_bytes()
    assert polyfmt.detect(data) == "vsf"
    with polyfmt.open(data) as g:
        assert isinstance(g, vsf.VSF) and g.form == "crate" and g.get("s.x") == 1


# ---- the file: lifecycle and errors ---------------------------------------------------------------


def test_writer_reads_the_last_commit_and_reopens_writable(tmp_path: Path) -> None:
    p = tmp_path / "w.vsf"
    with vsf.VSF.create(p, no_sync=True) as f:
        f.add("a", "x", 1)
        assert f.info["pending"] is True
        with pytest.raises(polyfmt.NotFoundError):
            f.section("a")  # not committed yet
        f.commit()
        assert f.section("a")["x"] == 1 and f.info["pending"] is False
    with vsf.VSF.open(p, writable=True) as f:
        with pytest.raises(polyfmt.LockedError):
            vsf.VSF.open(p, writable=True)
        f.add("b", "y", "new")
        # closing commits what is pending
    with vsf.VSF.open(p) as f:
        assert f.keys() == ["a", "b"] and f.section("b")["y"] == "new"
        assert f.info["writable"] is False
        with pytest.raises(polyfmt.BadArgumentError):
            f.add("c", "z", 1)  # read-only
        with pytest.raises(polyfmt.BadArgumentError):
            f.to_bytes()  # a file on disk


def test_errors_map_to_exception_classes(tmp_path: Path) -> None:
    with vsf.VSF.create() as f:
        f.add("a", "x", 1)
        f.commit()
        with pytest.raises(polyfmt.NotFoundError):
            f.section("missing")
        with pytest.raises(polyfmt.NotFoundError):
            f.get("a.missing")
        with pytest.raises(KeyError):
            f["a.missing"]
        with pytest.raises(polyfmt.BadArgumentError, match="printable ASCII"):
            f.add("a", "n", vsf.Name("é"))
        with pytest.raises(TypeError):
            f.add("a", "o", object())
    with pytest.raises(polyfmt.BadArgumentError, match="form"):
        vsf.VSF.create(form="bogus")
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        vsf.VSF.create(options={"bogus": 1})
    p = tmp_path / "x.vsf"
    with vsf.VSF.create(p):
        pass
    with pytest.raises(polyfmt.BadArgumentError, match="form"):
        vsf.VSF.open(p, options={"form": "seed"})  # form shapes a new file only
    with pytest.raises(polyfmt.FormatError) as ei:
        vsf.VSF.from_bytes(b"R\xc3\x85<garbage")
    assert ei.value.code_name == "PF_EFORMAT"
    with pytest.raises(polyfmt.FormatError, match="not VSF"):
        vsf.VSF.from_bytes(b"MEM8" + bytes(100))
    with pytest.raises(polyfmt.NotFoundError):
        vsf.VSF.open(tmp_path / "absent.vsf")


def test_limits_are_options() -> None:
    with vsf.VSF.create() as f:
        for i in range(5):
            f.add("a", f"x{i}", i)
        f.commit()
        data = f.to_bytes()
    with vsf.VSF.from_bytes(data, options={"max_fields": 100}) as f:
        assert len(f.section("a")) == 5
    with pytest.raises(polyfmt.LimitError):
        with vsf.VSF.from_bytes(data, options={"max_fields": 2}) as f:
            f.verify()


def test_double_close_and_use_after_close() -> None:
    f = vsf.VSF.create()
    f.add("a", "x", 1)
    f.commit()
    f.close()
    f.close()  # a no-op
    assert f.closed
    for use in (lambda: f.section("a"), lambda: f.get("a.x"), lambda: f.raw("a"), lambda: f.add("a", "y", 2)):
        with pytest.raises(polyfmt.BadHandleError):
            use()


def test_struct_mapping() -> None:
    s = vsf.Struct([("a", 1), ("a", 2), ("b", 3)])
    assert s["a"] == 1 and len(s) == 3 and list(s) == ["a", "a", "b"]
    assert s.fields == [("a", 1), ("a", 2), ("b", 3)]
    assert vsf.Struct({"x": 1}) == {"x": 1} and vsf.Struct({"x": 1}) != vsf.Struct({"x": 2})
    with vsf.VSF.create() as f:
        f.add("s", "dup", s)  # repeated names are kept, in order
        f.commit()
        assert f.get("s.dup").fields == s.fields
    with pytest.raises(KeyError):
        s["zz"]
    r: Dict[str, Any] = dict(vsf.Struct({"k": vsf.Name("v")}))
    assert r == {"k": "v"} and repr(vsf.Name("v")) == "Name('v')"
