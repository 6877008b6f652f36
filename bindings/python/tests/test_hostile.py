"""The hostile corpus (core/testdata/hostile/manifest.json) through the Python binding.

Each file runs in its own Python process, so one that crashed or ran away
could not take pytest with it. The child opens, reads, verifies or imports
it and prints what each call raised; this process checks the polyfmt
exception class per operation against the manifest, and the child's peak
RSS (``os.wait4``'s rusage, the per-child form of ``RUSAGE_CHILDREN``)
against the manifest's budget.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any, Dict, List

import pytest
from conftest import REPO_ROOT

import polyfmt.errors

HOSTILE = REPO_ROOT / "core" / "testdata" / "hostile"
MANIFEST = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))

# The exception class for each code name: the manifest names codes, the
# binding raises one class per code.
CLASSES: Dict[str, str] = {
    cls.code_name: cls.__name__
    for cls in vars(polyfmt.errors).values()
    if isinstance(cls, type) and issubclass(cls, polyfmt.errors.PolyfmtError) and cls is not polyfmt.errors.PolyfmtError
}

CHILD = r"""
import json, sys
import polyfmt
from polyfmt import mem8, mmx, mork
from polyfmt.errors import PolyfmtError

case = json.loads(sys.argv[1])
path = sys.argv[2]
out = {}

def run(op, fn):
    try:
        r = fn()
        out[op] = {"class": "ok"}
        return r
    except PolyfmtError as e:
        out[op] = {"class": type(e).__name__, "code": e.code_name}
    return None

fmt = case["format"]
if fmt == "mem8-json":
    data = open(path, "rb").read()
    f = mem8.File.create(None, no_sync=True)
    run("import", lambda: f.import_json(data))
    out["count"] = f.count()
    f.close()
elif fmt == "mem8":
    f = run("open", lambda: mem8.File.open(path))
    if f is not None:
        out["blocks"] = f.count()
        run("info", lambda: json.dumps(f.info))
        run("read", lambda: [b.content for b in f])
        run("verify", f.verify)
        f.close()
elif fmt == "mork":
    def walk(f):
        n, got = len(f), len(f.paths())
        if got != n:
            raise AssertionError(f"len() is {n}, paths() holds {got}")

    # Opened from its path, by detection (an ACT read in place), and from
    # bytes through the format's module: the same outcome.
    data = open(path, "rb").read()
    openers = (("open", lambda: polyfmt.open(path)), ("open_bytes", lambda: mork.from_bytes(data)))
    for op, opener in openers:
        f = run(op, opener)
        if f is not None:
            out["class_" + op] = type(f).__name__
            suffix = "" if op == "open" else "_bytes"
            run("info" + suffix, lambda: json.dumps(f.info))
            run("read" + suffix, lambda: walk(f))
            run("verify" + suffix, f.verify)
            f.close()
else:
    f = run("open", lambda: mmx.File.open(path))
    if f is not None:
        run("info", lambda: json.dumps(f.info))
        run("list", lambda: [e.name for e in f.list()])
        run("read", lambda: f.read(case["chunk"]))
        run("verify", f.verify)
        f.close()
print(json.dumps(out))
"""


def allowed(expect: Any) -> List[str]:
    return [expect] if isinstance(expect, str) else list(expect)


def class_for(code: str) -> str:
    return "ok" if code == "ok" else CLASSES[code]


@pytest.mark.parametrize("case", MANIFEST["cases"], ids=lambda c: c["name"])
def test_hostile(case: Dict[str, Any]) -> None:
    budget_kib = MANIFEST["budget_rss_mib"] * 1024
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(
            [sys.executable, "-c", CHILD, json.dumps(case), str(HOSTILE / case["file"])], stdout=out, stderr=err
        )
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    assert p.returncode == 0, f"child exited {p.returncode}:\n{stderr}"
    assert "panic:" not in stderr and "goroutine " not in stderr, stderr
    got = json.loads(stdout)
    expect = case["expect"]
    opened = got.get("open", {}).get("class") == "ok"
    ops = [("open", "open"), ("read", "read"), ("verify", "verify"), ("import", "import")]
    if case["format"] == "mork":  # opened from bytes too: the same outcomes
        ops += [("open_bytes", "open"), ("read_bytes", "read"), ("verify_bytes", "verify")]
        opened_bytes = got.get("open_bytes", {}).get("class") == "ok"
        assert opened_bytes == opened, f"open by path and from bytes disagree: {got}"
        if opened:
            assert got["class_open"] == got["class_open_bytes"] == "MorkFile", got
    for op, key in ops:
        if key not in expect or (key in ("read", "verify") and not opened):
            continue
        want = [class_for(c) for c in allowed(expect[key])]
        assert op in got, f"{op} never ran: {got}"
        assert got[op]["class"] in want, f"{op}: raised {got[op]}, want {want} ({case['attacks']})"
    for op in ("info", "info_bytes", "list"):
        if op in got:
            assert got[op]["class"] == "ok", f"{op} after a successful open: {got[op]}"
    if "blocks" in expect and opened:
        assert got["blocks"] == expect["blocks"]
    if "import" in expect and got["import"]["class"] != "ok":
        assert got["count"] == 0, "a refused import appended blocks"
    assert usage.ru_maxrss <= budget_kib, f"peak RSS {usage.ru_maxrss} KiB, budget {budget_kib} KiB"
