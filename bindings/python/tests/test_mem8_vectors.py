"""Every case of core/testdata/mem8/manifest.json, with the expectations the Go and JS tests use.

Each case is opened read-only by path and from bytes; errors are compared by
code name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from conftest import MEM8_VECTORS, mem8_cases

import polyfmt
from polyfmt import mem8

CASES = mem8_cases()

Opener = Callable[[Path], mem8.File]
OPENERS: List[Tuple[str, Opener]] = [
    ("path", lambda p: mem8.File.open(p)),
    ("bytes", lambda p: mem8.File.from_bytes(p.read_bytes())),
]


def test_manifest_is_not_empty() -> None:
    names = {c["name"] for c in CASES}
    assert len(CASES) >= 13
    assert {"three_blocks_fixed_ts", "torn_tail", "bad_magic"} <= names
    assert any("error" in c for c in CASES) and any("expect" in c for c in CASES)


def check_block(got: mem8.Block, want: Dict[str, Any]) -> None:
    if "content_hex" in want:
        assert got.content == bytes.fromhex(want["content_hex"])
    else:
        assert got.content == want["content"].encode("utf-8")
        assert got.text == want["content"]
    assert got.index == want["index"]
    assert got.timestamp == want["timestamp"]
    assert got.importance_raw == want["importance_raw"]
    assert got.importance == pytest.approx(want["importance_raw"] / 65535.0, abs=1e-6)
    assert got.token == want["token"]
    assert got.token_id == want["token_id"]
    assert got.wave_signature.hex() == want["wave_signature"]
    assert len(got.wave_signature) == 16
    assert got.prev_hash.hex() == want["prev_hash"]
    assert len(got.prev_hash) == 32


def check_expect(f: mem8.File, exp: Dict[str, Any]) -> None:
    assert f.count() == exp["count"]
    assert len(f) == exp["count"]
    info = f.info
    assert info["block_count"] == exp["count"]
    assert info["flags"] == exp["flags"]
    assert info["identity_freq"] == exp["identity_freq"]
    assert info["temporal_phase"] == exp["temporal_phase"]
    assert info["recovery"]["clean"] is exp["recovery_clean"]
    assert f.recovery == info["recovery"]
    assert info["tokens"] == exp["tokens"]
    assert info["writable"] is False

    blocks = exp["blocks"] or []
    assert len(blocks) == exp["count"]
    got = list(f)
    assert len(got) == len(blocks)
    for g, w in zip(got, blocks):
        check_block(g, w)
    for i, w in enumerate(blocks):
        check_block(f[i], w)
        check_block(f[i - len(blocks)], w)
    assert [b.index for b in f.backwards()] == [w["index"] for w in reversed(blocks)]
    with pytest.raises(IndexError):
        f[len(blocks)]
    with pytest.raises(IndexError):
        f[-len(blocks) - 1]

    for q in exp["queries"]:
        res = f.query(q["keywords"], fill=10, max=20)
        assert [b.index for b in res] == q["result"]
        for b in res:
            check_block(b, blocks[b.index])

    v = exp["verify"]
    if v["status"] == "PF_OK":
        f.verify()
    else:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            f.verify()
        assert ei.value.code_name == v["status"]
        assert ei.value.bad_block == v["bad_block"]
        assert ei.value.message


@pytest.mark.parametrize("how,opener", OPENERS, ids=[o[0] for o in OPENERS])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: Dict[str, Any], how: str, opener: Opener) -> None:
    path = MEM8_VECTORS / case["file"]
    if "error" in case:
        with pytest.raises(polyfmt.PolyfmtError) as ei:
            opener(path)
        assert ei.value.code_name == case["error"]
        assert ei.value.message  # pf_errmsg says why
        return
    with opener(path) as f:
        check_expect(f, case["expect"])
