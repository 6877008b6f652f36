"""One line per measured ratio for make bench's closing table (bench/table.py).

The Python side of internal/benchratio: when $POLYFMT_RATIOS names a file,
report appends one JSON object to it — measure, ours, peer, peer_name, unit,
goal (a comparison of ours ÷ peer with a number, ">= 1.0", or "") and
source. Without the variable it does nothing.
"""

from __future__ import annotations

import json
import os


def report(
    measure: str,
    ours: float,
    peer: float,
    peer_name: str,
    unit: str,
    goal: str,
    source: str,
) -> None:
    path = os.environ.get("POLYFMT_RATIOS")
    if not path:
        return
    line = {
        "measure": measure,
        "ours": round(ours, 1),
        "peer": round(peer, 1),
        "peer_name": peer_name,
        "unit": unit,
        "goal": goal,
        "source": source,
    }
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
