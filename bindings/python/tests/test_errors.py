"""One exception class per status code of polyfmt.h, and check()."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

import pytest

import polyfmt
from polyfmt import errors


def header_codes(repo_root: Path) -> Dict[str, int]:
    text = (repo_root / "capi" / "include" / "polyfmt.h").read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"#define\s+(PF_(?:OK|E[A-Z]+))\s+(\d+)", text)}


def test_code_names_match_header(repo_root: Path) -> None:
    codes = header_codes(repo_root)
    assert codes["PF_EFORMAT"] == 10
    assert {v: k for k, v in codes.items()} == errors.CODE_NAMES


EXPECTED = {
    10: (polyfmt.FormatError, "PF_EFORMAT"),
    11: (polyfmt.ChecksumError, "PF_ECHECKSUM"),
    12: (polyfmt.UnsupportedError, "PF_EUNSUPPORTED"),
    13: (polyfmt.LimitError, "PF_ELIMIT"),
    20: (polyfmt.NotFoundError, "PF_ENOTFOUND"),
    21: (polyfmt.BadArgumentError, "PF_EBADARG"),
    22: (polyfmt.BadHandleError, "PF_EBADHANDLE"),
    23: (polyfmt.LockedError, "PF_ELOCKED"),
    30: (polyfmt.PolyfmtIOError, "PF_EIO"),
    31: (polyfmt.NoMemoryError, "PF_ENOMEM"),
    99: (polyfmt.InternalError, "PF_EINTERNAL"),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_class_per_code(code: int) -> None:
    cls, name = EXPECTED[code]
    e = errors.error_for(code, "why")
    assert type(e) is cls
    assert isinstance(e, polyfmt.PolyfmtError)
    assert (e.code, e.code_name, e.message) == (code, name, "why")
    assert cls.code == code and cls.code_name == name
    assert str(e) == f"why [{name}]"
    assert errors.CODE_NAMES[code] == name


def test_builtin_bases() -> None:
    assert issubclass(polyfmt.BadArgumentError, ValueError)
    assert issubclass(polyfmt.BadHandleError, ValueError)
    assert issubclass(polyfmt.PolyfmtIOError, OSError)
    assert not issubclass(polyfmt.FormatError, ValueError)


def test_unknown_code_is_plain_error() -> None:
    e = errors.error_for(77, "odd")
    assert type(e) is polyfmt.PolyfmtError
    assert (e.code, e.code_name) == (77, "PF_E77")


def test_empty_message_falls_back_to_errstr() -> None:
    e = errors.error_for(10)
    assert str(e).endswith("[PF_EFORMAT]") and len(str(e)) > len(" [PF_EFORMAT]")
    assert errors.errstr(10) in str(e)


def test_check() -> None:
    errors.check(0, 0)
    with pytest.raises(polyfmt.LimitError) as ei:
        errors.check(13, 0, bad_block=4)
    assert ei.value.bad_block == 4
    assert ei.value.bad_block is not None
