"""polyfmt.mmx: numpy round trips, zero-copy views and their lifetime,
transactions, compaction, row reads, locking, options and errors."""

from __future__ import annotations

import ctypes
import gc
import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import pytest
from conftest import REPO_ROOT

import polyfmt
from polyfmt import _generated, _lib, mmx

MMX_VECTORS = REPO_ROOT / "core" / "testdata" / "mmx"
CODECS = [None, "lz4", "zlib", "zstd"]
SHAPES: List[Tuple[int, ...]] = [(), (0,), (3, 0, 2), (7,), (2, 3, 4), (1, 1, 1, 5)]
PLAIN_DTYPES = [d for d in mmx.DTYPES if d != "bfloat16"]
GOLDEN_U16 = [[2049, 5647, 9245], [12843, 16441, 20039]]  # all_types' 2-byte dtypes, as uint16
FRAME = (np.arange(12, dtype=np.float32) * 0.5).reshape(4, 3)  # all_types' frames/*


def sample(dtype: str, shape: Tuple[int, ...], seed: int = 1) -> np.ndarray:
    """Deterministic values that use the whole range of the dtype."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        a = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    elif dt.kind == "f":
        a = (rng.standard_normal(n) * 1000).astype(dt)
    else:
        a = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    return a.reshape(shape)


def address(a: np.ndarray) -> int:
    addr: int = a.__array_interface__["data"][0]
    return addr


@pytest.fixture()
def all_types(tmp_path: Path) -> Path:
    p = tmp_path / "all_types.mmx"
    shutil.copyfile(MMX_VECTORS / "all_types.mmx", p)
    return p


# ---- round trips -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", PLAIN_DTYPES)
def test_round_trip_every_dtype_shape_and_codec(dtype: str) -> None:
    want: Dict[str, np.ndarray] = {}
    for si, shape in enumerate(SHAPES):
        for codec in CODECS:
            want[f"{dtype}/{si}/{codec}"] = sample(dtype, shape, seed=si)
    # Empty raw chunks are written last: a 0-byte chunk sharing its offset with
    # the next chunk makes the reader's overlap check fail at random (a core bug,
    # reported; core/mmx/directory.go sorts spans by offset only).
    order = sorted(want, key=lambda n: want[n].nbytes == 0 and n.endswith("/None"))
    with mmx.File.create(creator="rt") as f:
        for name in order:
            f.write_tensor(name, want[name], compression=name.rsplit("/", 1)[1])
        f.commit()
        image = f.to_bytes()
        for name, w in want.items():  # the writer reads its own file (copies)
            got = f[name]
            assert got.dtype == np.dtype(dtype) and got.shape == w.shape
            assert np.array_equal(got, w, equal_nan=w.dtype.kind in "fc")
            assert got.flags.writeable
    with mmx.File.from_bytes(image) as g:
        for name, w in want.items():
            e = g.entry(name)
            assert e.dtype == dtype and e.shape == w.shape
            codec = name.rsplit("/", 1)[1]
            assert e.compression == {"None": "None", "lz4": "Lz4", "zlib": "Zlib", "zstd": "Zstd"}[codec]
            c = g.read_chunk(name)
            got = c.arrays["data"]
            assert got.dtype == np.dtype(dtype) and got.shape == w.shape
            assert got.tobytes() == w.astype(w.dtype.newbyteorder("<")).tobytes()
            assert c.borrowed is (codec == "None" and w.nbytes > 0)
            del c, got
        g.verify()


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(24, dtype=np.float64).reshape(4, 6).T,  # transposed
        lambda: np.arange(60, dtype=np.int32).reshape(6, 10)[::2, 1::3],  # strided
        lambda: np.asfortranarray(np.arange(12, dtype=np.uint16).reshape(3, 4)),
        lambda: np.arange(12, dtype=">f4").reshape(3, 4),  # big-endian
        lambda: np.arange(12, dtype=">c16").reshape(2, 6)[:, ::-1],  # big-endian, reversed
        lambda: np.arange(10, dtype=">i8")[::3],
        lambda: [[1, 2], [3, 4]],  # not an array at all
    ],
)
def test_round_trip_non_contiguous_and_big_endian(make: Any) -> None:
    src = make()
    expect = np.asarray(src)
    with mmx.File.create() as f:
        for codec in CODECS:
            f.write_tensor(f"x/{codec}", src, compression=codec)
        f.commit()
        with mmx.File.from_bytes(f.to_bytes()) as g:
            for codec in CODECS:
                got = g[f"x/{codec}"]
                assert got.dtype == expect.dtype.newbyteorder("=") and got.dtype.byteorder in "=|<"
                assert got.shape == expect.shape
                assert np.array_equal(got, expect)
                assert got.flags.c_contiguous
                del got
    assert np.array_equal(np.asarray(src), expect)  # the input is untouched


class WriteSpy:
    """Stands in for the loaded library and records the data pointer given to pf_mmx_write."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.writes: List[Tuple[int, int]] = []

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.real, name)
        if name != "pf_mmx_write":
            return fn

        def call(*args: Any) -> Any:
            self.writes.append((args[5] or 0, args[6]))
            return fn(*args)

        return call


def test_write_passes_the_arrays_own_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = WriteSpy(_lib.lib())
    monkeypatch.setattr(_lib, "lib", lambda: spy)
    a = np.arange(1000, dtype=np.float32).reshape(10, 100)
    view = a[2:5]  # C-contiguous slice: its own pointer, no copy either
    big = np.arange(6, dtype=">i4")
    with mmx.File.create() as f:
        f.write_tensor("a", a)
        f.write_tensor("v", view)
        f.write_tensor("big", big)  # must be converted: another buffer
        f.write_text("t", "no data")
        f.commit()
        assert spy.writes[0] == (a.ctypes.data, a.nbytes)
        assert spy.writes[1] == (view.ctypes.data, view.nbytes)
        assert spy.writes[2][0] != big.ctypes.data and spy.writes[2][1] == 24
        assert spy.writes[3] == (0, 0)
        assert np.array_equal(f["big"], big)


def test_bfloat16_as_raw_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmx, "_bfloat16", lambda: None)  # as without ml_dtypes
    bits = np.array([[0x3F80, 0x4000, 0xBF80], [0x0000, 0x7F80, 0x3FC0]], dtype=np.uint16)  # 1, 2, -1, 0, inf, 1.5
    with mmx.File.create() as f:
        f.write_tensor("bf", bits, dtype="bfloat16")
        f.write_tensor("bf/z", bits[:, ::-1], dtype="bfloat16", compression="zstd")
        f.commit()
        assert f.entry("bf").dtype == "bfloat16" == f.entry("bf/z").dtype
        assert f.read_chunk("bf").dtypes == {"data": "bfloat16"}
        got = f["bf"]
        assert got.dtype == np.uint16 and np.array_equal(got, bits)
        assert np.array_equal(f["bf/z"], bits[:, ::-1])
        with pytest.raises(polyfmt.BadArgumentError, match="ml_dtypes"):
            f.write_tensor("bf/f", np.ones(3, np.float32), dtype="bfloat16")
    # the golden vector's 2-byte chunks all hold the bytes 01 08 0f 16 1d 24 2b 32 39 40 47 4e
    with mmx.File.open(MMX_VECTORS / "all_types.mmx") as g:
        raw = g["dtypes/bfloat16"]
        assert raw.dtype == np.uint16 and raw.tolist() == GOLDEN_U16
        del raw  # a view of the file: it must go before the file closes


def test_bfloat16_with_ml_dtypes_when_installed() -> None:
    bf = mmx._bfloat16()
    with mmx.File.open(MMX_VECTORS / "all_types.mmx") as g:
        got = g["dtypes/bfloat16"].copy()
    if bf is None:  # ml_dtypes is optional: raw bits then
        assert got.dtype == np.uint16 and got.tolist() == GOLDEN_U16
        return
    assert got.dtype == bf and got.dtype.name == "bfloat16"
    assert got.view(np.uint16).tolist() == GOLDEN_U16
    values = np.array([[1.5, -2.0], [0.25, 3.0]], dtype=bf)
    with mmx.File.create() as f:
        f.write_tensor("a", values)  # dtype named bfloat16
        f.write_tensor("b", values.astype(np.float32), dtype="bfloat16", compression="lz4")  # converted
        f.commit()
        for n in ("a", "b"):
            assert f.entry(n).dtype == "bfloat16"
            r = f[n]
            assert r.dtype == bf and np.array_equal(r.astype(np.float32), values.astype(np.float32))


@pytest.mark.parametrize(
    "bad",
    [
        np.array(["a", "b"]),
        np.array([object()], dtype=object),
        np.zeros(2, dtype="datetime64[s]"),
        np.zeros(2, np.longdouble),
    ],
    ids=["str", "object", "datetime", "longdouble"],
)
def test_unsupported_dtype_is_bad_argument(bad: np.ndarray) -> None:
    with mmx.File.create() as f:
        with pytest.raises(polyfmt.BadArgumentError, match="unsupported dtype"):
            f.write_tensor("x", bad)
        with pytest.raises(polyfmt.BadArgumentError):
            f.write_tensor("x", np.zeros(2), dtype="float8")
        assert len(f) == 0


def test_dtype_conversion_on_write() -> None:
    with mmx.File.create() as f:
        f.write_tensor("h", [0.5, 1.5, -2.0], dtype="float16")
        f.commit()
        assert f.entry("h").dtype == "float16"
        assert f["h"].dtype == np.float16 and f["h"].tolist() == [0.5, 1.5, -2.0]


def test_every_chunk_type_round_trips(tmp_path: Path) -> None:
    p = tmp_path / "types.mmx"
    verts = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
    faces = [[0, 1, 2], [0, 2, 3]]
    normals = np.ones((4, 3), np.float32)
    uvs = np.arange(8, dtype=np.float32).reshape(4, 2)
    ts = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    with mmx.File.create(p, creator="tester", model_uuid="00000000-0000-4000-8000-000000000001") as f:
        f.write_embedding("emb", np.eye(3, dtype=np.float32), "PCA", ["a", "b", "c"], compression="lz4")
        f.write_embedding("emb/plain", np.zeros((2, 4), np.float64))
        f.write_mesh(
            "mesh/full", verts, faces, normals, uvs, {"base": "steel"}, compression="zstd", logical_region="geo"
        )
        f.write_mesh("mesh/bare", verts[:3], [[0, 1, 2]])
        f.write_mesh("mesh/empty", [], [])
        f.write_text("text", "Grüße 🌍", language="de", tokens=np.array([1, 0, 2**32 - 1]), compression="zlib")
        f.write_text("text/bare", "")
        f.write_sequence("seq", ["mesh/full", "emb"], fps=24, duration=2.5, metadata={"cam": "left"})
        f.write_sequence("seq/bare", [])
        f.write_meta("meta", {"k": [1, 2, {"x": None}], "s": "é"}, version=3, timestamp=ts)
        f.write_meta("meta/str", [1, 2], timestamp="2025-06-05T12:34:56.5Z")
        f.write_meta("meta/now", None)
    with mmx.File.open(p) as g:
        assert g.info["header"]["creator"] == "tester"
        assert g.info["header"]["model_uuid"] == "00000000-0000-4000-8000-000000000001"
        assert g.info["header"]["modality_summary"] == {"Embedding": 2, "Mesh": 3, "Text": 2, "Sequence": 2, "Meta": 3}
        e = g["emb"]
        assert isinstance(e, mmx.Embedding) and e.method == "PCA" and e.labels == ["a", "b", "c"]
        assert np.array_equal(e.array, np.eye(3))
        assert g.entry("emb").attributes == {"method": "PCA", "labels": ["a", "b", "c"]}
        ep = g["emb/plain"]
        assert ep.method == "" and ep.labels is None and ep.array.shape == (2, 4) and ep.array.dtype == np.float64
        m = g["mesh/full"]
        assert isinstance(m, mmx.Mesh)
        assert m.vertices.dtype == np.float32 and np.array_equal(m.vertices, verts)
        assert m.faces.dtype == np.uint32 and m.faces.tolist() == faces
        assert m.normals is not None and np.array_equal(m.normals, normals)
        assert m.uvs is not None and np.array_equal(m.uvs, uvs)
        assert m.materials == {"base": "steel"}
        assert g.entry("mesh/full").logical_region == "geo"
        b = g["mesh/bare"]
        assert b.normals is None and b.uvs is None and b.materials is None and b.faces.shape == (1, 3)
        assert b.vertices.flags.writeable is False  # a raw mesh is lent too
        em = g["mesh/empty"]
        assert em.vertices.shape == (0, 3) and em.faces.shape == (0, 3)
        assert g["text"] == mmx.Text("Grüße 🌍", "utf-8", "de", [1, 0, 2**32 - 1])
        assert g["text/bare"] == mmx.Text("", "utf-8", None, None)
        assert g["seq"] == mmx.Sequence(["mesh/full", "emb"], 24.0, 2.5, {"cam": "left"})
        assert g["seq/bare"] == mmx.Sequence([], None, None, {})
        assert g["meta"] == mmx.Meta(3, "2026-01-02T03:04:05Z", {"k": [1, 2, {"x": None}], "s": "é"})
        assert g["meta/str"] == mmx.Meta(1, "2025-06-05T12:34:56.5Z", [1, 2])
        now = g["meta/now"]
        assert now.data is None and now.version == 1 and now.timestamp.startswith(str(datetime.now(timezone.utc).year))
        del e, ep, m, b, em
        g.verify()


def test_write_dispatches_on_the_value_read() -> None:
    with mmx.File.create() as f:
        f.write_embedding("e", np.ones((2, 2), np.float32), "m", ["x", "y"])
        f.write_mesh("m", np.zeros((3, 3)), [[0, 1, 2]], uvs=np.zeros((3, 2)), materials={"a": "b"})
        f.write_text("t", "hello", language="en", tokens=[1])
        f.write_sequence("s", ["t"], fps=1)
        f.write_meta("meta", {"a": 1}, version=2, timestamp="2020-01-01T00:00:00Z")
        f["tensor"] = np.arange(3)
        f.commit()
        with mmx.File.create() as g:
            for name in f:
                g[name] = f[name]  # read() values are write()-able
            g.commit()
            for name in f:
                a, b = f.read_chunk(name), g.read_chunk(name)
                assert a.entry.chunk_type == b.entry.chunk_type and a.value == b.value
                assert {k: v.tobytes() for k, v in a.arrays.items()} == {k: v.tobytes() for k, v in b.arrays.items()}
            with pytest.raises(TypeError):
                g["x"] = {"not": "a chunk"}


def test_write_validation_errors() -> None:
    with mmx.File.create() as f:
        with pytest.raises(polyfmt.BadArgumentError, match="labels"):
            f.write_embedding("e", np.zeros((3, 2)), "x", ["only one"])
        with pytest.raises(polyfmt.BadArgumentError, match="vertex 5"):
            f.write_mesh("m", np.zeros((3, 3)), [[0, 1, 5]])
        with pytest.raises(polyfmt.BadArgumentError):
            f.write_mesh("m", np.zeros((3, 2)), [[0, 1, 2]])  # vertices must be [V, 3]
        with pytest.raises(polyfmt.BadArgumentError, match="out of the range"):
            f.write_mesh("m", np.zeros((3, 3)), [[0, -1, 2]])
        with pytest.raises(polyfmt.BadArgumentError, match="integers"):
            f.write_mesh("m", np.zeros((3, 3)), [[0.0, 1.5, 2.0]])
        with pytest.raises(polyfmt.BadArgumentError, match="timestamp"):
            f.write_meta("meta", 1, timestamp="yesterday")
        with pytest.raises(polyfmt.BadArgumentError, match="timestamp"):
            f.write_meta("meta", 1, timestamp=datetime(2020, 1, 1))  # naive: no offset
        with pytest.raises(polyfmt.BadArgumentError):
            f.write_meta("meta", float("nan"))  # not JSON
        with pytest.raises(polyfmt.BadArgumentError, match="name"):
            f.write_tensor("", np.zeros(1))
        with pytest.raises(polyfmt.BadArgumentError, match="alignment"):
            f.write_tensor("a", np.zeros(1), alignment=3)
        with pytest.raises(polyfmt.BadArgumentError, match="brotli"):
            f.write_tensor("a", np.zeros(1), compression="brotli")
        with pytest.raises(TypeError):
            f.write_tensor("a", np.zeros(1), shape=[2])  # the wrapper's own keys
        assert len(f) == 0 and f.info["pending"] is False


def test_alignment_and_level_are_applied() -> None:
    with mmx.File.create() as f:
        f.write_tensor("a", np.zeros(10), alignment=4096)
        f.write_tensor("z", np.zeros(10000), compression="zstd", level=19)
        f.write_tensor("Z", np.zeros(10000), compression="Zlib")  # the directory's spelling works too
        f.commit()
        a = f.entry("a")
        assert a.alignment == 4096 and a.offset % 4096 == 0
        assert f.entry("z").compression == "Zstd" and f.entry("z").size < 1000
        assert f.entry("Z").compression == "Zlib"


# ---- zero copy ----------------------------------------------------------------------


def test_zero_copy_views_of_a_mapped_file(all_types: Path) -> None:
    with mmx.File.open(all_types) as f:
        c1, c2 = f.read_chunk("frames/None"), f.read_chunk("frames/None")
        a1, a2 = c1.arrays["data"], c2.arrays["data"]
        assert c1.borrowed and c2.borrowed
        assert np.shares_memory(a1, a2) and address(a1) == address(a2)
        # two raw chunks lie in one mapping, as far apart as in the file
        i8 = f["dtypes/int8"]
        assert address(i8) - address(a1) == f.entry("dtypes/int8").offset - f.entry("frames/None").offset
        # the bytes are the file's own bytes
        raw = all_types.read_bytes()
        off = f.entry("frames/None").offset
        assert a1.tobytes() == raw[off : off + 48]
        assert not a1.flags.writeable and not a1.flags.owndata
        with pytest.raises(ValueError):
            a1[0, 0] = 1.0
        # the array keeps its file alive through its base chain
        base: Any = a1
        while isinstance(base, np.ndarray):
            base = base.base
        assert base.keep is f
        # compressed chunks come back in a buffer of their own, writable
        z = f.read_chunk("frames/Zstd")
        assert not z.borrowed and z.arrays["data"].flags.writeable
        assert not np.shares_memory(z.arrays["data"], a1)
        assert np.array_equal(z.arrays["data"], a1)
        # rows of a raw chunk are views too
        r = f.read_rows("frames/None", 1, 3)
        assert not r.flags.writeable and address(r) == address(a1) + 12
        del c1, c2, a1, a2, i8, r, base


def test_zero_copy_from_bytes_and_copies_when_writable(all_types: Path) -> None:
    data = all_types.read_bytes()
    with mmx.File.from_bytes(data) as f:
        c = f.read_chunk("dtypes/float64")
        assert c.borrowed and not c.arrays["data"].flags.writeable
        assert np.shares_memory(c.arrays["data"], f["dtypes/float64"])
        del c
    for w in (mmx.File.from_bytes(bytearray(data), writable=True), mmx.File.open(all_types, writable=True)):
        with w:
            c = w.read_chunk("frames/None")
            assert not c.borrowed and c.arrays["data"].flags.writeable
            c.arrays["data"][0, 0] = 99  # a private copy
            assert np.array_equal(w["frames/None"], FRAME)
    with mmx.File.open(all_types) as f:
        assert np.array_equal(f["frames/None"].copy(), FRAME)  # the file is untouched


def test_close_with_live_views_raises_buffer_error(all_types: Path) -> None:
    f = mmx.File.open(all_types)
    h = f.handle
    a = f["frames/None"]
    m = f["meshes/bare"]  # a raw mesh: its vertices lie in the mapping (its faces are empty)
    s = a[1:]  # a view of a view
    del a
    with pytest.raises(BufferError, match="2 arrays") as ei:
        f.close()
    assert "still alive" in str(ei.value)
    assert not f.closed
    assert np.array_equal(s, FRAME[1:])  # still readable
    assert f["docs/readme"].content == "héllo wörld"  # and the file still usable
    del m
    with pytest.raises(BufferError, match="1 array "):
        f.close()
    del s
    f.close()
    assert f.closed
    assert _lib.lib().pf_close(h) == 22
    f.close()  # again: a no-op


def test_close_ignores_copies_and_owned_buffers(all_types: Path) -> None:
    with mmx.File.open(all_types) as f:
        copy = f["frames/None"].copy()
        z = f["frames/Zstd"]  # the library's buffer, not the mapping
        e = f["emb/pca"]
    assert f.closed
    assert np.array_equal(copy, z) and e.array.shape == (2, 3)
    z[0, 0] = 7.0  # still valid memory after the close
    assert z[0, 0] == 7.0


def test_context_manager_with_escaping_view(all_types: Path) -> None:
    with pytest.raises(BufferError):
        with mmx.File.open(all_types) as f:
            kept = f["frames/None"]
    assert not f.closed
    del kept
    f.close()


def test_exception_in_with_block_is_not_hidden_by_live_views(all_types: Path) -> None:
    with pytest.raises(KeyError, match="boom"):
        with mmx.File.open(all_types) as f:
            kept = f["frames/None"]
            raise KeyError("boom")
    assert not f.closed  # left open for the view ...
    assert np.array_equal(kept, FRAME)
    del kept
    f.close()  # ... and closable once it is gone
    assert f.closed


def test_array_keeps_an_unreferenced_file_open(all_types: Path) -> None:
    arr = mmx.File.open(all_types)["frames/None"]  # the File itself is not kept
    gc.collect()
    assert np.array_equal(arr, FRAME)
    f = arr.base
    while isinstance(f, np.ndarray):
        f = f.base
    h = f.keep.handle
    del arr, f
    gc.collect()
    assert _lib.lib().pf_close(h) == 22  # the finalizer closed it once the array was gone


def test_refresh_with_live_views_raises_buffer_error(tmp_path: Path) -> None:
    p = tmp_path / "r.mmx"
    with mmx.File.create(p) as w:
        w.write_tensor("a", np.arange(4.0))
    r = mmx.File.open(p)
    a = r["a"]
    with mmx.File.open(p, writable=True) as w:
        w.write_tensor("b", np.arange(3))
    with pytest.raises(BufferError):
        r.refresh()  # the new mapping would pull the old one from under a
    assert np.array_equal(a, np.arange(4.0))
    del a
    assert r.refresh() == 3
    assert r.keys() == ["a", "b"]
    r.close()


def test_concurrent_reads_and_close(all_types: Path) -> None:
    f = mmx.File.open(all_types)
    errors: List[BaseException] = []
    want = f["frames/None"].copy()

    def reader() -> None:
        try:
            for _ in range(200):
                for n in ("frames/None", "frames/Lz4", "meshes/tetra", "docs/readme"):
                    v = f[n]
                    if n.startswith("frames"):
                        assert np.array_equal(v, want)
                    del v
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    f.close()


def test_close_races_with_readers_safely(all_types: Path) -> None:
    f = mmx.File.open(all_types)
    stop = threading.Event()
    seen: List[str] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                v = f["frames/None"]
                assert v[3, 2] == 5.5  # the memory is still mapped while v lives
                del v
        except polyfmt.BadHandleError:
            seen.append("closed")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    refused = 0
    while True:  # each try either closes or leaves the file open and intact
        try:
            f.close()
            break
        except BufferError:
            refused += 1
            if refused == 50:
                stop.set()  # let the readers drop their views
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert f.closed and len(seen) <= 4


# ---- buffers are freed ------------------------------------------------------------


class ReadSpy:
    """Records the data buffers pf_mmx_read(_rows) return, whether lent, and every pf_free."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.owned: List[int] = []
        self.lent: List[int] = []
        self.json: List[int] = []
        self.freed: List[int] = []

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.real, name)

        def call(*args: Any) -> Any:
            rc = fn(*args)
            if name == "pf_free":
                assert rc == 0
                self.freed.append(args[0])
            elif name in ("pf_mmx_list", "pf_mmx_info") and rc == 0:
                self.json.append(args[-2]._obj.value)
            elif name in ("pf_mmx_read", "pf_mmx_read_rows") and rc == 0:
                k = 3 if name == "pf_mmx_read" else 5
                js, data, lent = (args[k + i]._obj.value for i in (0, 2, 4))
                self.json.append(js)
                if data:
                    (self.lent if lent else self.owned).append(data)
            return rc

        return call


def test_returned_buffers_are_freed_and_views_never(monkeypatch: pytest.MonkeyPatch, all_types: Path) -> None:
    spy = ReadSpy(_lib.lib())
    monkeypatch.setattr(_lib, "lib", lambda: spy)
    with mmx.File.open(all_types) as f:
        for _ in range(2):
            values = [f[n] for n in f]
            rows = [f.read_rows("frames/None", 0, 2), f.read_rows("frames/Lz4", 1, 4)]
            del values, rows
        gc.collect()
        with pytest.raises(polyfmt.NotFoundError):
            f.read("missing")
    assert len(spy.lent) == 2 * (19 - 3 + 1 + 1)  # raw tensors, the raw mesh, one raw row read
    assert len(spy.owned) >= 2 * 6
    assert sorted(spy.freed) == sorted(spy.owned + spy.json)
    assert not set(spy.lent) & set(spy.freed)


def test_owned_buffer_lives_as_long_as_any_array_over_it(monkeypatch: pytest.MonkeyPatch, all_types: Path) -> None:
    spy = ReadSpy(_lib.lib())
    monkeypatch.setattr(_lib, "lib", lambda: spy)
    with mmx.File.open(all_types) as f:
        m = f["meshes/tetra"]  # zstd: four arrays in one library buffer
    buf = spy.owned[-1]
    verts, faces = m.vertices, m.faces
    del m
    gc.collect()
    assert buf not in spy.freed
    del verts
    gc.collect()
    assert buf not in spy.freed
    assert faces.tolist() == [[0, 1, 2], [0, 2, 3]]
    del faces
    gc.collect()
    assert buf in spy.freed


# ---- transactions, deletes, compaction ------------------------------------------


def test_transactions(tmp_path: Path) -> None:
    p = tmp_path / "tx.mmx"
    w = mmx.File.create(p)
    assert w.generation == 1
    r = mmx.File.open(p)
    w.write_tensor("a", np.arange(3))
    assert "a" in w and w.info["pending"] is True  # the writer sees its own write
    w.rollback()
    assert "a" not in w and len(w) == 0 and w.info["pending"] is False
    w.write_tensor("a", np.arange(3))
    w.write_text("t", "x")
    assert r.refresh() == 1 and "a" not in r  # nothing committed yet
    w.commit()
    assert w.generation == 2
    assert "a" not in r  # a reader keeps the commit it opened ...
    assert r.refresh() == 2  # ... until it refreshes
    assert r.keys() == ["a", "t"] and np.array_equal(r["a"], np.arange(3))
    with mmx.File.open(p) as r2:  # a new reader sees it at once
        assert r2.generation == 2 and np.array_equal(r2["a"], np.arange(3))
    r.close()
    w.close()


def test_close_commits_pending_writes(tmp_path: Path) -> None:
    p = tmp_path / "c.mmx"
    with mmx.File.create(p) as w:
        w.write_tensor("a", np.ones(2))
    with mmx.File.open(p) as r:
        assert r.keys() == ["a"] and r.generation == 2


def test_delete_and_overwrite(tmp_path: Path) -> None:
    p = tmp_path / "d.mmx"
    with mmx.File.create(p) as f:
        f.write_tensor("a", np.arange(3))
        f.write_tensor("b", np.arange(4))
        f.commit()
        f.write_tensor("a", np.arange(10.0), compression="lz4")  # overwrite
        f.delete("b")
        assert f.keys() == ["a"]
        f.commit()
        assert np.array_equal(f["a"], np.arange(10.0))
        with pytest.raises(polyfmt.NotFoundError):
            f.delete("b")
        with pytest.raises(KeyError):
            del f["b"]
        with pytest.raises(KeyError):
            f["b"]
        with pytest.raises(polyfmt.NotFoundError):
            f.read("b")
        f["b"] = np.zeros(1)
        del f["b"]
        f.rollback()
        assert f.keys() == ["a"]
    with mmx.File.open(p) as r:
        assert r.keys() == ["a"] and r["a"].dtype == np.float64 and r.entry("a").compression == "Lz4"


def test_compact_shrinks_the_file(tmp_path: Path) -> None:
    p = tmp_path / "big.mmx"
    with mmx.File.create(p, no_sync=True) as f:
        for i in range(5):
            f.write_tensor("big", np.full((256, 256), i, np.float32))
            f.write_text("t", f"version {i}")
            f.commit()
        f.write_tensor("tmp", np.ones(10000))
        f.commit()
        f.delete("tmp")
        f.write_tensor("late", np.arange(5))  # pending: compact commits it
        before = p.stat().st_size
        assert f.info["dead_bytes"] > 4 * 256 * 256 * 4
        f.compact()
        after = p.stat().st_size
        assert after < before - 4 * 256 * 256 * 4
        assert f.info["dead_bytes"] < 1024 and f.info["pending"] is False
        assert f.keys() == ["big", "late", "t"]
        f.verify()
    with mmx.File.open(p) as r:
        assert p.stat().st_size == after
        assert np.array_equal(r["big"], np.full((256, 256), 4, np.float32))
        assert r["t"].content == "version 4" and np.array_equal(r["late"], np.arange(5))
        r.verify()


# ---- rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", CODECS)
def test_rows(codec: str) -> None:
    data = np.arange(10 * 3 * 2, dtype=np.int32).reshape(10, 3, 2)
    with mmx.File.create() as f:
        f.write_tensor("t", data, compression=codec)
        f.write_embedding("e", data[:, :, 0].astype(np.float32), "m", [str(i) for i in range(10)], compression=codec)
        f.write_text("text", "no rows")
        f.write_tensor("scalar", np.float64(1))
        f.commit()
        image = f.to_bytes()
    with mmx.File.from_bytes(image) as g:
        assert np.array_equal(g.read_rows("t", 2, 5), data[2:5])
        assert np.array_equal(g.rows("t", 0, 10), data)
        assert g.read_rows("t", 4, 4).shape == (0, 3, 2)
        assert np.array_equal(g.read_rows("e", 7, 9), data[7:9, :, 0])
        t = g.tensor("t")
        assert len(t) == 10 and t.shape == (10, 3, 2) and t.dtype == np.int32
        for key in (
            slice(1, 4),
            slice(None),
            slice(-3, None),
            slice(8, 2),
            slice(None, None, 3),
            slice(9, 0, -2),
            slice(-100, 100),
        ):
            assert np.array_equal(t[key], data[key]), key
        assert np.array_equal(t[3], data[3]) and np.array_equal(t[-1], data[-1])
        assert np.array_equal(t[2:6, 1], data[2:6, 1]) and np.array_equal(t[4, 2, 1], data[4, 2, 1])
        assert np.array_equal(np.asarray(t), data) and np.array_equal(t.read(), data)
        with pytest.raises(IndexError):
            t[10]
        with pytest.raises(IndexError):
            t[-11]
        with pytest.raises(polyfmt.BadArgumentError):
            g.read_rows("t", 3, 11)
        with pytest.raises(polyfmt.BadArgumentError):
            g.read_rows("t", 5, 4)
        with pytest.raises(polyfmt.BadArgumentError):
            g.read_rows("t", -1, 4)
        with pytest.raises(polyfmt.BadArgumentError):
            g.read_rows("text", 0, 1)
        with pytest.raises(polyfmt.BadArgumentError):
            g.tensor("text")
        with pytest.raises(polyfmt.BadArgumentError):
            g.tensor("scalar")
        with pytest.raises(polyfmt.NotFoundError):
            g.tensor("missing")
        if codec is None:
            rows = g.read_rows("t", 2, 5)
            assert not rows.flags.writeable and np.shares_memory(rows, g["t"])
            del rows


def test_rows_of_raw_chunk_skip_the_checksum(tmp_path: Path) -> None:
    # rows of a raw chunk are read without its whole-chunk checksum
    p = tmp_path / "flip.mmx"
    with mmx.File.create(p) as f:
        f.write_tensor("t", np.zeros((4, 4), np.uint8))
    with mmx.File.open(p) as r:
        off = r.entry("t").offset
    raw = bytearray(p.read_bytes())
    raw[off + 15] = 1  # last byte of row 3
    p.write_bytes(bytes(raw))
    with mmx.File.open(p) as r:
        assert r.read_rows("t", 0, 3).sum() == 0
        with pytest.raises(polyfmt.ChecksumError):
            r["t"]
        with pytest.raises(polyfmt.ChecksumError):
            r.verify()
    with mmx.File.open(p, verify="never") as r:
        assert r["t"][3, 3] == 1
    with pytest.raises(polyfmt.ChecksumError):
        mmx.File.open(p, verify="on_open")


# ---- options, locking, errors ------------------------------------------------------


def test_second_writer_is_locked(tmp_path: Path) -> None:
    p = tmp_path / "lock.mmx"
    with mmx.File.create(p):
        with pytest.raises(polyfmt.LockedError) as ei:
            mmx.File.open(p, writable=True)
        assert ei.value.code_name == "PF_ELOCKED" and ei.value.message
        with mmx.File.open(p) as r:  # readers take no lock
            assert r.generation == 1
    with mmx.File.open(p, writable=True) as w2:  # released at close
        w2.write_text("t", "x")


def test_finalizer_closes_and_releases_the_lock(tmp_path: Path) -> None:
    p = tmp_path / "fin.mmx"
    f = mmx.File.create(p)
    h = f.handle
    f.write_tensor("a", np.arange(2))
    del f
    gc.collect()
    assert _lib.lib().pf_close(h) == 22
    with mmx.File.open(p, writable=True) as g:  # the lock is free, the write committed
        assert g.keys() == ["a"]


def test_unknown_options_are_bad_arguments(all_types: Path) -> None:
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        mmx.File.create(options={"bogus": 1})
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        mmx.File.open(all_types, options={"bogus": 1})
    with pytest.raises(polyfmt.BadArgumentError, match="verify"):
        mmx.File.open(all_types, verify="sometimes")
    with pytest.raises(polyfmt.BadArgumentError, match="creator"):
        mmx.File.open(all_types, options={"creator": "x"})  # create options do not apply to open
    with mmx.File.create() as f:
        with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
            f.write_tensor("a", np.zeros(1), bogus=True)
        with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
            f.write_text("a", "x", bogus=True)
        assert len(f) == 0


def test_limits(all_types: Path) -> None:
    with pytest.raises(polyfmt.LimitError):
        mmx.File.open(all_types, max_chunk_bytes=8)
    with pytest.raises(polyfmt.LimitError):
        mmx.File.open(all_types, max_chunks=3)
    with mmx.File.open(all_types, max_chunks=25, max_chunk_bytes=1 << 20) as f:
        assert len(f) == 25


@pytest.mark.parametrize(
    "vector",
    ["morphnet/entry_count_huge.mmx", "morphnet/dir_len_too_big.mmx", "morphnet/header_json_too_long.mmx", "short.mmx"],
)
def test_malformed_files_claiming_huge_sizes_fail_cleanly(vector: str, tmp_path: Path) -> None:
    data = (MMX_VECTORS / vector).read_bytes()
    openers: List[Callable[[], mmx.File]] = [
        lambda: mmx.File.open(MMX_VECTORS / vector),
        lambda: mmx.File.from_bytes(data),
    ]
    for open_ in openers:
        with pytest.raises(polyfmt.FormatError) as ei:
            open_()
        assert ei.value.message
    # a header that claims a 1 GiB directory in a 4 KiB file
    raw = bytearray((MMX_VECTORS / "morphnet" / "empty.mmx").read_bytes())
    raw[-8:] = (1 << 30).to_bytes(8, "little")
    with pytest.raises(polyfmt.FormatError):
        mmx.File.from_bytes(bytes(raw))
    assert polyfmt.version() == "0.1.0"  # the library is fine


def test_morphnet_files_open_read_only() -> None:
    with pytest.raises(polyfmt.UnsupportedError):
        mmx.File.open(MMX_VECTORS / "morphnet" / "mixed.mmx", writable=True)
    with mmx.File.open(MMX_VECTORS / "morphnet" / "mixed.mmx") as f:
        with pytest.raises(polyfmt.BadArgumentError):
            f.write_text("x", "y")
        with pytest.raises(polyfmt.BadArgumentError):
            f.tensor("a")  # MorphNet entries have no shape to slice


def test_read_only_file_refuses_writes(all_types: Path) -> None:
    with mmx.File.open(all_types) as f:
        ops: List[Callable[[], None]] = [
            lambda: f.write_tensor("x", np.zeros(1)),
            lambda: f.delete("docs/readme"),
            f.commit,
            f.rollback,
            f.compact,
        ]
        for op in ops:
            with pytest.raises(polyfmt.BadArgumentError, match="read-only"):
                op()
        with pytest.raises(polyfmt.BadArgumentError):
            f.to_bytes()  # a file on disk


def test_open_errors(tmp_path: Path) -> None:
    with pytest.raises(polyfmt.NotFoundError):
        mmx.File.open(tmp_path / "missing.mmx")
    with pytest.raises(polyfmt.FormatError):
        mmx.File.from_bytes(b"")
    with pytest.raises(polyfmt.FormatError):
        mmx.File.from_bytes(memoryview(bytes(5000)))  # no magic
    with pytest.raises(polyfmt.UnsupportedError):
        mmx.File.from_bytes(memoryview(b"MMX\0" + bytes(5000)))  # version 0


def test_mapping_interface(all_types: Path) -> None:
    with mmx.File.open(all_types) as f:
        names = f.keys()
        assert len(names) == len(f) == 25 and list(f) == names
        assert "frames/None" in f and "frames" not in f and "frames/Non" not in f and 3 not in f
        frames = f.list("frames/")
        assert [e.name for e in frames] == ["frames/Lz4", "frames/None", "frames/Zlib", "frames/Zstd"]
        e = f.entry("frames/Zstd")
        assert isinstance(e, mmx.Entry) and e == frames[3]
        assert (e.chunk_type, e.dtype, e.shape, e.compression, e.logical_region) == (
            "Tensor",
            "float32",
            (4, 3),
            "Zstd",
            "region_Zstd",
        )
        assert e.uncompressed_size == 48 and len(e.checksum) == 64 and e.alignment == 64
        assert f.list("nothing/") == []
        with pytest.raises(polyfmt.NotFoundError):
            f.entry("frames")
        with pytest.raises(KeyError):
            f["frames"]
        assert f.header["total_chunks"] == 25 and f.recovery["clean"] is True
        assert "all_types.mmx" in repr(f) and f.name.endswith("all_types.mmx")


def test_closed_file_use_is_bad_handle() -> None:
    f = mmx.File.create()
    f.close()
    assert "closed" in repr(f)
    for use in (f.keys, lambda: f["a"], lambda: f.write_text("a", "b"), f.verify, lambda: f.info, f.commit, f.refresh):
        with pytest.raises(polyfmt.BadHandleError):
            use()


def test_writable_from_bytes_and_to_bytes(all_types: Path) -> None:
    data = all_types.read_bytes()
    with mmx.File.from_bytes(data, writable=True) as f:
        f.write_text("new", "text")
        f.delete("frames/Zstd")
        f.commit()
        image = f.to_bytes()
    with mmx.File.from_bytes(image) as g:
        assert g.generation == 3 and "new" in g and "frames/Zstd" not in g and len(g) == 25
        g.verify()
        assert g.info["header"]["file_id"] == "baf0db68-7ae2-4fd7-8991-01cce14b9d7b"
    with mmx.File.from_bytes(np.frombuffer(data, np.uint8)) as h:  # any buffer, read in place
        assert len(h) == 25


def test_raw_ctypes_address_lies_inside_the_image(all_types: Path) -> None:
    data = all_types.read_bytes()
    with mmx.File.from_bytes(data) as f:
        a = f["dtypes/int64"]
        off = f.entry("dtypes/int64").offset
        # the library's copy of the image: the bytes before the array are the file's too
        start = address(a) - off
        assert ctypes.string_at(start, 4) == b"MMX\x00"
        assert ctypes.string_at(start, len(data)) == data
        del a


def test_max_ratio_bounds_expansion_and_can_be_raised(tmp_path):
    # 4 MiB of zeros under zstd expands thousands of times: over the default
    # ratio limit, readable once the caller raises it for a file it trusts.
    from polyfmt.errors import LimitError

    path = tmp_path / "zeros.mmx"
    zeros = np.zeros(1 << 20, dtype=np.float32)
    with mmx.File.create(path) as f:
        f.write_tensor("z", zeros, compression="zstd")
        f.commit()
    with mmx.File.open(path) as f:
        with pytest.raises(LimitError, match="MaxRatio"):
            f.read("z")
    with mmx.File.open(path, max_ratio=1 << 20) as f:
        np.testing.assert_array_equal(f.read("z"), zeros)
    with pytest.raises(polyfmt.errors.BadArgumentError):
        mmx.File.open(path, max_ratio=-1)


@pytest.mark.parametrize("compression", CODECS)
def test_read_into_a_callers_array(tmp_path: Path, compression: Any) -> None:
    big = (np.arange(1 << 20, dtype=np.float32) % 4096).reshape(1024, 1024)  # 4 MiB: hashed beside the decode
    small = sample("int16", (2, 3, 4))
    path = tmp_path / "into.mmx"
    with mmx.File.create(path, no_sync=True) as f:
        f.write_tensor("big", big, compression=compression)
        f.write_tensor("small", small, compression=compression)
        f.write_tensor("empty", np.zeros((0, 3), np.float32), compression=compression)
        f.write_embedding("emb", big[:2], method="pca", compression=compression)
        f.write_text("text", "hi", compression=compression)
    for opts in ({}, {"writable": True}, {"verify": "never"}):
        with mmx.File.open(path, **opts) as f:  # type: ignore[arg-type]
            out = np.full((1024, 1024), -1, np.float32)
            assert f.read_into("big", out) is out
            np.testing.assert_array_equal(out, big)
            out16 = np.empty((2, 3, 4), np.int16)
            np.testing.assert_array_equal(f.read_into("small", out16), small)
            np.testing.assert_array_equal(f.read_into("emb", out[:2]), big[:2])  # a C-contiguous view works
            assert f.read_into("empty", np.empty((0, 3), np.float32)).shape == (0, 3)
            with pytest.raises(TypeError, match="float32"):
                f.read_into("big", np.empty((1024, 1024), np.float64))
            with pytest.raises(TypeError, match="float32"):
                f.read_into("big", np.empty((1024, 1024), ">f4"))
            with pytest.raises(ValueError, match="shape"):
                f.read_into("big", np.empty((1024, 1023), np.float32))  # too small
            with pytest.raises(ValueError, match="shape"):
                f.read_into("big", np.empty(1 << 20, np.float32))
            with pytest.raises(ValueError, match="C-contiguous"):
                f.read_into("small", np.empty((4, 3, 2), np.int16).transpose(2, 1, 0))
            ro = np.empty((2, 3, 4), np.int16)
            ro.flags.writeable = False
            with pytest.raises(ValueError, match="read-only"):
                f.read_into("small", ro)
            with pytest.raises(TypeError, match="ndarray"):
                f.read_into("small", bytearray(48))  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="Text"):
                f.read_into("text", np.empty(2, np.uint8))
            with pytest.raises(polyfmt.errors.NotFoundError):
                f.read_into("nope", out)


def test_read_into_too_small_through_the_abi(tmp_path: Path) -> None:
    """The library's own size check: PF_ELIMIT and the size needed."""
    with mmx.File.create(None) as f:
        f.write_tensor("t", np.arange(6, dtype=np.float32), compression="lz4")
        f.commit()
        nm = b"t"
        buf = (ctypes.c_uint8 * 23)()
        need = ctypes.c_uint64()
        rc = _lib.lib().pf_mmx_read_into(f.handle, nm, 1, ctypes.addressof(buf), 23, ctypes.byref(need))
        assert rc == _generated.CODES["PF_ELIMIT"]
        assert need.value == 24
        with pytest.raises(polyfmt.errors.LimitError, match="needs a buffer of 24 bytes"):
            f._check(rc)


def test_read_into_a_corrupt_chunk_raises_checksum_error(tmp_path: Path) -> None:
    big = np.arange(1 << 20, dtype=np.float32) % 4096
    with mmx.File.create(None) as f:
        f.write_tensor("z", big, compression="zstd")
        f.commit()
        e = f.entry("z")
        img = bytearray(f.to_bytes())
    img[e.offset + e.size // 2] ^= 0x40
    with mmx.File.from_bytes(bytes(img)) as g:
        out = np.empty_like(big)
        with pytest.raises(polyfmt.errors.ChecksumError):
            g.read_into("z", out)


@pytest.mark.parametrize("checksum", [None, "blake3", "sha256", "crc32c"])
def test_checksum_option(tmp_path: Path, checksum: Any) -> None:
    """New chunks are CRC-32C unless asked for another; the entry says which; all read and verify."""
    import hashlib

    a = np.arange(300_000, dtype=np.float32).reshape(1000, 300)  # 1.2 MB: hashed on every core
    p = tmp_path / "c.mmx"
    with mmx.File.create(p, checksum=checksum, no_sync=True) as f:
        f.write_tensor("a", a)
    with mmx.File.open(p) as f:
        e = f.entry("a")
        assert e.checksum_algorithm == (checksum or "crc32c")
        if e.checksum_algorithm == "sha256":
            assert e.checksum == hashlib.sha256(a.tobytes()).hexdigest()
        assert len(e.checksum) == (8 if checksum in (None, "crc32c") else 64)
        np.testing.assert_array_equal(f["a"], a)
        f.verify()
    # A writable reopen of a SHA-256 file writes its new chunks with the option given there.
    with mmx.File.open(p, writable=True, checksum="sha256" if checksum != "sha256" else "blake3") as f:
        f.write_tensor("b", a[:2])
    with mmx.File.open(p) as f:
        assert f.entry("b").checksum_algorithm != f.entry("a").checksum_algorithm
        np.testing.assert_array_equal(f["b"], a[:2])
        f.verify()


def test_checksum_option_errors() -> None:
    with pytest.raises(polyfmt.errors.BadArgumentError, match="checksum"):
        mmx.File.create(checksum="md5")
    with pytest.raises(polyfmt.errors.UnsupportedError):
        mmx.File.open(MMX_VECTORS / "unknown_checksum_algorithm.mmx")
