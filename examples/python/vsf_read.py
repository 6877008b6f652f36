"""Reads a VSF file: python vsf_read.py FILE.vsf [PUBLIC_KEY_HEX]

Opens it with polyfmt.open (the format comes from the first bytes), prints
every section (a structured one's fields, an unboxed one's size), reads
every tensor into numpy (bit-packed samples unpacked), then verifies the
hashes and signatures, against PUBLIC_KEY_HEX when it is given. Unboxed
sections of a file opened read-only are views of its memory, not copies.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

import polyfmt
from polyfmt import vsf


def describe(value: Any) -> str:
    """One short line for a value."""
    if isinstance(value, vsf.Struct):
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in value.fields) + "}"
    if isinstance(value, vsf.EagleTime):
        return f"{value.datetime.isoformat()} (Eagle {value.seconds})"
    if isinstance(value, vsf.TensorRef):
        packed = f" {value.bits}-bit packed" if value.bits else ""
        return f"tensor {value.elem}{list(value.shape)}{packed}, {value.nbytes} bytes"
    if isinstance(value, (vsf.Hash, vsf.Signature, vsf.Key)):
        return f"{type(value).__name__.lower()} {value.alg} {value.bytes.hex()[:16]}…"
    return repr(value)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: vsf_read.py FILE.vsf [PUBLIC_KEY_HEX]", file=sys.stderr)
        return 2
    key = bytes.fromhex(argv[2]) if len(argv) == 3 else None
    try:
        f = polyfmt.open(argv[1])
    except polyfmt.PolyfmtError as err:
        print(f"vsf_read: {err}", file=sys.stderr)
        return 1
    if not isinstance(f, vsf.VSF):
        print(f"vsf_read: {argv[1]} is a {f.format} file, not VSF", file=sys.stderr)
        f.close()
        return 1
    with f:
        print(f"polyfmt {polyfmt.version()}: {argv[1]} ({f.form} form)")
        tensors = []
        for lb in f.labels:
            extra = f" hashes={list(lb.hashes)}" if lb.hashes else ""
            extra += f" signatures={lb.signatures}" if lb.signatures else ""
            if lb.unboxed:
                blob = f.raw(lb.name)
                how = "view" if not blob.flags.writeable else "copy"
                print(f"[{lb.name}] unboxed {blob.nbytes} bytes ({how}){extra}")
                del blob
                continue
            print(f"[{lb.name}] {lb.count} fields{extra}")
            for name, value in f.section(lb.name).items():
                print(f"  {name}: {describe(value)}")
                if isinstance(value, vsf.TensorRef):
                    tensors.append(value)
        for t in tensors:
            a = t.read()
            print(f"{t.path}: numpy {a.dtype}{list(a.shape)} min {a.min()} max {a.max()} mean {np.mean(a):.2f}")
        try:
            f.verify(key)
            print("verify: ok")
        except polyfmt.PolyfmtError as err:
            print(f"verify: {err}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
