"""Reads an MMX file: python mmx_read.py FILE.mmx

Prints the header, then every chunk with what it holds, then verifies the
file. Raw arrays of a file opened read-only are views of its memory-mapped
bytes, not copies.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

import polyfmt
from polyfmt import mmx


def describe(value: Any) -> str:
    """One line for a chunk's value."""
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        items = [format(x, "g") if isinstance(x, float) else str(x) for x in flat[:4].tolist()]
        head = ", ".join(items) + (", ..." if flat.size > 4 else "")
        return f"{value.dtype}{list(value.shape)} [{head}]"
    if isinstance(value, mmx.Embedding):
        return f"{describe(value.array)} method={value.method!r} labels={value.labels}"
    if isinstance(value, mmx.Mesh):
        extra = [k for k in ("normals", "uvs") if getattr(value, k) is not None]
        return f"{len(value.vertices)} vertices, {len(value.faces)} faces {extra} materials={value.materials}"
    if isinstance(value, mmx.Text):
        return f"{value.content!r} ({value.encoding}, {value.language}) tokens={value.tokens}"
    if isinstance(value, mmx.Sequence):
        return f"frames={value.frames} fps={value.fps} duration={value.duration} metadata={value.metadata}"
    if isinstance(value, mmx.Meta):
        return f"v{value.version} {value.timestamp} {value.data}"
    return repr(value)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: mmx_read.py FILE.mmx", file=sys.stderr)
        return 2
    try:
        f = mmx.File.open(argv[1])
    except polyfmt.PolyfmtError as err:
        print(f"mmx_read: {err}", file=sys.stderr)
        return 1
    with f:
        info = f.info
        h = info["header"]
        print(f"polyfmt {polyfmt.version()}: {argv[1]}")
        print(
            f"generation {info['generation']}  chunks {h['total_chunks']}  creator {h['creator']!r}  "
            f"types {h['modality_summary']}"
        )
        if not info["recovery"]["clean"]:
            print(f"recovery: {info['recovery']}")
        status = 0
        for e in f.list():
            region = f" @{e.logical_region}" if e.logical_region else ""
            try:
                c = f.read_chunk(e.name)  # the flat form says whether arrays are views of the file
                how = (" (view)" if c.borrowed else " (copy)") if c.arrays else ""
                del c  # views must be gone before the file closes
                line = describe(f[e.name]) + how
            except polyfmt.PolyfmtError as err:
                line, status = f"error {err.code_name}: {err.message}", 1
            print(f"{e.name}: {e.chunk_type} {e.compression}{region} {line}")
        try:
            f.verify()
            print("verify: ok")
        except polyfmt.PolyfmtError as err:
            print(f"verify: {err.code_name} {err.message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
