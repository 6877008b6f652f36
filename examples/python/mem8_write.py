"""Writes a small MEM8 file: python mem8_write.py OUT.m8

Three memories with importance and tokens; the last one is appended after
reopening the file, to show that tokens persist.
"""

from __future__ import annotations

import sys

from polyfmt import mem8


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: mem8_write.py OUT.m8", file=sys.stderr)
        return 2
    path = argv[1]
    with mem8.File.create(path, identity_freq=432.0) as f:
        f.append("First memory", importance=0.8, token="src/main")
        f.append("Second memory", importance=0.5)
    with mem8.File.open(path, writable=True) as f:
        i = f.append("Important memory", importance=1.0, token="src/main")
        f.verify()
        print(f"wrote {len(f)} blocks to {path} (last index {i}, tokens {f.info['tokens']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
