"""Reads any MORK container: python mork_read.py FILE [PATTERN]

Opens it with polyfmt.open (MORK is detected from the first bytes: a space
file, PATHMAP1, PathMap's .paths, an ACT, a symbol table or
multiplicities), prints its kind and version, how many paths and symbols it
holds and its first paths as MeTTa with their values, then the paths
matching PATTERN (a MeTTa pattern such as "(parent $x Bob)": each $variable
matches any sub-expression) with what each variable matched, and finally
verifies its checksums and structure.
"""

from __future__ import annotations

import sys

import polyfmt
from polyfmt import mork

SHOWN = 5  # paths printed before the query


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: mork_read.py FILE [PATTERN]", file=sys.stderr)
        return 2
    try:
        f = polyfmt.open(argv[1])
    except polyfmt.PolyfmtError as err:
        print(f"mork_read: {err}", file=sys.stderr)
        return 1
    if not isinstance(f, mork.MorkFile):
        print(f"mork_read: {argv[1]} is a {f.format} file, not MORK", file=sys.stderr)
        f.close()
        return 1
    with f:
        info = f.info
        version = f" {info['version']}" if info["version"] else ""
        interned = ", interned" if info["interned"] else ""
        print(f"polyfmt {polyfmt.version()}: {argv[1]} ({info['kind']}{version}{interned})")
        print(f"paths {len(f)} symbols {info['symbols']}")
        for path, value in f.paths(limit=SHOWN):
            print(f"  {f.print_path(path)} = {value}")
        if len(argv) == 3:
            try:
                matches = f.query(argv[2])
            except polyfmt.PolyfmtError as err:
                print(f"mork_read: query {argv[2]!r}: {err}", file=sys.stderr)
                return 1
            print(f"query {argv[2]}: {len(matches)} matches")
            for m in matches:
                print(f"  {m.text} = {m.value}  {' '.join(m.bindings)}")
        try:
            f.verify()
            print("verify: ok")
        except polyfmt.PolyfmtError as err:
            print(f"verify: {err}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
