"""Runs examples/python/mork_write.py and mork_read.py with the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from conftest import REPO_ROOT, run_example

from polyfmt import mork

CONTAINERS = REPO_ROOT / "core" / "testdata" / "mork" / "containers"


def test_write_then_read(repo_root: Path, tmp_path: Path) -> None:
    space, act = tmp_path / "family.mtts", tmp_path / "family.act"
    w = run_example(repo_root, "mork_write.py", [str(space)], tmp_path)
    assert w.returncode == 0, w.stderr
    assert w.stdout.splitlines() == [
        f"wrote {space}: 15 expressions, 15 symbols, interned True",
        f"wrote {act}: 5 paths with values (pathmap layout)",
    ]
    with mork.open(space) as f:
        assert f.interned and f.version == "1.1" and len(f) == 15
        assert "(parent Tom Bob)" in f and '(note "The Smiths, 2024")' in f
        assert [m.bindings for m in f.query("(parent Bob $c)")] == [["Ann"], ["Pat"]]
        assert "(= (grandparent $a $b) (, (parent $a $c) (parent $c $b)))" in list(f)  # variables renamed
        assert "(= (grandparent $p $q) (, (parent $p $r) (parent $r $q)))" in f  # by position, not name
        f.verify()
    with mork.open(act) as f:
        assert f.kind == "act" and f.get("(born Jim)") == 2010 and len(f) == 5

    r = run_example(repo_root, "mork_read.py", [str(space), "(parent $x Bob)"], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"polyfmt 0.1.0: {space} (space 1.1, interned)"
    assert lines[1] == "paths 15 symbols 15"
    assert lines[2:7] == [
        "  (female Pam) = 0",
        "  (female Liz) = 0",
        "  (female Ann) = 0",
        "  (female Pat) = 0",
        "  (male Tom) = 0",
    ]
    assert lines[7:] == [
        "query (parent $x Bob): 2 matches",
        "  (parent Tom Bob) = 0  Tom",
        "  (parent Pam Bob) = 0  Pam",
        "verify: ok",
    ]

    r = run_example(repo_root, "mork_read.py", [str(act), "(born $x)"], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == [f"polyfmt 0.1.0: {act} (act)", "paths 5 symbols 0", "  (born Ann) = 1985"]
    assert "query (born $x): 5 matches" in lines and "  (born Jim) = 2010  Jim" in lines and lines[-1] == "verify: ok"


def test_write_the_act_elsewhere(repo_root: Path, tmp_path: Path) -> None:
    w = run_example(repo_root, "mork_write.py", [str(tmp_path / "s.mtts"), str(tmp_path / "years.act")], tmp_path)
    assert w.returncode == 0, w.stderr
    assert (tmp_path / "years.act").is_file() and not (tmp_path / "s.act").exists()
    same = run_example(repo_root, "mork_write.py", [str(tmp_path / "x.act")], tmp_path)
    assert same.returncode == 2 and "a path of its own" in same.stderr


@pytest.mark.parametrize(
    "name,first",
    [
        ("space.mtts", "(space 1.1)"),
        ("space_v10.mtts", "(space 1.0)"),
        ("space_interned.mtts", "(space 1.1, interned)"),
        ("sample_zstd.pathmap", "(pathmap1 1.0)"),
        ("sample.paths", "(paths)"),
        ("sample_seed.act", "(act)"),
        ("symbols_seed.zip", "(symbols)"),
        ("counts.mttm", "(mult 1.0)"),
    ],
)
def test_read_every_kind(repo_root: Path, tmp_path: Path, name: str, first: str) -> None:
    r = run_example(repo_root, "mork_read.py", [str(CONTAINERS / name), "(edge $x $y)"], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith(f"{name} {first}") and lines[-1] == "verify: ok"
    edges = 0 if name in ("symbols_seed.zip", "counts.mttm") else 3
    assert f"query (edge $x $y): {edges} matches" in lines


def test_read_bad_files(repo_root: Path, tmp_path: Path) -> None:
    r = run_example(repo_root, "mork_read.py", [str(CONTAINERS / "space_bad_checksum.mtts")], tmp_path)
    assert r.returncode == 1 and r.stdout.splitlines()[-1].startswith("verify: ") and "[PF_ECHECKSUM]" in r.stdout
    r = run_example(repo_root, "mork_read.py", [str(CONTAINERS / "space_v2.mtts")], tmp_path)
    assert r.returncode == 1 and "[PF_EUNSUPPORTED]" in r.stderr and "version 2" in r.stderr
    r = run_example(repo_root, "mork_read.py", [str(CONTAINERS / "space.mtts"), "(edge $x"], tmp_path)
    assert r.returncode == 1 and "line 1, column 1" in r.stderr and "[PF_EFORMAT]" in r.stderr
    r = run_example(
        repo_root, "mork_read.py", [str(repo_root / "core" / "testdata" / "mmx" / "all_types.mmx")], tmp_path
    )
    assert r.returncode == 1 and "is a mmx file, not MORK" in r.stderr


@pytest.mark.parametrize("args", [[], ["a", "b", "c"]])
def test_usage(repo_root: Path, tmp_path: Path, args: List[str]) -> None:
    for script in ("mork_read.py", "mork_write.py"):
        r = run_example(repo_root, script, args, tmp_path)
        assert r.returncode == 2 and "usage" in r.stderr
