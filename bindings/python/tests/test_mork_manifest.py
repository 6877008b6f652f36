"""Every case of core/testdata/mork/containers/manifest.json and of core/testdata/mork/expr.json, through polyfmt.mork.

Each container is opened by path, from bytes and through polyfmt.open: its
kind, version, symbol count and interned flag come from ``info``, its paths
printed as MeTTa (a multiplicities file: its keys) and its values as decimal
strings are compared in order, and errors by code name. Every expression
case is encoded with no file (pf_mork_encode, handle 0) and compared by hex,
and its bytes printed (pf_mork_print) and compared with the printed text;
every error case fails with its code and names its line and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from conftest import REPO_ROOT

import polyfmt
from polyfmt import mork

CONTAINERS = REPO_ROOT / "core" / "testdata" / "mork" / "containers"
MANIFEST = json.loads((CONTAINERS / "manifest.json").read_text(encoding="utf-8"))
CASES: List[Dict[str, Any]] = MANIFEST["cases"]
EXPR = json.loads((REPO_ROOT / "core" / "testdata" / "mork" / "expr.json").read_text(encoding="utf-8"))
ERROR_CLASSES = {"format": polyfmt.FormatError, "limit": polyfmt.LimitError}

Opener = Callable[[Path], polyfmt.File]
OPENERS: List[Tuple[str, Opener]] = [
    ("path", lambda p: mork.MorkFile.open(p)),
    ("bytes", lambda p: mork.from_bytes(p.read_bytes())),
    ("polyfmt.open", lambda p: polyfmt.open(p)),
]


def test_manifest_covers_the_vectors() -> None:
    files = {p.name for p in CONTAINERS.iterdir() if p.name != "manifest.json"}
    assert files == {c["file"] for c in CASES}, "every vector file has a case"
    assert {c["kind"] for c in CASES} == set(mork.KINDS)
    assert any(c.get("open_error") for c in CASES) and any(c.get("verify_error") for c in CASES)
    assert any(c.get("interned") for c in CASES)
    assert EXPR["cases"] and {e["code"] for e in EXPR["errors"]} == set(ERROR_CLASSES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
@pytest.mark.parametrize("opener", OPENERS, ids=[o[0] for o in OPENERS])
def test_container(case: Dict[str, Any], opener: Tuple[str, Opener]) -> None:
    path = CONTAINERS / case["file"]
    if case.get("open_error"):
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            opener[1](path).close()
        assert ei.value.code_name == case["open_error"] and ei.value.message
        return
    with opener[1](path) as f:
        assert isinstance(f, mork.MorkFile)
        check_container(f, case)


def check_container(f: mork.MorkFile, case: Dict[str, Any]) -> None:
    if case.get("verify_error"):
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.verify()
        assert ei.value.code_name == case["verify_error"]
    else:
        f.verify()
    info = f.info
    assert info["format"] == "mork" and info["kind"] == case["kind"] == f.kind
    assert info["version"] == case.get("version", "") == f.version
    assert info["symbols"] == case["symbols"] == len(f.symbols())
    assert info["interned"] is case.get("interned", False) is f.interned
    if "paths" not in case:
        return
    want_paths: List[str] = case["paths"]
    want_values: List[str] = case["values"]
    records = f.paths()
    assert list(f) == want_paths
    assert [f.print_path(p) for p, _ in records] == want_paths
    assert [str(v) for _, v in records] == want_values
    assert len(f) == info["paths"] == len(want_paths)
    for (p, v), text in zip(records, want_paths):
        assert f.get(p) == v and p in f
        assert f.get(text) == v and text in f  # MeTTa text (a key), encoded through the file
        if case["kind"] != "mult":
            assert f.encode(text) == p
    if case["kind"] in ("space", "pathmap1", "paths", "act"):
        assert f.export("metta") == "".join(t + "\n" for t in want_paths)


@pytest.mark.parametrize("case", EXPR["cases"], ids=[c["text"] for c in EXPR["cases"]])
def test_expression(case: Dict[str, str]) -> None:
    path = mork.encode(case["text"])
    assert path.hex() == case["hex"]
    assert mork.decode(bytes.fromhex(case["hex"])) == case["printed"] == mork.print_path(path)
    assert mork.encode(case["printed"]) == path  # printed text reads back as the same path


@pytest.mark.parametrize("case", EXPR["errors"], ids=[e["text"][:40] for e in EXPR["errors"]])
def test_expression_error(case: Dict[str, Any]) -> None:
    cls = ERROR_CLASSES[case["code"]]
    where = f"line {case['line']}, column {case['column']}"
    with pytest.raises(cls) as ei:
        mork.encode(case["text"])
    assert where in ei.value.message
    with mork.create() as f:  # importing into a space fails the same way
        with pytest.raises(cls) as ei:
            f.import_text(case["text"])
        assert where in ei.value.message
