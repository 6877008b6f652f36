"""polyfmt.mork: paths, MeTTa text, queries, every container kind, interning, files on disk and errors."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, Callable, Dict, List, Type

import pytest
from conftest import REPO_ROOT

import polyfmt
from polyfmt import _lib, errors, mork

CONTAINERS = REPO_ROOT / "core" / "testdata" / "mork" / "containers"

SAMPLE = """
; a small graph, a rule and a record
(edge a b) (edge b c) (edge c a)
(foo $x (bar $x))
(person (name "Ada Lovelace") (born 1815))
"""

PRINTED = [  # SAMPLE's paths in byte order, printed
    "(foo $a (bar $a))",
    "(edge a b)",
    "(edge b c)",
    "(edge c a)",
    '(person (name "Ada Lovelace") (born 1815))',
]

PATH_KINDS = ["space", "pathmap1", "paths", "act"]  # the kinds that hold expressions


def sample(kind: str = "space", **opts: Any) -> mork.MorkFile:
    """A writable in-memory file of kind holding SAMPLE."""
    f = mork.create(kind=kind, **opts)
    assert f.import_text(SAMPLE) == 5
    return f


# ---- the class and the registry -----------------------------------------------------------


def test_registered_for_polyfmt_open() -> None:
    assert (mork.MorkFile.format, mork.MorkFile.format_id) == ("mork", 4)
    assert polyfmt.File.class_for(4) is mork.MorkFile is mork.File
    assert polyfmt.mork is mork
    with sample() as f:
        with mork.from_bytes(f.to_bytes()) as committed:
            assert len(committed) == 0  # nothing committed yet
        f.commit()
        data = f.to_bytes()
    assert polyfmt.detect(data) == "mork"
    with polyfmt.open(data) as g:
        assert type(g) is mork.MorkFile and list(g) == PRINTED


@pytest.mark.parametrize("kind", mork.KINDS)
def test_create_every_kind(kind: str) -> None:
    with mork.create(kind=kind) as f:
        assert f.kind == kind == f.info["kind"] and len(f) == 0 and list(f) == [] and f.paths() == []
        data = f.to_bytes()
    with mork.from_bytes(data) as g:
        assert g.kind == kind and len(g) == 0
        g.verify()
    with pytest.raises(polyfmt.BadArgumentError, match="kind must be one of"):
        mork.create(kind="nope")


# ---- paths and values -----------------------------------------------------------------------


def test_paths_text_and_lookups() -> None:
    with sample() as f:
        assert len(f) == 5 and list(f) == PRINTED
        records = f.paths()
        assert [p for p, _ in records] == sorted(p for p, _ in records)  # byte order
        assert [f.print_path(p) for p, _ in records] == PRINTED and all(v == 0 for _, v in records)
        edge = mork.encode("(edge a b)")
        assert edge == bytes.fromhex("03c465646765c161c162") == f.encode("(edge a b)")
        assert f.get(edge) == 0 and f.get("(edge a b)") == 0 and f.get(bytearray(edge)) == 0
        assert edge in f and "(edge a b)" in f and memoryview(edge) in f
        assert f.get("(edge a z)") is None and "(edge a z)" not in f and 42 not in f
        # variables are positional: any names match the stored path
        assert "(foo $y (bar $y))" in f and "(foo $y (bar $z))" not in f
        assert f.remove("(edge a b)") is True and f.remove(edge) is False and len(f) == 4
        f.add(edge)
        assert f.paths(limit=2) == records[:2]


def test_paths_under_a_prefix() -> None:
    with sample() as f:
        edges = f.paths(prefix=bytes.fromhex("03c465646765"))  # "(edge" with three items
        assert [f.print_path(p) for p, _ in edges] == ["(edge a b)", "(edge b c)", "(edge c a)"]
        assert f.paths(prefix=bytes.fromhex("03c465646765"), limit=1) == edges[:1]
        assert f.paths(prefix="(edge b c)") == [(mork.encode("(edge b c)"), 0)]  # text: a whole expression
        assert f.paths(prefix=b"\x3f") == []


def test_values_of_an_act_are_u64() -> None:
    with mork.create(kind="act") as f:
        f.add("(x)", 2**64 - 1)
        f.add("(y)", 7)
        f.add("(y)", 8)  # replaces
        assert f.get("(x)") == 2**64 - 1 and f.get("(y)") == 8
        for bad in (-1, 2**64):
            with pytest.raises(polyfmt.BadArgumentError, match="u64"):
                f.add("(z)", bad)
        with pytest.raises(TypeError):
            f.add("(z)", 1.5)  # type: ignore[arg-type]
        act = f.export("act")
    with mork.from_bytes(act) as g:
        assert g.paths() == [(mork.encode("(x)"), 2**64 - 1), (mork.encode("(y)"), 8)]
        assert g.export() == "(x)\n(y)\n"


def test_import_text_forms_and_values() -> None:
    with mork.create(kind="act") as f:
        assert f.import_text(b"(p 1) ; a comment\n(p 2)", value=5) == 2
        assert f.import_text(memoryview(b"(p 3)"), value=2**64 - 1) == 1
        assert f.import_text("") == 0 and f.import_text("; nothing\n") == 0
        assert f.paths() == [(mork.encode("(p 1)"), 5), (mork.encode("(p 2)"), 5), (mork.encode("(p 3)"), 2**64 - 1)]
        with pytest.raises(polyfmt.BadArgumentError):
            f.import_text("(p 4)", value=-1)


def test_import_keeps_the_expressions_before_an_error() -> None:
    with mork.create() as f:
        with pytest.raises(polyfmt.FormatError) as ei:
            f.import_text("(q 1)\n(q 2)\n(q 3\n")
        assert "line 3, column 1" in ei.value.message and ei.value.code_name == "PF_EFORMAT"
        assert list(f) == ["(q 1)", "(q 2)"]


def test_add_takes_one_expression() -> None:
    with mork.create() as f:
        with pytest.raises(polyfmt.FormatError, match="line 1, column 7: more than one expression"):
            f.add("(x y) (z)")
        with pytest.raises(polyfmt.FormatError, match="no expression"):
            f.add("; only a comment")
        with pytest.raises(polyfmt.BadArgumentError, match="MORK expression"):
            f.add(b"\x02\xc1a")  # two items announced, one given
        assert len(f) == 0


# ---- queries ----------------------------------------------------------------------------------------


def test_query_bindings_and_limit() -> None:
    with sample() as f:
        ms = f.query("(edge $x b)")
        assert ms == [mork.Match("(edge a b)", mork.encode("(edge a b)"), 0, ["a"])] and not ms.truncated
        m = ms[0]
        assert (m.text, m.value, m.bindings) == ("(edge a b)", 0, ["a"]) and isinstance(m, tuple)
        all_edges = f.query("(edge $x $y)")
        assert [m.bindings for m in all_edges] == [["a", "b"], ["b", "c"], ["c", "a"]]
        assert f.query("(foo $x (bar $x))")[0].bindings == ["$a"]  # a variable bound to a variable
        # A binding that holds a variable the path introduced before it keeps its name.
        assert f.query("(foo $x $y)")[0].bindings == ["$a", "(bar $a)"]
        assert f.query("(foo $x (bar $y))")[0].bindings == ["$a", "$a"]
        assert f.query("(person $who (born $y))")[0].bindings == ['(name "Ada Lovelace")', "1815"]
        assert f.query("(edge $x $x)") == [] and f.query("(nothing)") == []
        first = f.query("(edge $x $y)", limit=2)
        assert first == all_edges[:2] and first.truncated
        assert not f.query("(edge $x $y)", limit=3).truncated
        with pytest.raises(polyfmt.FormatError, match="line 1, column 1"):
            f.query("(edge $x")


def test_query_values_come_from_the_file() -> None:
    with mork.create(kind="act") as f:
        f.add("(born Ada)", 1815)
        f.add("(born Alan)", 1912)
        assert [(m.bindings[0], m.value) for m in f.query("(born $who)")] == [("Ada", 1815), ("Alan", 1912)]


# ---- every kind, through export and from_bytes ------------------------------------------------------


@pytest.mark.parametrize("source", PATH_KINDS)
@pytest.mark.parametrize("target", PATH_KINDS)
def test_every_kind_round_trips(source: str, target: str) -> None:
    with sample(source) as f:
        f.commit()
        data = f.export(target)  # type: ignore[call-overload]
        assert isinstance(data, bytes) and polyfmt.detect(data) == "mork"
        text = f.export()
        assert isinstance(text, str) and text == "".join(p + "\n" for p in PRINTED)
        assert f.export("metta") == text
    with mork.from_bytes(data) as g:
        assert g.kind == target and list(g) == PRINTED and len(g) == 5
        g.verify()
        assert g.export(target) == data  # type: ignore[call-overload]  # canonical: written again the same
    with mork.from_bytes(data, writable=True) as w:  # and it grows in memory
        w.add("(edge a d)")
        w.commit()
        grown = w.to_bytes()
    with polyfmt.open(grown) as g:
        assert isinstance(g, mork.MorkFile) and "(edge a d)" in g and len(g) == 6


def test_symbols_and_mult_round_trip() -> None:
    with mork.create() as f:
        f.import_text(SAMPLE, intern=True)
        table = f.symbols()
        zipped = f.export("symbols", symbol_layout="mork")
    with mork.from_bytes(zipped) as s:
        assert s.kind == "symbols" and s.symbols() == table and len(s) == 0
        assert s.info["symbol_layout"] == "mork"
    with mork.create(kind="mult") as m:
        m.add("(edge a b)", 3)
        m.add("ünïcödé", 2**63)
        m.add(b"tab\tkey", 1)
        assert list(m) == ["(edge a b)", "tab\tkey", "ünïcödé"]
        assert m.print_path("ünïcödé".encode()) == "ünïcödé" and m.print_path(b"(a") == "(a"  # keys, not MeTTa
        assert m.get("ünïcödé") == 2**63 and "tab\tkey" in m
        assert m.export() == "(edge a b)\t3\ntab\tkey\t1\nünïcödé\t9223372036854775808\n"
        with pytest.raises(polyfmt.BadArgumentError, match="UTF-8"):
            m.add(b"\xff")
        with pytest.raises(polyfmt.BadArgumentError):
            m.import_text("(a)")
        data = m.export("mult")
    with mork.from_bytes(data) as g:
        assert g.kind == "mult" and g.paths() == [(b"(edge a b)", 3), (b"tab\tkey", 1), ("ünïcödé".encode(), 2**63)]
        g.verify()
    with mork.create(kind="mult") as m:  # the shared vector's keys: the same bytes
        m.add("ünïcödé", 2**63)
        m.add("(edge a b)", 3)
        assert m.export("mult") == (CONTAINERS / "counts.mttm").read_bytes()
        with pytest.raises(polyfmt.BadArgumentError, match="multiplicities"):
            m.export("space")
    assert m.kind == "mult"
    with pytest.raises(polyfmt.BadHandleError):  # closed: the library says so, not a cached kind
        m.print_path(b"(edge a b)")


def test_export_options() -> None:
    with sample() as f:
        for comp in ("none", "zlib", "lz4", "zstd"):
            with mork.from_bytes(f.export("pathmap1", compression=comp)) as g:
                assert g.info["compression"] == comp and list(g) == PRINTED
        for layout in ("pathmap", "seed"):
            with mork.from_bytes(f.export("act", act_layout=layout)) as g:
                assert g.info["act_layout"] == layout and list(g) == PRINTED
        with mork.from_bytes(f.export("space", compress_space=True, timestamp=1_700_000_000)) as g:
            assert g.info["compression"] == "zstd" and g.info["timestamp"] == 1_700_000_000 and g.info["checksum"]
        with mork.from_bytes(f.export("space", no_checksum=True)) as g:
            assert g.info["checksum"] is False and list(g) == PRINTED
        a = f.export("space", timestamp=5)
        assert a == f.export("space", timestamp=5) and a != f.export("space", timestamp=6)
        with pytest.raises(polyfmt.BadArgumentError, match="export kind"):
            f.export("json")  # type: ignore[call-overload]
        with pytest.raises(polyfmt.BadArgumentError, match="compression"):
            f.export("pathmap1", compression="brotli")


def test_create_options() -> None:
    with mork.create(kind="pathmap1", compression="lz4") as f:
        assert f.info["compression"] == "lz4"
    with mork.create(kind="act", act_layout="seed") as f:
        f.add("(a)", 1)
        f.commit()
        assert f.to_bytes()[8:16] == bytes.fromhex("0000000003000000")  # the seed's layout
    with mork.create(symbol_layout="mork", compress_space=True) as f:
        f.import_text("(a b)", intern=True)
        f.commit()
        assert f.info["symbol_layout"] == "mork" and f.info["compression"] == "zstd"
    with pytest.raises(polyfmt.BadArgumentError, match="act_layout"):
        mork.create(kind="act", act_layout="other")
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        mork.create(options={"bogus": 1})


# ---- the interned space ---------------------------------------------------------------------------------


def test_interned_space() -> None:
    with mork.create() as f:
        assert f.import_text(SAMPLE, intern=True) == 5
        assert f.interned and f.info["interned"]
        table = f.symbols()
        assert sorted(table.values()) == sorted(
            ["edge", "a", "b", "c", "foo", "bar", "person", "name", '"Ada Lovelace"', "born", "1815"]
        )
        assert list(table) == sorted(table)  # in id order
        plain, stored = mork.encode("(edge a b)"), f.encode("(edge a b)")
        assert plain != stored and stored[:2] == b"\x03\xc8" and len(stored) == 1 + 3 * 9
        assert stored in f and plain not in f and "(edge a b)" in f
        assert f.print_path(stored) == "(edge a b)"
        assert mork.decode(stored).startswith('(#"\\x00')  # no table: the ids' bytes
        assert f.query("(edge $x b)")[0].bindings == ["a"]
        # a symbol the table lacks: nothing matches, nothing is found, nothing is added
        assert f.query("(edge zz $y)") == [] and f.get("(edge zz a)") is None and "(edge zz a)" not in f
        assert f.remove("(edge zz a)") is False
        with pytest.raises(polyfmt.NotFoundError, match="zz"):
            f.encode("(edge zz a)")
        assert len(f.symbols()) == len(table)
        # add interns new symbols; intern() answers the same ids
        f.add("(edge a zz)")
        assert "(edge a zz)" in f and len(f.symbols()) == len(table) + 1
        zz = f.intern("zz")
        assert f.symbols()[zz] == "zz" and f.intern(b"zz") == zz and f.intern("new") == zz + 1
        assert f.encode("(edge a zz)")[-8:] == zz.to_bytes(8, "big")
        # an interned space interns what it imports, asked or not
        f.import_text("(edge zz yy)")
        assert "(edge zz yy)" in f and "yy" in f.symbols().values()
        f.commit()
        data = f.to_bytes()
    with mork.from_bytes(data) as g:
        assert g.interned and "(edge zz yy)" in g and list(g) == sorted(list(g), key=g.encode)
        g.verify()
        with pytest.raises(polyfmt.BadArgumentError, match="read-only"):
            g.remove("(edge qq a)")  # not in the table, but the file is read-only all the same


def test_interned_vector() -> None:
    with mork.open(CONTAINERS / "space_interned.mtts") as f:
        assert f.interned and f.info["symbol_layout"] == "mork" and len(f.symbols()) == 11
        assert [m.bindings for m in f.query("(edge $x $y)")] == [["a", "b"], ["b", "c"], ["c", "a"]]
        plain = f.export("space", symbol_layout="seed")
    with mork.from_bytes(plain) as g:
        assert g.info["symbol_layout"] == "seed" and list(g) == list(mork.open(CONTAINERS / "space_interned.mtts"))


# ---- a file on disk ----------------------------------------------------------------------------------------


def test_file_on_disk(tmp_path: Path) -> None:
    p = tmp_path / "kb.mtts"
    with mork.create(p) as f:
        assert f.name == str(p) and f.info["writable"] is True
        f.import_text(SAMPLE)
        assert f.info["pending"] is True
        f.commit()
        assert f.info["pending"] is False
        with pytest.raises(polyfmt.LockedError):
            mork.open(p, writable=True)
        with pytest.raises(polyfmt.BadArgumentError):
            f.to_bytes()  # a file on disk has no image to hand out
    with polyfmt.open(p) as r:
        assert isinstance(r, mork.MorkFile) and r.info["writable"] is False and r.version == "1.1"
        assert list(r) == PRINTED
        assert [m.text for m in r.query("(edge $x $y)", limit=2)] == ["(edge a b)", "(edge b c)"]
        r.verify()
        for change in (lambda: r.add("(x)"), lambda: r.remove("(edge a b)"), lambda: r.import_text("(x)"), r.commit):
            with pytest.raises(polyfmt.BadArgumentError, match="read-only"):
                change()
        with mork.open(p, writable=True) as w:  # a writer beside the reader
            assert w.remove("(edge a b)") is True
            w.add("(edge a d)")
        assert len(r) == 5 and "(edge a b)" in r  # the reader keeps what it mapped …
        assert r.refresh() >= 0 and "(edge a b)" not in r and "(edge a d)" in r  # … until it refreshes
    assert mork.open(p).paths() == mork.from_bytes(p.read_bytes()).paths()


def test_closing_commits(tmp_path: Path) -> None:
    p = tmp_path / "g.act"
    f = mork.create(p, kind="act", no_sync=True)
    f.add("(a)", 1)
    f.close()  # commits what is pending
    with mork.open(p) as g:
        assert g.kind == "act" and g.get("(a)") == 1


def test_the_module_functions_open_mork_only(tmp_path: Path) -> None:
    p = tmp_path / "x.vsf"
    with polyfmt.vsf.VSF.create(p) as v:
        v.add("s", "f", 1)
    with pytest.raises(polyfmt.FormatError, match="is a VSF file, not MORK"):
        mork.open(p)
    with pytest.raises(polyfmt.FormatError, match="is a VSF file, not MORK"):
        mork.from_bytes(p.read_bytes())
    with pytest.raises(polyfmt.BadArgumentError, match="kind shapes a new file"):
        mork.open(CONTAINERS / "space.mtts", options={"kind": "act"})
    with mork.from_bytes(b"", writable=True) as f:  # nothing: a new space
        assert f.kind == "space"


# ---- versions --------------------------------------------------------------------------------------------------


def test_migrate() -> None:
    v10 = (CONTAINERS / "space_v10.mtts").read_bytes()
    v11 = mork.migrate(v10, timestamp=1_700_000_000)
    assert v11[:6] == b"MTTS\x01\x01" and v10[:6] == b"MTTS\x01\x00"
    with mork.from_bytes(v11) as g, mork.from_bytes(v10) as old:
        assert g.version == "1.1" and old.version == "1.0" and g.info["timestamp"] == 1_700_000_000
        assert g.paths() == old.paths() and g.symbols() == old.symbols()
        g.verify()
    assert mork.migrate(v11) == v11  # already current
    assert mork.migrate(bytearray(v10), 1_700_000_000) == v11
    with pytest.raises(polyfmt.UnsupportedError, match="version 2"):
        mork.migrate((CONTAINERS / "space_v2.mtts").read_bytes())
    with pytest.raises(polyfmt.BadArgumentError):
        mork.migrate(v10, timestamp=-1)


def test_commit_writes_1_0_as_1_1(tmp_path: Path) -> None:
    p = tmp_path / "old.mtts"
    p.write_bytes((CONTAINERS / "space_v10.mtts").read_bytes())
    with mork.open(p, writable=True) as f:
        assert f.version == "1.0"
        f.commit()
    with mork.open(p) as f:
        assert f.version == "1.1" and len(f) == 7


# ---- errors ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["space_v2.mtts", "space_truncated.mtts"])
def test_bad_containers(name: str, tmp_path: Path) -> None:
    want = {"space_v2.mtts": polyfmt.UnsupportedError, "space_truncated.mtts": polyfmt.FormatError}[name]
    data = (CONTAINERS / name).read_bytes()
    openers: List[Callable[[], polyfmt.File]] = [
        lambda: mork.open(CONTAINERS / name),
        lambda: mork.from_bytes(data),
        lambda: polyfmt.open(data),
    ]
    for open_it in openers:
        with pytest.raises(want) as ei:
            open_it()
        assert ei.value.message.startswith("mork: ")
    if want is polyfmt.UnsupportedError:
        assert "version 2" in str(ei.value) and "1.x" in str(ei.value)


def test_a_flipped_bit_fails_verify() -> None:
    with sample() as f:
        f.commit()
        data = bytearray(f.to_bytes())
    data[-40] ^= 1  # inside the last path, before the footer
    with mork.from_bytes(data) as g:
        with pytest.raises(polyfmt.ChecksumError, match="Blake2b"):
            g.verify()


@pytest.mark.parametrize(
    "text,code,where",
    [
        ("(a b", polyfmt.FormatError, "line 1, column 1"),
        ('(a\n  "never closed\n', polyfmt.FormatError, "line 2, column 3"),
        ("(" + " ".join(["i"] * 64) + ")", polyfmt.LimitError, "line 1, column 128"),
    ],
)
def test_syntax_errors_name_line_and_column(text: str, code: Type[polyfmt.PolyfmtError], where: str) -> None:
    with mork.create() as f:
        for call in (
            lambda: mork.encode(text),
            lambda: f.import_text(text),
            lambda: f.add(text),
            lambda: f.query(text),
        ):
            with pytest.raises(code) as ei:
                call()
            assert where in ei.value.message and where in str(ei.value)
    with pytest.raises(polyfmt.FormatError):
        mork.decode(b"\x40")  # a reserved tag


def test_use_after_close_is_bad_handle() -> None:
    f = sample()
    path = f.encode("(edge a b)")
    h = f.handle
    f.close()
    f.close()  # a no-op
    uses: List[Any] = [
        lambda: f.import_text("(a)"),
        lambda: f.add(path),
        lambda: f.remove(path),
        lambda: f.get(path),
        lambda: path in f,
        lambda: len(f),
        lambda: f.paths(),
        lambda: f.query("(a)"),
        lambda: f.export(),
        lambda: f.export("act"),
        lambda: f.symbols(),
        lambda: f.intern("a"),
        f.commit,
        f.verify,
        lambda: f.info,
        lambda: f.print_path(path),
        lambda: f.encode("(a)"),
    ]
    for use in uses:
        with pytest.raises(polyfmt.BadHandleError) as ei:
            use()
        assert ei.value.code_name == "PF_EBADHANDLE" and isinstance(ei.value, ValueError)
    assert _lib.lib().pf_close(h) == errors.BadHandleError.code


def test_a_handle_of_another_format_is_refused() -> None:
    with polyfmt.mem8.File.create() as m:
        f = mork.MorkFile(m.handle, "borrowed")  # wraps a handle it must not own
        try:
            with pytest.raises(polyfmt.BadHandleError, match="not a mork handle"):
                len(f)
        finally:
            f._finalizer.detach()
            f._closed = True


def test_finalizer_closes_and_releases_the_lock(tmp_path: Path) -> None:
    p = tmp_path / "fin.mtts"
    f = mork.create(p)
    f.add("(a)")
    h = f.handle
    del f
    gc.collect()
    assert _lib.lib().pf_close(h) == errors.BadHandleError.code
    with mork.open(p, writable=True) as g:
        assert list(g) == ["(a)"]  # closing committed it


def test_info_fields() -> None:
    with sample() as f:
        info: Dict[str, Any] = f.info
    assert {
        "format",
        "name",
        "writable",
        "kind",
        "version",
        "timestamp",
        "checksum",
        "compression",
        "act_layout",
        "symbol_layout",
        "paths",
        "symbols",
        "interned",
        "pending",
        "recovery",
    } <= set(info)
    assert info["paths"] == 5 and info["recovery"]["clean"] is True


def test_path_records_are_checked() -> None:
    assert mork._records(b"") == []
    assert mork._records(b"\x01\x00\x00\x00\x00" + (7).to_bytes(8, "little")) == [(b"\x00", 7)]
    for cut in (b"\x01\x00", b"\x05\x00\x00\x00ab", b"\x00\x00\x00\x00" + bytes(7)):
        with pytest.raises(polyfmt.InternalError, match="the library returned a record"):
            mork._records(cut)
