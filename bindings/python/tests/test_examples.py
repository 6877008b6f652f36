"""Runs every program in examples/python with the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from conftest import run_example

from polyfmt import mem8


def test_examples_are_all_covered(repo_root: Path) -> None:
    # Every example is run by a test: the MEM8 ones and open.py here, the
    # MMX ones in test_mmx_examples.py, the VSF ones in test_vsf_examples.py,
    # the MORK ones in test_mork_examples.py.
    found = sorted(p.name for p in (repo_root / "examples" / "python").glob("*.py"))
    assert found == [
        "mem8_read.py",
        "mem8_write.py",
        "mmx_read.py",
        "mmx_write.py",
        "mork_read.py",
        "mork_write.py",
        "open.py",
        "vsf_read.py",
        "vsf_write.py",
    ]


def test_write_then_read(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "example.m8"
    w = run_example(repo_root, "mem8_write.py", [str(out)], tmp_path)
    assert w.returncode == 0, w.stderr
    assert "wrote 3 blocks" in w.stdout
    with mem8.File.open(out) as f:
        assert [b.text for b in f] == ["First memory", "Second memory", "Important memory"]
        assert [b.token for b in f] == ["src/main", "", "src/main"]
        assert f.info["identity_freq"] == 432
        f.verify()

    r = run_example(repo_root, "mem8_read.py", [str(out), "Important"], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"polyfmt 0.1.0: {out}"
    assert "blocks 3" in lines[1] and "432" in lines[1] and "['src/main']" in lines[1]
    assert lines[2:5] == [
        "[2] 1.000 src/main 'Important memory'",
        "[1] 0.500 - 'Second memory'",
        "[0] 0.800 src/main 'First memory'",
    ]
    assert lines[5] == "query 'Important': [2, 0, 1]"
    assert lines[6] == "top: [2] 1.000 'Important memory'"


def test_read_vector_newest_first(repo_root: Path, mem8_vectors: Path, tmp_path: Path) -> None:
    r = run_example(repo_root, "mem8_read.py", [str(mem8_vectors / "three_blocks_fixed_ts.m8")], tmp_path)
    assert r.returncode == 0, r.stderr
    assert [ln.split()[0] for ln in r.stdout.splitlines()[2:]] == ["[2]", "[1]", "[0]"]


@pytest.mark.parametrize("args", [[], ["a", "b", "c"]])
def test_usage(repo_root: Path, tmp_path: Path, args: List[str]) -> None:
    for script in ("mem8_read.py", "mem8_write.py"):
        r = run_example(repo_root, script, args, tmp_path)
        assert r.returncode == 2 and "usage" in r.stderr


def test_read_bad_file_fails_with_code_name(repo_root: Path, mem8_vectors: Path, tmp_path: Path) -> None:
    r = run_example(repo_root, "mem8_read.py", [str(mem8_vectors / "bad_magic.m8")], tmp_path)
    assert r.returncode == 1
    assert "PF_EFORMAT" in r.stderr


def test_open_prints_format_and_info_of_any_file(repo_root: Path, mem8_vectors: Path, tmp_path: Path) -> None:
    m8 = mem8_vectors / "three_blocks_fixed_ts.m8"
    mmx = repo_root / "core" / "testdata" / "mmx" / "all_types.mmx"
    disguised = tmp_path / "really_mmx.m8"  # the name does not matter, the first bytes do
    disguised.write_bytes(mmx.read_bytes())
    r = run_example(repo_root, "open.py", [str(m8), str(mmx), str(disguised)], tmp_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"{m8}: MEM8 (polyfmt.mem8.File)\n" in out
    assert f"{mmx}: MMX (polyfmt.mmx.File)\n" in out
    assert f"{disguised}: MMX (polyfmt.mmx.File)\n" in out
    assert '"block_count": 3,' in out and '"format": "mem8",' in out and '"format": "mmx",' in out
    assert out.count("verify: ok") == 3


def test_open_reports_unknown_and_bad_files(repo_root: Path, mem8_vectors: Path, tmp_path: Path) -> None:
    r = run_example(
        repo_root, "open.py", [str(mem8_vectors / "bad_magic.m8"), str(mem8_vectors / "broken_chain.m8")], tmp_path
    )
    assert r.returncode == 1
    assert "bad_magic.m8 is not a file polyfmt knows (first bytes 4d 45 4d 39 01 00 03 00) [PF_EFORMAT]" in r.stderr
    assert "broken_chain.m8: MEM8" in r.stdout and "[PF_ECHECKSUM]" in r.stdout
    usage = run_example(repo_root, "open.py", [], tmp_path)
    assert usage.returncode == 2 and "usage" in usage.stderr
