"""Runs examples/python/vsf_write.py and vsf_read.py with the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np
import pytest
from conftest import run_example

from polyfmt import vsf

PUBLIC_KEY = vsf.public_key(vsf.keygen(bytes(range(32)))).hex()  # the example's fixed seed


def test_write_then_read(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "example.vsf"
    w = run_example(repo_root, "vsf_write.py", [str(out)], tmp_path)
    assert w.returncode == 0, w.stderr
    assert w.stdout.splitlines() == [
        f"wrote {out}: sections ['camera', 'image', 'thumbnail'], image 480x640 12-bit",
        f"public key {PUBLIC_KEY}",
    ]
    with vsf.VSF.open(out) as f:
        assert f.keys() == ["camera", "image", "thumbnail"]
        cam = f.section("camera")
        assert cam["model"] == vsf.Name("lumis") and cam["iso"] == 800 and cam["exposure"]["shutter_ns"] == 16_666_667
        assert cam["taken"].datetime.isoformat() == "2024-05-17T12:30:15+00:00"
        img = f.tensor("image.raw")
        y, x = np.mgrid[0:480, 0:640]
        assert img.dtype == np.uint16 and np.array_equal(img, (x * 4 + y * 3) % 4096)
        assert f.get("image.raw").nbytes == 480 * 640 * 12 // 8
        thumb = f.raw("thumbnail")
        assert thumb.nbytes == 30 * 40 and not thumb.flags.writeable
        del thumb
        f.verify(key=bytes.fromhex(PUBLIC_KEY))
        assert [c.status for c in f.verify_report() if c.what == "signature"] == ["ok", "ok"]

    r = run_example(repo_root, "vsf_read.py", [str(out), PUBLIC_KEY], tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"polyfmt 0.1.0: {out} (seed form)"
    assert lines[1] == "[camera] 6 fields signatures=1"
    assert "  model: Name('lumis')" in lines and "  iso: 800" in lines
    assert "  taken: 2024-05-17T12:30:15+00:00 (Eagle 1730131955)" in lines
    assert "[image] 2 fields hashes=['blake3']" in lines
    assert "  raw: tensor u4[480, 640] 12-bit packed, 460800 bytes" in lines
    assert "[thumbnail] unboxed 1200 bytes (view)" in lines
    assert lines[-2] == "image.raw: numpy uint16[480, 640] min 0 max 3993 mean 1996.50"
    assert lines[-1] == "verify: ok"


def test_read_with_another_key_fails(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "example.vsf"
    assert run_example(repo_root, "vsf_write.py", [str(out)], tmp_path).returncode == 0
    other = vsf.public_key(vsf.keygen(bytes(32))).hex()
    r = run_example(repo_root, "vsf_read.py", [str(out), other], tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines()[-1].startswith("verify: ") and "[PF_ECHECKSUM]" in r.stdout


def test_read_vectors(repo_root: Path, tmp_path: Path) -> None:
    vectors = repo_root / "core" / "testdata" / "vsf"
    r = run_example(repo_root, "vsf_read.py", [str(vectors / "bad_hash.vsf")], tmp_path)
    assert r.returncode == 1 and "verify: " in r.stdout and "[PF_ECHECKSUM]" in r.stdout
    r = run_example(repo_root, "vsf_read.py", [str(vectors / "truncated.vsf")], tmp_path)
    assert r.returncode == 1 and "PF_EFORMAT" in r.stderr
    r = run_example(
        repo_root, "vsf_read.py", [str(repo_root / "core" / "testdata" / "mmx" / "all_types.mmx")], tmp_path
    )
    assert r.returncode == 1 and "is a mmx file, not VSF" in r.stderr


@pytest.mark.parametrize("args", [[], ["a", "b", "c"]])
def test_usage(repo_root: Path, tmp_path: Path, args: List[str]) -> None:
    for script in ("vsf_read.py", "vsf_write.py"):
        r = run_example(repo_root, script, args, tmp_path)
        assert r.returncode == 2 and "usage" in r.stderr
