#!/usr/bin/env python3
"""Reads `go test -json` on stdin and prints one line per package with its
counts. A failed package prints in full what its failed tests (and the
package itself: panics, race reports, build errors) wrote. Exits 1 if any
package failed. Usage: go test -json ... | gotest-summary.py [LABEL]"""

import json
import sys

label = sys.argv[1] if len(sys.argv) > 1 else ""
pkgs = {}  # import path -> {"lines": [(test, text)], "tests": {name: action}}
failed = False


def pkg(name):
    if name not in pkgs:
        pkgs[name] = {"lines": [], "tests": {}}
    return pkgs[name]


def short(name):
    return name.removeprefix("github.com/polyfmt/polyfmt/") or name


for raw in sys.stdin:
    try:
        ev = json.loads(raw)
    except ValueError:
        sys.stdout.write(raw)  # not test2json's: pass it on
        continue
    action = ev.get("Action")
    if action == "build-output":  # compiler and vet errors: printed as they come
        sys.stdout.write(ev.get("Output", ""))
        continue
    if action == "build-fail" or "Package" not in ev:
        continue
    p = pkg(ev["Package"])
    test = ev.get("Test")
    if action == "output":
        p["lines"].append((test, ev["Output"]))
    elif action in ("pass", "fail", "skip") and test:
        p["tests"][test] = action
    elif action in ("pass", "fail", "skip"):  # the package's result
        name = short(ev["Package"])
        if action == "skip":
            print(f"go: -    {name:<34}          no test files")
            continue
        top = [a for t, a in p["tests"].items() if "/" not in t]
        words = (("pass", "passed"), ("fail", "failed"), ("skip", "skipped"))
        counts = ", ".join(f"{top.count(a)} {w}" for a, w in words if top.count(a)) or "no tests ran"
        sub = sum(1 for t in p["tests"] if "/" in t)
        if sub:
            counts += f" (+{sub} subtests)"
        word = "ok  " if action == "pass" else "FAIL"
        print(f"go: {word} {name:<34} {ev.get('Elapsed', 0):6.1f}s  {counts}{' ' + label if label else ''}")
        if action == "fail":
            failed = True
            bad = {t for t, a in p["tests"].items() if a == "fail"}
            for t, text in p["lines"]:
                if t is None or t in bad:
                    sys.stdout.write(text)
        sys.stdout.flush()

sys.exit(1 if failed else 0)
