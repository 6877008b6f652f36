"""Print the one table of every ratio `make bench` measured.

    python bench/table.py RATIOS.jsonl

Each line of RATIOS.jsonl is a JSON object written by a benchmark through
internal/benchratio (Go) or the same format from Python and JS:
measure, ours, peer, peer_name, unit, goal, source. The table shows
ours ÷ peer and whether the goal (a comparison of that ratio, ">= 1.0") holds.
A measure reported twice keeps its last line.
"""

from __future__ import annotations

import json
import operator
import sys

OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def verdict(ratio: float, goal: str) -> str:
    if not goal:
        return ""
    op, _, num = goal.partition(" ")
    fn = OPS.get(op)
    if fn is None:
        return "?"
    return "met" if fn(ratio, float(num)) else "MISSED"


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows: dict[str, dict] = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
                rows[r["measure"]] = r
            except (ValueError, KeyError) as e:
                print(f"{sys.argv[1]}:{n}: {e}", file=sys.stderr)
                return 1
    print("| measure | polyfmt | peer, same run | polyfmt ÷ peer | goal | |")
    print("|---|---|---|---|---|---|")
    missed = 0
    for r in rows.values():
        ratio = r["ours"] / r["peer"] if r["peer"] else float("inf")
        v = verdict(ratio, r.get("goal", ""))
        missed += v == "MISSED"
        unit = r.get("unit", "")
        print(
            f"| {r['measure']} | {fmt(r['ours'])} {unit} | {fmt(r['peer'])} {unit} ({r['peer_name']}) "
            f"| {ratio:.2f} | {r.get('goal', '')} | {v} |"
        )
    print(f"\n{len(rows)} ratios, {missed} goals missed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
