"""polyfmt.open and polyfmt.detect over every format, the File base class, and the generated tables."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable, Dict, List, Type

import numpy as np
import pytest

import polyfmt
from polyfmt import _generated, _lib, errors, mem8, mmx, mork, vsf


def _fill_mem8(f: polyfmt.File) -> None:
    assert isinstance(f, mem8.File)
    f.append("first", importance=0.9, token="t")
    f.append("second")


def _fill_mmx(f: polyfmt.File) -> None:
    assert isinstance(f, mmx.File)
    f.write_tensor("a", np.arange(6, dtype=np.int32).reshape(2, 3))
    f.write_text("notes", "hello")
    f.commit()


def _fill_vsf(f: polyfmt.File) -> None:
    assert isinstance(f, vsf.VSF)
    f.add("camera", "iso", vsf.u4(800))
    f.add("camera", "lens", "50mm")
    f.put_unboxed("blob", bytes(range(10)))
    f.commit()


def _fill_mork(f: polyfmt.File) -> None:
    assert isinstance(f, mork.MorkFile)
    f.import_text("(edge a b) (edge b c)")
    f.add(f"(note {len(f)} $x)")  # a set: a new path each time, so that the file grows
    f.commit()


# Some content for a file of each format; every format the library knows has one.
FILL: Dict[str, Callable[[polyfmt.File], None]] = {
    "mem8": _fill_mem8,
    "mmx": _fill_mmx,
    "vsf": _fill_vsf,
    "mork": _fill_mork,
}

# Every format's class, from the registry (a format without a class fails here).
CLASSES: List[Type[polyfmt.File]] = [polyfmt.File.class_for(f.id) for f in polyfmt.FORMATS.values()]


def _ids(classes: List[Type[polyfmt.File]]) -> List[str]:
    return [c.format for c in classes]


def content(f: polyfmt.File) -> object:
    """What a file holds, to compare two files of one format."""
    if isinstance(f, mem8.File):
        return [(b.text, b.token) for b in f]
    if isinstance(f, vsf.VSF):
        return {lb.name: f.raw(lb.name).tobytes() for lb in f.labels}
    if isinstance(f, mork.MorkFile):
        return (list(f), f.paths())
    assert isinstance(f, mmx.File)
    return {k: (str(v) if not isinstance(v, np.ndarray) else v.tolist()) for k, v in ((k, f[k]) for k in f.keys())}


def make(cls: Type[polyfmt.File], path: Path) -> Path:
    """A file of cls's format at path, with FILL's content."""
    with cls.create(path) as f:
        FILL[cls.format](f)
    return path


def image(cls: Type[polyfmt.File]) -> bytes:
    with cls.create() as f:
        FILL[cls.format](f)
        return f.to_bytes()


def other(cls: Type[polyfmt.File]) -> Type[polyfmt.File]:
    return next(c for c in CLASSES if c is not cls)


# ---- the registry ------------------------------------------------------------------


def test_registry_has_every_format_of_the_library() -> None:
    assert [c.format for c in CLASSES] == [f[1] for f in _generated.FORMATS]
    assert (mem8.File.format, mem8.File.format_id) == ("mem8", 1)
    assert (mmx.File.format, mmx.File.format_id) == ("mmx", 2)
    assert (vsf.VSF.format, vsf.VSF.format_id) == ("vsf", 3)
    assert polyfmt.File.class_for(1) is mem8.File and polyfmt.File.class_for(2) is mmx.File
    assert polyfmt.File.class_for(3) is vsf.VSF is vsf.File
    assert (mork.MorkFile.format, mork.MorkFile.format_id) == ("mork", 4) and polyfmt.File.class_for(4) is mork.File
    assert set(FILL) == set(polyfmt.FORMATS)
    assert polyfmt.FORMATS["mmx"].magic == (b"MMX\0",) and polyfmt.FORMATS["mem8"].extensions == (".m8",)
    with pytest.raises(polyfmt.UnsupportedError, match="format 99"):
        polyfmt.File.class_for(99)


def test_a_subclass_of_a_format_class_is_not_registered() -> None:
    class Mine(mem8.File):
        pass

    assert polyfmt.File.class_for(1) is mem8.File
    with Mine.create() as f:
        assert type(f) is Mine and f.format == "mem8"
    with pytest.raises(TypeError, match="no format"):

        class Bogus(polyfmt.File):
            format = "nope"

    with pytest.raises(TypeError, match="has a class already"):

        class Again(polyfmt.File):
            format = "mmx"


def test_the_base_class_creates_nothing() -> None:
    with pytest.raises(TypeError, match="format's class"):
        polyfmt.File.create()


# ---- open and detect, every format ---------------------------------------------------


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_open_path_read_only_and_writable(cls: Type[polyfmt.File], tmp_path: Path) -> None:
    p = make(cls, tmp_path / f"f{polyfmt.FORMATS[cls.format].extensions[0]}")
    with cls.open(p) as want:
        expected = content(want)
    for source in (p, str(p)):
        with polyfmt.open(source) as f:
            assert type(f) is cls and f.format == cls.format and f.name == str(p)
            assert f.info["format"] == cls.format and f.info["writable"] is False
            assert content(f) == expected
            f.verify()
            assert isinstance(f.refresh(), int)
    with polyfmt.open(p, writable=True) as f:
        assert type(f) is cls and f.info["writable"] is True
        with pytest.raises(polyfmt.LockedError):
            polyfmt.open(p, writable=True)
    with polyfmt.File.open(p) as f:  # the base class's statics are polyfmt.open's
        assert type(f) is cls
    assert polyfmt.detect(p) == polyfmt.detect(str(p)) == cls.format


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_open_bytes_read_only_and_writable(cls: Type[polyfmt.File]) -> None:
    data = image(cls)
    with cls.from_bytes(data) as want:
        expected = content(want)
    for source in (data, bytearray(data), memoryview(data), np.frombuffer(data, dtype=np.uint8)):
        assert polyfmt.detect(source) == cls.format
        with polyfmt.open(source) as f:
            assert type(f) is cls and f.name == "<memory>" and f.info["writable"] is False
            assert content(f) == expected
    with polyfmt.open(data, writable=True) as f:
        assert type(f) is cls and f.info["writable"] is True
        FILL[cls.format](f)
        grown = f.to_bytes()
    assert len(grown) > len(data)
    with polyfmt.File.from_bytes(grown) as f:
        assert type(f) is cls
        f.verify()


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_open_passes_options_to_the_detected_format(cls: Type[polyfmt.File], tmp_path: Path) -> None:
    p = make(cls, tmp_path / "opts")
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        polyfmt.open(p, bogus=1)
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        polyfmt.open(image(cls), bogus=1)
    with polyfmt.open(p, no_sync=True, writable=True) as f:  # an option of every format
        assert type(f) is cls


def test_open_options_of_one_format() -> None:
    with polyfmt.open(image(mmx.File), verify="on_open") as f:
        assert isinstance(f, mmx.File)
    with pytest.raises(polyfmt.BadArgumentError):
        polyfmt.open(image(mem8.File), verify="on_open")  # MEM8 has no such option
    with polyfmt.open(image(mem8.File), max_blocks=10) as f:
        assert isinstance(f, mem8.File)
    with pytest.raises(polyfmt.LimitError):
        polyfmt.open(image(mem8.File), max_blocks=1)


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_a_format_class_refuses_another_format(cls: Type[polyfmt.File], tmp_path: Path) -> None:
    theirs = other(cls)
    p = make(theirs, tmp_path / "theirs")
    before = p.read_bytes()
    title = polyfmt.FORMATS[theirs.format].title
    for writable in (False, True):
        with pytest.raises(polyfmt.FormatError, match=f"is a {title} file, not {polyfmt.FORMATS[cls.format].title}"):
            cls.open(p, writable=writable)
        with pytest.raises(polyfmt.FormatError, match=f"is a {title} file"):
            cls.from_bytes(before, writable=writable)
    assert p.read_bytes() == before  # never opened, so never repaired
    with theirs.open(p, writable=True):  # and no writer lock was left behind
        pass


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_empty_bytes(cls: Type[polyfmt.File]) -> None:
    # A format's class: writable empty bytes are a new file; read-only, no file of the format.
    with cls.from_bytes(b"", writable=True) as f:
        assert type(f) is cls and f.info["writable"] is True
        FILL[cls.format](f)
        data = f.to_bytes()
    assert polyfmt.detect(data) == cls.format
    with pytest.raises(polyfmt.FormatError):
        cls.from_bytes(b"")


def test_open_empty_bytes_is_a_clear_error() -> None:
    # Writable: there is no format to create a file of; read-only: no file at all.
    with pytest.raises(polyfmt.BadArgumentError, match="no bytes") as ei:
        polyfmt.open(b"", writable=True)
    assert "pf_create" in ei.value.message  # it says what to do instead
    with pytest.raises(polyfmt.FormatError, match="no bytes"):
        polyfmt.open(b"")
    with pytest.raises(polyfmt.FormatError):
        polyfmt.detect(b"")


def test_unknown_bytes_name_their_first_bytes(tmp_path: Path) -> None:
    junk = b"GARBAGE!" + bytes(100)
    with pytest.raises(polyfmt.FormatError, match="47 41 52 42 41 47 45 21") as ei:
        polyfmt.open(junk)
    assert ei.value.code_name == "PF_EFORMAT"
    with pytest.raises(polyfmt.FormatError, match="47 41 52 42"):
        polyfmt.open(junk, writable=True)
    with pytest.raises(polyfmt.FormatError, match="47 41 52 42"):
        polyfmt.detect(junk)
    p = tmp_path / "junk.bin"
    p.write_bytes(junk)
    with pytest.raises(polyfmt.FormatError, match="47 41 52 42") as ei:
        polyfmt.open(p)
    assert "junk.bin" in ei.value.message
    with pytest.raises(polyfmt.FormatError, match="47 41 52 42"):
        polyfmt.detect(p)
    with pytest.raises(polyfmt.FormatError):
        polyfmt.detect(b"MEM")  # a magic's prefix is not the magic


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(polyfmt.NotFoundError, match="absent"):
        polyfmt.open(tmp_path / "absent")
    with pytest.raises(polyfmt.NotFoundError, match="absent"):
        polyfmt.detect(tmp_path / "absent")
    with pytest.raises(polyfmt.PolyfmtIOError):
        polyfmt.detect(tmp_path)  # a directory


def test_detect_reads_only_the_first_bytes() -> None:
    assert polyfmt.detect(b"MEM8") == "mem8"
    assert polyfmt.detect(b"MMX\0") == "mmx"
    assert polyfmt.detect(bytearray(b"MEM8") + bytearray(1 << 20)) == "mem8"


# ---- the base class's behaviours, every format -----------------------------------------


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_context_manager_closes(cls: Type[polyfmt.File]) -> None:
    with cls.create() as f:
        h = f.handle
        assert not f.closed
    assert f.closed
    assert _lib.lib().pf_close(h) == errors.BadHandleError.code


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_double_close_and_use_after_close(cls: Type[polyfmt.File]) -> None:
    f = polyfmt.open(image(cls))
    f.close()
    f.close()  # a no-op from Python's side
    assert f.closed and "closed" in repr(f) and cls.__module__ in repr(f)
    for use in (lambda: f.info, f.verify, f.refresh, f.to_bytes, lambda: f.recovery):
        with pytest.raises(polyfmt.BadHandleError) as ei:
            use()
        assert ei.value.code_name == "PF_EBADHANDLE" and isinstance(ei.value, ValueError)


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_close_of_a_handle_closed_underneath_is_bad_handle(cls: Type[polyfmt.File]) -> None:
    f = cls.create()
    assert _lib.lib().pf_close(f.handle) == 0  # behind the object's back
    with pytest.raises(polyfmt.BadHandleError):
        f.close()
    assert f.closed
    f.close()


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_finalizer_closes_and_releases_the_lock(cls: Type[polyfmt.File], tmp_path: Path) -> None:
    p = tmp_path / "fin"
    f = cls.create(p)
    h = f.handle
    del f
    gc.collect()
    assert _lib.lib().pf_close(h) == errors.BadHandleError.code
    with polyfmt.open(p, writable=True) as g:
        assert type(g) is cls


@pytest.mark.parametrize("cls", CLASSES, ids=_ids(CLASSES))
def test_info_recovery_and_to_bytes_on_disk(cls: Type[polyfmt.File], tmp_path: Path) -> None:
    p = make(cls, tmp_path / "disk")
    with polyfmt.open(p) as f:
        assert f.recovery["clean"] is True and f.recovery == f.info["recovery"]
        with pytest.raises(polyfmt.BadArgumentError):
            f.to_bytes()  # a file on disk has no image to hand out


# ---- the tables, from the generated ones --------------------------------------------------


def test_tables_are_the_generated_ones() -> None:
    assert errors.CODE_NAMES == {v: k for k, v in _generated.CODES.items()}
    for name, code in _generated.CODES.items():
        if code:
            cls = type(errors.error_for(code))
            assert (cls.code, cls.code_name) == (code, name), "every status code has its exception class"
    assert mmx.DTYPES == tuple(n for n, _ in _generated.DTYPES)
    assert polyfmt.__version__ == _generated.VERSION
    assert polyfmt.version() == _generated.VERSION  # the loaded library is the one generated against
