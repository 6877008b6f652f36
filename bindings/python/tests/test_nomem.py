"""A failed allocation is NoMemoryError, never the end of the process.

cgo's C.malloc ends the process on failure ("fatal error: runtime: C malloc
failed", exit 134); the library must allocate so that the failure comes back
as PF_ENOMEM. Each case runs in a child process that limits its own address
space (RLIMIT_AS) once the library is loaded, to what it already uses plus a
margin, and then asks for more.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status are Linux's"
)

PRELUDE = textwrap.dedent(
    """
    import mmap, resource, sys
    import numpy as np
    import polyfmt
    from polyfmt import mmx

    MiB = 1 << 20

    def vmsize():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmSize")

    def limit(headroom):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (vmsize() + headroom, hard))

    def unlimit():
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))

    polyfmt.version()  # the library and its Go runtime are loaded before the limit
    """
)


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )


def test_copy_of_image_that_does_not_fit() -> None:
    # from_bytes copies the image into library memory before anything else
    # but the detection of its format from the first bytes.
    p = run(
        """
        image = mmap.mmap(-1, 512 * MiB)  # zeros, never touched but the first page
        image[:4] = b"MMX\\0"  # the format is detected before the copy
        limit(256 * MiB)
        try:
            mmx.File.from_bytes(image)
        except polyfmt.NoMemoryError as e:
            print("NoMemoryError", e.code_name, e.message)
        else:
            print("opened")
        unlimit()
        print(polyfmt.version())
        """
    )
    assert p.returncode == 0, p.stderr[-2000:]
    lines = p.stdout.splitlines()
    assert lines[0].startswith("NoMemoryError PF_ENOMEM") and "cannot allocate" in lines[0], p.stdout
    assert lines[1] == polyfmt_version()


def polyfmt_version() -> str:
    import polyfmt

    return polyfmt.version()


def test_read_of_1gib_zstd_chunk_does_not_end_the_process(tmp_path: Path) -> None:
    # The reported case: a ~120 KB file holding 1 GiB of zeros (zstd), read
    # with too little address space for both the decompression and the
    # result. Depending on which comes first the read raises NoMemoryError,
    # or succeeds when the library decompresses into the result buffer.
    path = tmp_path / "zeros.mmx"
    w = run(
        """
        with mmx.File.create(sys.argv[1], no_sync=True) as f:
            f.write_tensor("zeros", np.zeros(1 << 30, dtype=np.uint8), compression="zstd")
            f.write_tensor("small", np.arange(4, dtype=np.uint8))
            f.commit()
        """,
        str(path),
    )
    assert w.returncode == 0, w.stderr[-2000:]
    assert path.stat().st_size < 1 << 20
    p = run(
        """
        with mmx.File.open(sys.argv[1], verify="never", max_ratio=1 << 20) as f:
            limit(1536 * MiB)
            try:
                a = f["zeros"]
                print("read", a.nbytes, int(a[0]), int(a[-1]))
                del a
            except polyfmt.NoMemoryError as e:
                print("NoMemoryError", e.code_name, e.message)
            unlimit()
            print("small", f["small"].tolist())
        """,
        str(path),
    )
    assert p.returncode == 0, p.stderr[-2000:]
    first, second = p.stdout.splitlines()[:2]
    assert first.startswith("NoMemoryError PF_ENOMEM") or first == f"read {1 << 30} 0 0", p.stdout
    assert second == "small [0, 1, 2, 3]"
