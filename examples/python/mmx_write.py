"""Writes a small MMX file: python mmx_write.py OUT.mmx

One chunk of every type: two video frames (a raw tensor and a compressed
one), a Sequence naming them, a mesh, a text, an embedding and a Meta
record. The first commit holds the frames; the rest is added after
reopening the file for writing, as a second transaction.
"""

from __future__ import annotations

import sys

import numpy as np

from polyfmt import mmx


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: mmx_write.py OUT.mmx", file=sys.stderr)
        return 2
    path = argv[1]
    frame = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    with mmx.File.create(path, creator="examples/python/mmx_write.py") as f:
        f.write_tensor("frames/00000", frame, logical_region="clip_A")  # raw: read back without a copy
        f.write_tensor("frames/00001", frame[::-1], compression="zstd", logical_region="clip_A")
        f.commit()

    with mmx.File.open(path, writable=True) as f:
        f.write_sequence("clips/A", ["frames/00000", "frames/00001"], fps=30, metadata={"camera": "front"})
        f.write_mesh(
            "meshes/tetra",
            vertices=[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
            faces=[[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]],
            materials={"base": "steel"},
            compression="lz4",
        )
        f.write_text("notes/readme", "A tetrahedron and two frames.", language="en", tokens=[32, 7, 19])
        f.write_embedding(
            "emb/frames", np.array([[0.1, 0.9], [0.8, 0.2]], dtype=np.float32), method="PCA", labels=["00000", "00001"]
        )
        f.write_meta("meta/run", {"seed": 7, "tags": ["demo"]}, version=2)
        f.commit()
        f.verify()
        print(f"wrote {len(f)} chunks to {path} (generation {f.generation})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
