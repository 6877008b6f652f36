"""Runs examples/python/mmx_write.py and mmx_read.py with the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np
import pytest
from conftest import run_example

from polyfmt import mmx


def test_write_then_read(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "example.mmx"
    w = run_example(repo_root, "mmx_write.py", [str(out)], tmp_path)
    assert w.returncode == 0, w.stderr
    assert w.stdout.strip() == f"wrote 7 chunks to {out} (generation 3)"
    with mmx.File.open(out) as f:
        assert f.keys() == [
            "clips/A",
            "emb/frames",
            "frames/00000",
            "frames/00001",
            "meshes/tetra",
            "meta/run",
            "notes/readme",
        ]
        frame = np.arange(72, dtype=np.uint8).reshape(4, 6, 3)
        assert np.array_equal(f["frames/00000"], frame)
        assert np.array_equal(f["frames/00001"], frame[::-1])
        assert f["clips/A"].frames == ["frames/00000", "frames/00001"]
        assert f["meshes/tetra"].faces.shape == (4, 3)
        assert f["meta/run"].data == {"seed": 7, "tags": ["demo"]}
        assert f.info["header"]["creator"] == "examples/python/mmx_write.py"
        f.verify()

    r = run_example(repo_root, "mmx_read.py", [str(out)], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"polyfmt 0.1.0: {out}"
    assert lines[1].startswith("generation 3  chunks 7  creator 'examples/python/mmx_write.py'")
    body = lines[2:-1]
    assert [ln.split(":")[0] for ln in body] == [
        "clips/A",
        "emb/frames",
        "frames/00000",
        "frames/00001",
        "meshes/tetra",
        "meta/run",
        "notes/readme",
    ]
    assert body[2] == "frames/00000: Tensor None @clip_A uint8[4, 6, 3] [0, 1, 2, 3, ...] (view)"
    assert body[3] == "frames/00001: Tensor Zstd @clip_A uint8[4, 6, 3] [54, 55, 56, 57, ...] (copy)"
    assert (
        body[1]
        == "emb/frames: Embedding None float32[2, 2] [0.1, 0.9, 0.8, 0.2] method='PCA' labels=['00000', '00001'] (view)"
    )
    assert body[4] == "meshes/tetra: Mesh Lz4 4 vertices, 4 faces [] materials={'base': 'steel'} (copy)"
    assert body[6] == "notes/readme: Text None 'A tetrahedron and two frames.' (utf-8, en) tokens=[32, 7, 19]"
    assert lines[-1] == "verify: ok"


def test_read_vector_with_a_bad_chunk(repo_root: Path, tmp_path: Path) -> None:
    vec = repo_root / "core" / "testdata" / "mmx" / "bad_checksum.mmx"
    r = run_example(repo_root, "mmx_read.py", [str(vec)], tmp_path)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 2 + 25 + 1
    assert lines[2].startswith("docs/readme: Text None error PF_ECHECKSUM:")
    assert lines[-1].startswith("verify: PF_ECHECKSUM")


def test_read_bad_file_fails_with_code_name(repo_root: Path, tmp_path: Path) -> None:
    r = run_example(repo_root, "mmx_read.py", [str(repo_root / "core" / "testdata" / "mmx" / "short.mmx")], tmp_path)
    assert r.returncode == 1
    assert "PF_EFORMAT" in r.stderr


@pytest.mark.parametrize("args", [[], ["a", "b"]])
def test_usage(repo_root: Path, tmp_path: Path, args: List[str]) -> None:
    for script in ("mmx_read.py", "mmx_write.py"):
        r = run_example(repo_root, script, args, tmp_path)
        assert r.returncode == 2 and "usage" in r.stderr
