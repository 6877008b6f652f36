"""Reads a MEM8 file: python mem8_read.py FILE.m8 [KEYWORD]

Prints the header, every block newest first, and, given a keyword, the
importance query for it and its top block.
"""

from __future__ import annotations

import sys

import polyfmt
from polyfmt import mem8


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: mem8_read.py FILE.m8 [KEYWORD]", file=sys.stderr)
        return 2
    try:
        f = mem8.File.open(argv[1])
    except polyfmt.PolyfmtError as e:
        print(f"mem8_read: {e}", file=sys.stderr)
        return 1
    with f:
        info = f.info
        print(f"polyfmt {polyfmt.version()}: {argv[1]}")
        print(
            f"version {info['version']}  flags {info['flags']} {info['flag_names']}  "
            f"blocks {info['block_count']}  identity {info['identity_freq']} Hz  "
            f"phase {info['temporal_phase']}  tokens {info['tokens']}"
        )
        if not info["recovery"]["clean"]:
            print(f"recovery: {info['recovery']}")
        for b in f.backwards():
            print(f"[{b.index}] {b.importance:.3f} {b.token or '-'} {b.text!r}")
        if len(argv) == 3:
            hits = f.query([argv[2]])  # the seed's read_by_importance: fill 10, max 20
            print(f"query {argv[2]!r}: {[b.index for b in hits]}")
            if hits:
                print(f"top: [{hits[0].index}] {hits[0].importance:.3f} {hits[0].text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
