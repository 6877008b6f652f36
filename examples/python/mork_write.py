"""Writes a MeTTa space and an ACT: python mork_write.py OUT.mtts [OUT.act]

The space file (MTTS) is a small family graph imported from MeTTa text,
its symbols interned (stored as 8-byte ids of the file's symbol table, as
MORK does). The ACT (ACTree03, PathMap's layout) maps expressions to u64
values: each child's year of birth. The ACT goes to OUT.act, or beside the
space with the suffix .act.
"""

from __future__ import annotations

import sys
from pathlib import Path

from polyfmt import mork

FAMILY = """
; who is whose parent
(parent Tom Bob) (parent Pam Bob) (parent Tom Liz)
(parent Bob Ann) (parent Bob Pat) (parent Pat Jim)
(female Pam) (female Liz) (female Ann) (female Pat)
(male Tom) (male Bob) (male Jim)
; a rule is an expression too: its variables are stored by position
(= (grandparent $x $z) (, (parent $x $y) (parent $y $z)))
(note "The Smiths, 2024")
"""

BORN = {"Bob": 1960, "Liz": 1962, "Ann": 1985, "Pat": 1987, "Jim": 2010}


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: mork_write.py OUT.mtts [OUT.act]", file=sys.stderr)
        return 2
    space_path = Path(argv[1])
    act_path = Path(argv[2]) if len(argv) == 3 else space_path.with_suffix(".act")
    if act_path == space_path:
        print("mork_write.py: the ACT needs a path of its own", file=sys.stderr)
        return 2
    with mork.create(space_path) as f:  # a space file, the default kind
        n = f.import_text(FAMILY, intern=True)
        f.commit()
        print(f"wrote {space_path}: {n} expressions, {len(f.symbols())} symbols, interned {f.interned}")
    with mork.create(act_path, kind="act") as act:
        for name, year in BORN.items():
            act.add(f"(born {name})", year)  # MeTTa text, encoded by the library
        act.commit()
        print(f"wrote {act_path}: {len(act)} paths with values ({act.info['act_layout']} layout)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
