"""Shared fixtures: the repository root and the MEM8 test vectors; running an example.

The tests import the installed ``polyfmt`` package (``pip install
./bindings/python``), never ``src/``: run them as ``python -m pytest tests``
from bindings/python.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest


def find_repo_root() -> Path:
    """The nearest directory above this file that holds go.mod."""
    here = Path(__file__).resolve().parent
    for d in (here, *here.parents):
        if (d / "go.mod").is_file():
            return d
    raise RuntimeError(f"no go.mod above {here}")


REPO_ROOT = find_repo_root()
MEM8_VECTORS = REPO_ROOT / "core" / "testdata" / "mem8"


def run_example(repo_root: Path, script: str, args: List[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs examples/python/``script`` with ``args`` in ``cwd``: its exit status and output."""
    path = repo_root / "examples" / "python" / script
    assert path.is_file(), path
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def mem8_cases() -> List[Dict[str, Any]]:
    """Every case of core/testdata/mem8/manifest.json."""
    doc = json.loads((MEM8_VECTORS / "manifest.json").read_text(encoding="utf-8"))
    assert doc["format"] == "mem8"
    cases: List[Dict[str, Any]] = doc["cases"]
    return cases


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def mem8_vectors() -> Path:
    return MEM8_VECTORS
