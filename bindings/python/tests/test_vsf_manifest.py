"""Every case of core/testdata/vsf/manifest.json and every entry of ewe.json, through polyfmt.vsf.

Each file is opened by path, from bytes and through polyfmt.open; errors are
compared by code name. Sections and lookups are compared twice: the
library's JSON as parsed JSON, and as Python values (the manifest's JSON
converted with ``vsf.from_json`` against what ``section``/``get`` return).
Tensors are compared by the SHA-256 of their native bytes, unboxed sections
by size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import pytest
from conftest import REPO_ROOT

import polyfmt
from polyfmt import vsf

VSF_VECTORS = REPO_ROOT / "core" / "testdata" / "vsf"

MANIFEST = json.loads((VSF_VECTORS / "manifest.json").read_text(encoding="utf-8"))
CASES: List[Dict[str, Any]] = MANIFEST["cases"]
EWE: Dict[str, Any] = json.loads((VSF_VECTORS / "ewe.json").read_text(encoding="utf-8"))

Opener = Callable[[Path], polyfmt.File]
OPENERS: List[Tuple[str, Opener]] = [
    ("path", lambda p: vsf.VSF.open(p)),
    ("bytes", lambda p: vsf.VSF.from_bytes(p.read_bytes())),
    ("polyfmt.open", lambda p: polyfmt.open(p)),
]


def same(a: Any, b: Any) -> bool:
    """Python values equal, NaN equal to NaN (float, complex, nested)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, complex) and isinstance(b, complex):
        return same(a.real, b.real) and same(a.imag, b.imag)
    if isinstance(a, vsf.Struct) and isinstance(b, vsf.Struct):
        return len(a.fields) == len(b.fields) and all(
            ka == kb and same(va, vb) for (ka, va), (kb, vb) in zip(a.fields, b.fields)
        )
    if isinstance(a, vsf.TensorRef) and isinstance(b, vsf.TensorRef):
        return (a.path, a.elem, a.shape, a.strides, a.nbytes, a.bits) == (
            b.path,
            b.elem,
            b.shape,
            b.strides,
            b.nbytes,
            b.bits,
        )
    return bool(a == b) and type(a) is type(b)


def test_manifest_covers_the_vectors() -> None:
    assert MANIFEST["format"] == "vsf"
    names = {c["name"] for c in CASES}
    assert {"values_all_types", "signed", "compressed", "crate_form", "bad_hash", "truncated"} <= names
    files = {p.name for p in VSF_VECTORS.glob("*.vsf")}
    assert files == {c["file"] for c in CASES}, "every vector file has a case"
    assert any(c["expect"]["open"] != "PF_OK" for c in CASES)
    assert any(c["expect"].get("verify", "PF_OK") != "PF_OK" for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("opener", OPENERS, ids=[o[0] for o in OPENERS])
def test_case(case: Dict[str, Any], opener: Tuple[str, Opener]) -> None:
    exp = case["expect"]
    path = VSF_VECTORS / case["file"]
    if exp["open"] != "PF_OK":
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            opener[1](path).close()
        assert ei.value.code_name == exp["open"]
        assert ei.value.message
        return
    with opener[1](path) as f:
        assert isinstance(f, vsf.VSF)
        check_case(f, exp)


def check_case(f: vsf.VSF, exp: Dict[str, Any]) -> None:
    assert f.form == exp["form"]
    if exp["verify"] == "PF_OK":
        f.verify()
        assert all(c.status != "failed" for c in f.verify_report())
    else:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.verify()
        assert ei.value.code_name == exp["verify"]
        failed = [c for c in f.verify_report() if c.status == "failed"]
        assert failed and failed[0].code == exp["verify"]
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.verify(key=vsf.keygen(bytes(32)))  # a key: the first failed check raises, as pf_verify would
        assert ei.value.code_name == exp["verify"]

    labels = f.labels
    assert [lb.name for lb in labels] == [w["name"] for w in exp["labels"]]
    for lb, want in zip(labels, exp["labels"]):
        for k, v in want.items():
            assert getattr(lb, k) == v, (lb.name, k)

    for name, want in exp.get("sections", {}).items():
        assert f.section_json(name) == want, name
        got = f.section(name)
        assert got.name == want["name"] and list(got) == [fd["name"] for fd in want["fields"]]
        for (k, v), fd in zip(got.fields, want["fields"]):
            assert same(v, vsf.from_json(fd["value"], f"{name}.{k}", f)), (name, k)

    for t in exp.get("tensors", []):
        arr = f.tensor(t["path"])
        assert list(arr.shape) == t["shape"], t["path"]
        ref = f.get(t["path"])
        assert isinstance(ref, vsf.TensorRef) and ref.elem == t["elem"] and ref.bits == t.get("bits")
        strides = t.get("strides")
        assert (None if ref.strides is None else list(ref.strides)) == strides
        if strides:
            # a strided tensor is a view with its strides over the elements as
            # stored; ravel(order="K") walks them in memory order, as stored
            assert not arr.flags.writeable
            native = np.ravel(arr, order="K").tobytes()
        else:
            native = arr.tobytes()
        assert hashlib.sha256(native).hexdigest() == t["native_sha256"], t["path"]
        assert np.array_equal(ref.read(), arr) or arr.dtype.kind == "V"

    for u in exp.get("unboxed", []):
        raw = f.raw(u["name"])
        assert raw.nbytes == u["size"] and hashlib.sha256(raw.tobytes()).hexdigest() == u["sha256"]
        del raw

    for p, want in exp.get("lookups", {}).items():
        assert f.get_json(p) == want, p
        assert same(f.get(p), vsf.from_json(want, p, f)), p


def test_signed_vector_and_its_key() -> None:
    key = vsf.keygen(b"\x01" * 32)
    assert vsf.public_key(key).hex() == "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
    assert vsf.public_key(key).hex() in MANIFEST["schema"]["key"]
    with vsf.VSF.open(VSF_VECTORS / "signed.vsf") as f:
        f.verify(key=key)
        f.verify(key=vsf.public_key(key))
        assert any(c.what == "signature" and c.status == "ok" for c in f.verify_report(key))
        with pytest.raises(polyfmt.ChecksumError):
            f.verify(key=vsf.keygen(b"\x02" * 32))


# ---- ewe.json ------------------------------------------------------------------------------


# Python values that carry their whole VSF type (numbers become int, float and
# complex, which are written back in a default width: not these).
KEEP_TYPE = {"bool", "name", "text", "time", "hash", "signature", "key"}


def _typed(kind: str, entry: Dict[str, str]) -> Tuple[vsf.Number, bytes]:
    """A count or signed integer entry as the typed value whose bytes are 'u'/'i' + the entry's."""
    raw = bytes.fromhex(entry["hex"])
    return vsf.Number(kind + chr(raw[0]), int(entry["value"])), kind.encode() + raw


@pytest.mark.parametrize("entry", EWE["counts"], ids=[e["value"] for e in EWE["counts"]])
def test_ewe_counts(entry: Dict[str, str]) -> None:
    # A count is written in the smallest width; a typed u of that width is 'u' + the same bytes.
    num, wire = _typed("u", entry)
    assert vsf.encode_value(num) == wire
    assert vsf.decode_value(wire) == int(entry["value"])


@pytest.mark.parametrize("entry", EWE["signed"], ids=[e["value"] for e in EWE["signed"]])
def test_ewe_signed(entry: Dict[str, str]) -> None:
    num, wire = _typed("i", entry)
    assert vsf.encode_value(num) == wire
    assert vsf.decode_value(wire) == int(entry["value"])


@pytest.mark.parametrize("entry", EWE["values"], ids=[e["name"] for e in EWE["values"]])
def test_ewe_values(entry: Dict[str, Any]) -> None:
    wire = bytes.fromhex(entry["hex"])
    want = entry["value"]
    assert vsf.decode_json(wire) == want
    assert same(vsf.decode_value(wire), vsf.from_json(want))
    if want["type"] in ("tensor", "bitpacked"):
        with pytest.raises(polyfmt.BadArgumentError):
            vsf.encode_json(want)  # tensor data does not travel in JSON
    elif entry["form"] in ("seed", "both"):  # encode_value writes the seed's form
        assert vsf.encode_json(want) == wire
        if want["type"] in KEEP_TYPE or re.fullmatch(r"[sc][3-7][3-7]", want["type"]):
            assert vsf.encode_value(vsf.from_json(want)) == wire


@pytest.mark.parametrize("entry", EWE["tensor_headers"], ids=[e["name"] for e in EWE["tensor_headers"]])
def test_ewe_tensor_headers(entry: Dict[str, Any]) -> None:
    wire = bytes.fromhex(entry["hex"]) + bytes(entry["data_len"])
    doc = vsf.decode_json(wire)
    assert doc["type"] == entry["kind"] and doc["shape"] == entry["shape"]
    if "elem" in entry:  # a bit-packed header has bits, no element type
        assert doc["elem"] == entry["elem"]
    assert doc.get("strides") == entry.get("strides") and doc.get("bits") == entry.get("bits")
    assert doc["bytes"] == entry["data_len"]
    ref = vsf.decode_value(wire)
    assert isinstance(ref, vsf.TensorRef) and list(ref.shape) == entry["shape"] and ref.file is None
