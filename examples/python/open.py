"""Opens polyfmt files of any format: python open.py FILE [FILE...]

For each file, prints its format (detected from its first bytes, not its
name), then its info as JSON, then whether it verifies. Exits 1 if a file
cannot be opened or does not verify.
"""

from __future__ import annotations

import json
import sys

import polyfmt


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: open.py FILE [FILE...]", file=sys.stderr)
        return 2
    status = 0
    for path in argv[1:]:
        try:
            f = polyfmt.open(path)  # polyfmt.mem8.File, polyfmt.mmx.File, ... by the file's first bytes
        except polyfmt.PolyfmtError as e:
            print(f"open: {path}: {e}", file=sys.stderr)
            status = 1
            continue
        with f:
            print(f"{path}: {polyfmt.FORMATS[f.format].title} ({type(f).__module__}.{type(f).__name__})")
            print(json.dumps(f.info, indent=2, sort_keys=True))
            try:
                f.verify()
                print("verify: ok")
            except polyfmt.PolyfmtError as e:
                print(f"verify: {e}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
