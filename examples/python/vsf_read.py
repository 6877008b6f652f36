"""Reads a VSF file through the generic entry point: python vsf_read.py FILE.vsf

Prints the format polyfmt.detect names from the file's first bytes, then opens
it with polyfmt.open and prints its info: form, version, size and each label.
A package without a VSF class yet (its VSF binding is being written) refuses
to wrap the file with an UnsupportedError: that is reported, not a failure.
"""

from __future__ import annotations

import sys

import polyfmt
from polyfmt.errors import UnsupportedError


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: vsf_read.py FILE.vsf", file=sys.stderr)
        return 2
    path = argv[1]
    print(f"{path}: detected {polyfmt.detect(path)!r}")
    try:
        f = polyfmt.open(path)
    except UnsupportedError as e:
        print(f"polyfmt.open: this package has no VSF class yet: {e}")
        return 0
    with f:
        info = f.info
        cls = f"{type(f).__module__}.{type(f).__name__}"
        print(f"{cls}: {info['form']} form, version {info['version']}, {info['size']} bytes")
        for label in info["labels"]:
            kind = "unboxed" if label["unboxed"] else f"{label['count']} fields"
            sigs = label["signatures"]
            print(f"  {label['name']}: {label['size']} bytes, {kind}, hashes {label['hashes']}, {sigs} signature(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
