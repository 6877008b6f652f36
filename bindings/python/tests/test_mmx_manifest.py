"""Every case of core/testdata/mmx/manifest.json, with the expectations the Go and JS tests use.

Each case is opened read-only by path and from bytes; errors are compared by
code name. Every chunk is read and checked: type, codec, region, each
array's dtype, shape and SHA-256, the value JSON, or the error code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from conftest import REPO_ROOT

import polyfmt
from polyfmt import mmx

MMX_VECTORS = REPO_ROOT / "core" / "testdata" / "mmx"


def mmx_cases() -> List[Dict[str, Any]]:
    doc = json.loads((MMX_VECTORS / "manifest.json").read_text(encoding="utf-8"))
    assert doc["format"] == "mmx"
    cases: List[Dict[str, Any]] = doc["cases"]
    return cases


CASES = mmx_cases()

Opener = Callable[[Path], mmx.File]
OPENERS: List[Tuple[str, Opener]] = [
    ("path", lambda p: mmx.File.open(p)),
    ("bytes", lambda p: mmx.File.from_bytes(p.read_bytes())),
]


def test_manifest_is_not_empty() -> None:
    names = {c["name"] for c in CASES}
    assert len(CASES) >= 30
    assert {"all_types", "bad_checksum", "compacted", "torn_commit", "morphnet/mixed"} <= names
    assert any("error" in c for c in CASES) and any("expect" in c for c in CASES)
    # every dtype and every codec is covered by the vectors
    all_types = next(c for c in CASES if c["name"] == "all_types")["expect"]["chunks"]
    dtypes = {a["dtype"] for ch in all_types for a in (ch["arrays"] or {}).values()}
    assert set(mmx.DTYPES) <= dtypes
    assert {ch["compression"] for ch in all_types} == {"None", "Lz4", "Zlib", "Zstd"}
    assert {ch["chunk_type"] for ch in all_types} == {"Tensor", "Embedding", "Mesh", "Text", "Sequence", "Meta"}


def check_chunk(f: mmx.File, want: Dict[str, Any], polyfmt_file: bool) -> None:
    name = want["name"]
    if "error" in want:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.read_chunk(name)
        assert ei.value.code_name == want["error"], name
        assert ei.value.message
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.read(name)
        assert ei.value.code_name == want["error"], name
        return
    c = f.read_chunk(name)
    e = c.entry
    assert e.name == name
    assert e.chunk_type == want["chunk_type"], name
    assert e.compression == want["compression"], name
    assert e.logical_region == want["logical_region"], name
    assert c.value == want["value"], name
    exp_arrays = want["arrays"] or {}
    assert sorted(c.arrays) == sorted(exp_arrays), name
    for key, wa in exp_arrays.items():
        arr = c.arrays[key]
        assert c.dtypes[key] == wa["dtype"], (name, key)
        assert list(arr.shape) == wa["shape"], (name, key)
        assert hashlib.sha256(arr.tobytes()).hexdigest() == wa["sha256"], (name, key)
        if wa["dtype"] != "bfloat16":
            assert arr.dtype == mmx._read_dtype(wa["dtype"]), (name, key)
    if polyfmt_file and e.chunk_type in ("Tensor", "Embedding"):  # MorphNet's entries leave them null
        assert e.dtype == exp_arrays["data"]["dtype"] and list(e.shape or ()) == exp_arrays["data"]["shape"]
    if polyfmt_file:
        # a raw chunk with bytes is lent from the file's memory; the rest is returned in buffers
        lendable = e.compression == "None" and any(a.nbytes for a in c.arrays.values())
        assert c.borrowed is lendable, name
        for arr in c.arrays.values():
            assert arr.flags.writeable is not c.borrowed
    # the natural value agrees with the flat form
    v = f.read(name)
    if e.chunk_type == "Tensor":
        assert isinstance(v, type(c.arrays["data"])) and v.tobytes() == c.arrays["data"].tobytes()
    elif e.chunk_type == "Embedding":
        assert isinstance(v, mmx.Embedding)
        assert v.array.tobytes() == c.arrays["data"].tobytes()
        assert (v.method, v.labels) == (c.value["method"], c.value["labels"])
    elif e.chunk_type == "Mesh":
        assert isinstance(v, mmx.Mesh)
        assert v.vertices.tobytes() == c.arrays["vertices"].tobytes()
        assert v.faces.tobytes() == c.arrays["faces"].tobytes()
        assert (v.normals is None) == ("normals" not in c.arrays)
        assert (v.uvs is None) == ("uvs" not in c.arrays)
        assert v.materials == c.value["materials"]
    elif e.chunk_type == "Text":
        assert v == mmx.Text(**c.value)
    elif e.chunk_type == "Sequence":
        assert v == mmx.Sequence(**c.value)
    elif e.chunk_type == "Meta":
        assert v == mmx.Meta(**c.value)


def check_expect(f: mmx.File, exp: Dict[str, Any], polyfmt_file: bool) -> None:
    info = f.info
    assert info["generation"] == exp["generation"] == f.generation
    assert info["header"]["total_chunks"] == exp["total_chunks"]
    assert info["header"]["file_id"] == exp["file_id"]
    assert info["header"]["creator"] == exp["creator"]
    assert info["recovery"]["clean"] is exp["recovery_clean"]
    assert f.recovery == info["recovery"]
    assert info["writable"] is False

    chunks = exp["chunks"] or []
    assert len(chunks) == exp["total_chunks"]
    assert f.keys() == [c["name"] for c in chunks] == sorted(c["name"] for c in chunks)
    assert len(f) == len(chunks)
    for want in chunks:
        assert want["name"] in f
        check_chunk(f, want, polyfmt_file)

    if exp["verify"] == "PF_OK":
        f.verify()
    else:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.verify()
        assert ei.value.code_name == exp["verify"]
        assert ei.value.message


@pytest.mark.parametrize("how,opener", OPENERS, ids=[o[0] for o in OPENERS])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: Dict[str, Any], how: str, opener: Opener) -> None:
    path = MMX_VECTORS / case["file"]
    if "error" in case:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            opener(path)
        assert ei.value.code_name == case["error"]
        assert ei.value.message  # pf_errmsg says why
        return
    f = opener(path)
    check_expect(f, case["expect"], not case["name"].startswith("morphnet/"))
    f.close()  # every array of the checks is gone: no view may be left
    assert f.closed
