"""Builds libpolyfmt.so into the package while building the wheel.

build_py runs, from the repository root (the directory holding go.mod,
found by walking up from this file):

    go build -buildmode=c-shared -o <package dir>/libpolyfmt.so ./capi

If POLYFMT_LIB names a prebuilt library, that file is copied instead. The
wheel is platform-specific but not tied to a Python version or ABI (the
library is loaded with ctypes): its tag is py3-none-<platform>.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Optional, Tuple

from setuptools import setup
from setuptools.command.build_py import build_py as _build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel  # type: ignore[no-redef,import-not-found,unused-ignore]

LIB_NAME = "libpolyfmt.so"
HERE = Path(__file__).resolve().parent


def find_repo_root(start: Path) -> Optional[Path]:
    """The nearest directory at or above start that holds go.mod."""
    for d in (start, *start.parents):
        if (d / "go.mod").is_file():
            return d
    return None


def provide_library(dest: Path) -> None:
    """Puts libpolyfmt.so at dest: a copy of $POLYFMT_LIB, or a fresh go build."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    prebuilt = os.environ.get("POLYFMT_LIB")
    if prebuilt:
        src = Path(prebuilt)
        if not src.is_file():
            raise SystemExit(f"polyfmt: POLYFMT_LIB={prebuilt} is not a file")
        shutil.copyfile(src, dest)
        return
    root = find_repo_root(HERE)
    if root is None:
        raise SystemExit(
            f"polyfmt: no go.mod above {HERE}: build from the polyfmt repository, "
            f"or set POLYFMT_LIB to a built {LIB_NAME}"
        )
    go = shutil.which("go")
    if go is None:
        raise SystemExit(f"polyfmt: Go is needed to build {LIB_NAME} (or set POLYFMT_LIB to a built one)")
    env = dict(os.environ, CGO_ENABLED="1")
    cmd = [go, "build", "-buildmode=c-shared", "-o", str(dest), "./capi"]
    print("polyfmt:", " ".join(cmd), f"(in {root})", flush=True)
    subprocess.run(cmd, cwd=root, env=env, check=True)
    # c-shared also writes a generated header beside the library; the package
    # does not need it (the real header is capi/include/polyfmt.h).
    dest.with_suffix(".h").unlink(missing_ok=True)


class build_py(_build_py):
    """build_py that also puts libpolyfmt.so into the package."""

    def _lib_dest(self) -> Path:
        if getattr(self, "editable_mode", False):
            return Path(self.get_package_dir("polyfmt")).resolve() / LIB_NAME
        return Path(self.build_lib).resolve() / "polyfmt" / LIB_NAME

    def run(self) -> None:
        super().run()
        provide_library(self._lib_dest())

    def get_outputs(self, include_bytecode: bool = True) -> List[str]:
        return [*super().get_outputs(include_bytecode), str(self._lib_dest())]


class bdist_wheel(_bdist_wheel):
    """Tags the wheel py3-none-<platform>: native code, but no Python ABI."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> Tuple[str, str, str]:
        _, _, plat = super().get_tag()
        return "py3", "none", plat


class BinaryDistribution(Distribution):
    """A distribution with native code, so never treated as pure."""

    def has_ext_modules(self) -> bool:
        return True


setup(distclass=BinaryDistribution, cmdclass={"build_py": build_py, "bdist_wheel": bdist_wheel})
