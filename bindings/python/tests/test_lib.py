"""The ctypes table against polyfmt.h, lazy loading, and the raw C ABI conventions."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from ctypes import byref, c_uint32
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest

import polyfmt
from polyfmt import _lib


def header_functions(repo_root: Path) -> List[str]:
    text = (repo_root / "capi" / "include" / "polyfmt.h").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # drop comments
    return re.findall(r"^\s*[A-Za-z_][\w\s\*]*?\b(pf_\w+)\s*\(", text, flags=re.M)


def test_table_matches_header(repo_root: Path) -> None:
    declared = header_functions(repo_root)
    assert len(declared) >= 18
    assert [name for name, _, _ in _lib.FUNCTIONS] == declared


def test_table_arity_matches_header(repo_root: Path) -> None:
    text = (repo_root / "capi" / "include" / "polyfmt.h").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # comments mention calls: "read with pf_vsf_tensor (…)"
    for name, argtypes, _ in _lib.FUNCTIONS:
        m = re.search(r"\b" + name + r"\s*\(([^)]*)\)", text)
        assert m is not None, name
        params = [p for p in m.group(1).split(",") if p.strip() and p.strip() != "void"]
        assert len(argtypes) == len(params), name


# The C types each ctypes type of the table may stand for. A buffer argument
# may be c_char_p (bytes, passed without a copy) or c_void_p (any buffer's
# address); both are a pointer to bytes in C. A buffer the library fills
# (uint8_t *) is c_void_p. On LP64, c_size_t and c_uint64
# are the same ctypes type (c_ulong), so their C names are merged.
_C_OF: Dict[Any, Set[str]] = {}
for _t, _c in [
    (ctypes.c_uint32, "uint32_t"),
    (ctypes.c_int32, "int32_t"),
    (ctypes.c_uint64, "uint64_t"),
    (ctypes.c_float, "float"),
    (ctypes.c_size_t, "size_t"),
    (ctypes.c_char_p, "const char *"),
    (ctypes.c_char_p, "const uint8_t *"),
    (ctypes.c_void_p, "void *"),
    (ctypes.c_void_p, "const uint8_t *"),
    (ctypes.c_void_p, "uint8_t *"),  # a buffer the caller lends for the library to fill
    (ctypes.POINTER(ctypes.c_void_p), "uint8_t **"),
    (ctypes.POINTER(ctypes.c_size_t), "size_t *"),
    (ctypes.POINTER(ctypes.c_uint32), "uint32_t *"),
    (ctypes.POINTER(ctypes.c_int32), "int32_t *"),
    (ctypes.POINTER(ctypes.c_uint64), "uint64_t *"),
    (ctypes.POINTER(ctypes.c_int64), "int64_t *"),
]:
    _C_OF.setdefault(_t, set()).add(_c)


def test_table_types_match_header(repo_root: Path) -> None:
    """Every parameter and result of the ctypes table has the header's C type."""
    text = (repo_root / "capi" / "include" / "polyfmt.h").read_text(encoding="utf-8")
    for name, argtypes, restype in _lib.FUNCTIONS:
        m = re.search(r"^((?:const )?\w+ \*?)" + name + r"\(([^)]*)\);", text, flags=re.M)
        assert m is not None, name
        params = [re.sub(r"\s*\w+$", "", p.strip()) for p in m.group(2).split(",") if p.strip() != "void"]
        assert len(params) == len(argtypes), name
        for i, (c, t) in enumerate(zip(params, argtypes)):
            assert c in _C_OF[t], f"{name} parameter {i + 1}: header {c!r}, table {sorted(_C_OF[t])}"
        assert m.group(1).strip() in _C_OF[restype], f"{name} result"


def test_installed_package_bundles_library() -> None:
    pkg = Path(polyfmt.__file__).resolve().parent
    assert "src" not in pkg.parts[-2:], f"tests must import the installed package, got {pkg}"
    lib = pkg / _lib.LIB_NAME
    assert lib.is_file()
    assert lib.read_bytes()[:4] == b"\x7fELF"
    assert (pkg / "py.typed").is_file()


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ)
    e.pop("POLYFMT_LIB", None)
    e.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e, timeout=120)


def test_import_does_not_load_library() -> None:
    r = run_python(
        "import polyfmt, polyfmt.mem8, polyfmt._lib as L\n"
        "assert L._cdll is None, 'loaded at import'\n"
        "print(polyfmt.version())\n"
        "assert L._cdll is not None\n"
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0.1.0"


def test_polyfmt_lib_env_is_used() -> None:
    r = run_python(
        "import polyfmt, polyfmt._lib as L\n"
        "try:\n"
        "    polyfmt.version()\n"
        "except L.LibraryError as e:\n"
        "    print('LibraryError', e)\n",
        POLYFMT_LIB="/nonexistent/libpolyfmt.so",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("LibraryError") and "/nonexistent/libpolyfmt.so" in r.stdout


def test_library_missing_a_function_is_refused() -> None:
    import _ctypes  # a real shared library without any pf_ function

    with pytest.raises(_lib.LibraryError) as ei:
        _lib._load(Path(_ctypes.__file__))
    assert "lacks pf_version" in str(ei.value) and "pf_mem8_sync" in str(ei.value)


def test_missing_library_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(_lib.LibraryError, match="not found"):
        _lib._load(tmp_path / "libpolyfmt.so")


def test_version() -> None:
    assert polyfmt.version() == "0.1.0" == polyfmt.__version__
    out = c_uint32()
    assert _lib.lib().pf_version(byref(out)) == 0
    assert out.value == 0x000100


def test_version_null_out_is_bad_argument() -> None:
    assert _lib.lib().pf_version(None) == 21


def test_close_zero_is_noop() -> None:
    assert _lib.lib().pf_close(0) == 0


def test_double_close_is_bad_handle() -> None:
    L = _lib.lib()
    h = c_uint32()
    assert L.pf_mem8_create(b"", 0, None, 0, byref(h)) == 0
    assert h.value != 0
    assert L.pf_close(h.value) == 0
    assert L.pf_close(h.value) == 22
    assert b"not open" in L.pf_errmsg(0)


def test_unknown_handle_is_bad_handle() -> None:
    L = _lib.lib()
    n = ctypes.c_uint64()
    assert L.pf_mem8_count(0xFFFFFFF0, byref(n)) == 22
    assert L.pf_mem8_count(0, byref(n)) == 22


def test_free_null_is_noop_and_bogus_pointer_is_bad_argument() -> None:
    L = _lib.lib()
    assert L.pf_free(None) == 0
    buf = ctypes.create_string_buffer(16)
    assert L.pf_free(ctypes.addressof(buf)) == 21
    assert b"pf_free" in L.pf_errmsg(0)


def test_free_twice_is_bad_argument() -> None:
    L = _lib.lib()
    h = c_uint32()
    assert L.pf_mem8_create(b"", 0, None, 0, byref(h)) == 0
    try:
        p, n = ctypes.c_void_p(), ctypes.c_size_t()
        assert L.pf_mem8_info(h.value, byref(p), byref(n)) == 0
        assert p.value and n.value
        assert L.pf_free(p.value) == 0
        assert L.pf_free(p.value) == 21
    finally:
        assert L.pf_close(h.value) == 0


def test_errstr_is_static_text() -> None:
    L = _lib.lib()
    for code in (0, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 99):
        text = L.pf_errstr(code)
        assert isinstance(text, bytes) and text
    assert L.pf_errstr(12345)  # never NULL


def test_fork_after_load_is_refused_in_child() -> None:
    polyfmt.version()  # the library is loaded in this process
    pid = os.fork()
    if pid == 0:  # child: must not call into Go
        code = 1
        try:
            polyfmt.version()
        except RuntimeError as e:
            code = 3 if "fork" in str(e) else 4
        except BaseException:
            code = 5
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
    assert polyfmt.version() == "0.1.0"  # the parent is unaffected
