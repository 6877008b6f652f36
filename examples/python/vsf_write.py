"""Writes a small VSF file: python vsf_write.py OUT.vsf

A "camera" section of metadata (typed numbers, a name, text, Eagle Time, a
nested exposure structure), an "image" section holding a 12-bit
bit-packed raw image, an unboxed "thumbnail" blob passed straight from a
numpy array, and Ed25519 signatures over the camera section and the whole
file. The key comes from a fixed seed, so the output is reproducible; its
public key is printed for vsf_read.py.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import numpy as np

from polyfmt import vsf

SEED = bytes(range(32))  # a real signer keeps a secret seed (or vsf.keygen() with no seed)


def raw_image(height: int = 480, width: int = 640) -> np.ndarray:
    """A 12-bit test pattern: a diagonal ramp, every value in 0…4095."""
    y, x = np.mgrid[0:height, 0:width]
    return ((x * 4 + y * 3) % 4096).astype(np.uint16)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: vsf_write.py OUT.vsf", file=sys.stderr)
        return 2
    key = vsf.keygen(SEED)
    img = raw_image()
    thumb = (img[::16, ::16] >> 4).astype(np.uint8)  # 30×40, 8 bits
    with vsf.VSF.create(argv[1]) as f:
        f.add("camera", "model", vsf.Name("lumis"))
        f.add("camera", "serial", vsf.u5(77))
        f.add("camera", "iso", vsf.u4(800))
        f.add("camera", "lens", "35mm f/1.4 prime")
        f.add("camera", "taken", datetime(2024, 5, 17, 12, 30, 15, tzinfo=timezone.utc))
        f.add("camera", "exposure", {"shutter_ns": vsf.u6(16_666_667), "aperture": vsf.f5(1.4), "bias_ev": -0.5})
        f.add("image", "raw", vsf.bitpacked(img, 12))  # 12 bits a sample: 3/4 of uint16's size
        f.add("image", "bits", vsf.u3(12))
        f.put_unboxed("thumbnail", thumb)  # the array's own memory, no copy in Python
        f.section_options("image", hash="blake3")
        f.sign("camera", key)  # with its public key stored: the file verifies on its own
        f.sign(None, key)
        f.commit()
        sections = f.keys()
    print(f"wrote {argv[1]}: sections {sections}, image {img.shape[0]}x{img.shape[1]} 12-bit")
    print(f"public key {vsf.public_key(key).hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
