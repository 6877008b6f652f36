"""polyfmt.mem8.File: writing, reading, errors and lifetime, on disk and in memory."""

from __future__ import annotations

import ctypes
import gc
import json
import multiprocessing
import shutil
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import polyfmt
from polyfmt import _lib, mem8

TS = 1_757_894_400_000_000  # 2025-09-15T00:00:00Z in microseconds


def fill(f: mem8.File) -> None:
    """Four blocks with fixed timestamps: tokens, binary and empty content."""
    assert f.append("First memory", 0.8, token=".rs", timestamp_us=TS) == 0
    assert f.append(b"Second memory", 0.5, token="src/main", timestamp_us=TS + 1) == 1
    assert f.append("Important memory", 1.0, token="src/main", timestamp_us=TS + 2) == 2
    assert f.append(b"\xff\x00A", 0.1, token="binary", timestamp_us=TS + 3) == 3
    assert f.append(b"", 0.9, timestamp_us=TS + 4) == 4


def check_filled(f: mem8.File) -> None:
    assert len(f) == 5 and f.count() == 5
    texts = [b.content for b in f]
    assert texts == [b"First memory", b"Second memory", b"Important memory", b"\xff\x00A", b""]
    assert [b.token for b in f] == [".rs", "src/main", "src/main", "binary", ""]
    assert [b.token_id for b in f] == [144, 256, 256, 257, 0]
    assert [b.timestamp for b in f] == [TS + i for i in range(5)]
    assert [b.importance_raw for b in f] == [52428, 32767, 65535, 6553, 58981]
    assert f.info["tokens"] == ["src/main", "binary"]
    f.verify()


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    p = tmp_path / "notes.m8"
    with mem8.File.create(p, identity_freq=432.0, temporal_phase=0.25) as f:
        fill(f)
    yield p


def test_round_trip_on_disk(disk: Path, mem8_vectors: Path) -> None:
    with mem8.File.open(disk) as f:
        check_filled(f)
        info = f.info
        assert info["flags"] == 7 and info["flag_names"] == ["hash_chain", "header_crc", "tokens"]
        assert info["identity_freq"] == 432 and info["temporal_phase"] == 0.25
        assert info["writable"] is False and info["recovery"]["clean"] is True
        assert info["name"] == str(disk) == f.name
    # The same calls as the Go writer of the vector: the same bytes.
    assert disk.read_bytes() == (mem8_vectors / "polyfmt_chain_tokens.m8").read_bytes()


def test_round_trip_in_memory(mem8_vectors: Path) -> None:
    with mem8.File.create(identity_freq=432.0, temporal_phase=0.25) as f:
        fill(f)
        check_filled(f)
        image = f.to_bytes()
    assert image == (mem8_vectors / "polyfmt_chain_tokens.m8").read_bytes()
    with mem8.File.from_bytes(image) as g:
        check_filled(g)
    with mem8.File.from_bytes(image, writable=True) as g:
        check_filled(g)
        assert g.to_bytes() == image


def test_reopen_writable_appends_and_tokens_persist(disk: Path) -> None:
    with mem8.File.open(disk, writable=True) as f:
        assert f.info["writable"] is True
        assert f.append("again", 0.3, token="src/main", timestamp_us=TS + 5) == 5
        assert f.append("new token", 0.3, token="later", timestamp_us=TS + 6) == 6
    with mem8.File.open(disk) as f:
        assert len(f) == 7
        assert (f[5].token, f[5].token_id) == ("src/main", 256)
        assert (f[6].token, f[6].token_id) == ("later", 258)
        assert f.info["tokens"] == ["src/main", "binary", "later"]
        f.verify()


def test_plain_file_has_seed_layout(tmp_path: Path, mem8_vectors: Path) -> None:
    p = tmp_path / "seed.m8"
    with mem8.File.create(p, plain=True) as f:
        f.append("First memory", 0.8, timestamp_us=TS)
        f.append("Second memory", 0.5, timestamp_us=TS + 1)
        f.append("Important memory", 1.0, timestamp_us=TS + 2)
    assert p.read_bytes() == (mem8_vectors / "three_blocks_fixed_ts.m8").read_bytes()


def test_block_fields_and_helpers() -> None:
    with mem8.File.create() as f:
        f.append("héllo \u2603", 0.25, token="t", timestamp_us=TS)
        f.append(b"\xffbad", 0.5, timestamp_us=TS + 1_500_000)
        b = f[0]
        assert b.text == "héllo \u2603" and b.content == "héllo \u2603".encode()
        assert b.time == datetime(2025, 9, 15, tzinfo=timezone.utc)
        assert f[1].time == datetime(2025, 9, 15, 0, 0, 1, 500000, tzinfo=timezone.utc)
        assert f[1].text == "\ufffdbad"
        assert b.importance == pytest.approx(0.25, abs=1 / 65535)
        assert len(b.wave_signature) == 16 and len(b.prev_hash) == 32
        with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError is one
            b.index = 3  # type: ignore[misc]  # frozen
        assert f[-1] == f[1] and f[-2] == f[0]
        with pytest.raises(IndexError):
            f[2]
        with pytest.raises(IndexError):
            f[-3]
        with pytest.raises(TypeError):
            f["0"]  # type: ignore[index]
        assert [x.index for x in f.backwards()] == [1, 0]


def test_timestamp_zero_means_now() -> None:
    before = datetime.now(timezone.utc)
    with mem8.File.create() as f:
        f.append("now")
        t = f[0].time
    after = datetime.now(timezone.utc)
    assert before.replace(microsecond=0) <= t <= after


def test_query() -> None:
    with mem8.File.create() as f:
        fill(f)
        assert [b.index for b in f.query("Important")] == [2, 4, 0, 1, 3]
        assert [b.index for b in f.query(["Important"], fill=1)] == [2]
        assert [b.index for b in f.query(["memory"], fill=1, max=2)] == [2, 0]
        assert [b.index for b in f.query(("Second", "First"), fill=1)] == [2, 0, 1]
        assert [b.index for b in f.query()] == [2, 4, 0, 1, 3]
        assert [b.index for b in f.query(fill=2)] == [2, 4]
        assert [b.index for b in f.query(max=3)] == [2, 4, 0]
        assert [b.index for b in f.query(["absent"], fill=1)] == [2]
    with mem8.File.create() as empty:
        assert empty.query("anything") == []


def test_content_over_limit_is_refused_and_file_stays_fine(tmp_path: Path) -> None:
    p = tmp_path / "limit.m8"
    with mem8.File.create(p) as f:
        f.append("before", timestamp_us=TS)
        with pytest.raises(polyfmt.LimitError) as ei:
            f.append(b"x" * 4025)
        assert ei.value.code == 13 and ei.value.code_name == "PF_ELIMIT"
        assert "4025" in ei.value.message
        assert len(f) == 1
        f.verify()
        assert f.append(b"y" * 4024, timestamp_us=TS + 1) == 1
    assert p.stat().st_size == 30 + 2 * 4096
    with mem8.File.open(p) as f:
        assert [len(b.content) for b in f] == [6, 4024]
        assert f.recovery["clean"] is True
        f.verify()


def test_nan_importance_stores_zero() -> None:
    with mem8.File.create() as f:
        f.append("nan", float("nan"))
        f.append("over", 2.0)
        f.append("under", -1.0)
        assert [b.importance_raw for b in f] == [0, 65535, 0]
        assert f[0].importance == 0.0


def test_read_only_append_is_bad_argument(disk: Path, mem8_vectors: Path) -> None:
    with mem8.File.open(disk) as f:
        with pytest.raises(polyfmt.BadArgumentError) as ei:
            f.append("nope")
        assert isinstance(ei.value, ValueError)
        assert len(f) == 5
    with mem8.File.from_bytes((mem8_vectors / "empty.m8").read_bytes()) as g:
        with pytest.raises(polyfmt.BadArgumentError):
            g.append("nope")


def test_second_writer_is_locked(disk: Path) -> None:
    with mem8.File.open(disk, writable=True) as w:
        with pytest.raises(polyfmt.LockedError) as ei:
            mem8.File.open(disk, writable=True)
        assert ei.value.code_name == "PF_ELOCKED"
        with pytest.raises(polyfmt.LockedError):
            mem8.File.create(disk)
        with mem8.File.open(disk) as r:  # readers take no lock
            assert len(r) == 5
        w.append("still mine")
    with mem8.File.open(disk, writable=True) as w2:  # released on close
        assert len(w2) == 6


def test_unknown_option_is_bad_argument(tmp_path: Path, disk: Path) -> None:
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        mem8.File.create(options={"bogus": 1})
    with pytest.raises(polyfmt.BadArgumentError, match="bogus"):
        mem8.File.open(disk, options={"bogus": True})
    with pytest.raises(polyfmt.BadArgumentError):
        mem8.File.create(tmp_path / "x.m8", options={"identity_freq": "loud"})


def test_max_blocks_option(disk: Path) -> None:
    with mem8.File.open(disk, max_blocks=5) as f:
        assert len(f) == 5
    with pytest.raises(polyfmt.LimitError):
        mem8.File.open(disk, max_blocks=4)


def test_no_sync_and_sync(tmp_path: Path) -> None:
    p = tmp_path / "nosync.m8"
    with mem8.File.create(p, no_sync=True) as f:
        f.append("a", timestamp_us=TS)
        f.sync()
    with mem8.File.open(p, writable=True, no_sync=True) as f:
        f.append("b", timestamp_us=TS + 1)
        f.sync()
    with mem8.File.open(p) as f:
        assert [b.text for b in f] == ["a", "b"]


def test_open_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(polyfmt.PolyfmtError) as ei:
        mem8.File.open(tmp_path / "absent.m8")
    assert ei.value.code_name == "PF_ENOTFOUND"
    assert "absent.m8" in ei.value.message


def test_from_bytes_of_garbage_is_format_error() -> None:
    with pytest.raises(polyfmt.FormatError):
        mem8.File.from_bytes(b"MEM8")
    with pytest.raises(polyfmt.FormatError):
        mem8.File.from_bytes(b"")


def test_import_seed_contexts_plain_and_zlib() -> None:
    doc = {"contexts": [{"text": "hello", "score": 0.9}, {"z": 1, "a": [1, "é"]}]}
    plain = json.dumps(doc).encode("utf-8")
    for data in (plain, plain.decode("utf-8"), zlib.compress(plain)):
        with mem8.File.create() as f:
            assert f.import_json(data) == 2
            blocks = list(f)
            assert [b.text for b in blocks] == ['{"score":0.9,"text":"hello"}', '{"a":[1,"é"],"z":1}']
            assert [b.importance_raw for b in blocks] == [58981, 32767]
            f.verify()


def test_import_refuses_non_object_contexts_and_writes_nothing() -> None:
    # A context is an object: a bare string, number or array is malformed,
    # and the whole document is checked before the first block is written.
    for doc in ({"contexts": [{"text": "ok"}, "bare"]}, {"contexts": [0] * 1000}):
        with mem8.File.create() as f:
            with pytest.raises(polyfmt.FormatError):
                f.import_json(json.dumps(doc))
            assert len(f) == 0


def test_import_bad_json() -> None:
    with mem8.File.create() as f:
        with pytest.raises(polyfmt.FormatError):
            f.import_json(b"{not json")
        with pytest.raises(polyfmt.FormatError):
            f.import_json(b"\x78\x9cgarbage")
        with pytest.raises(polyfmt.UnsupportedError):
            f.import_json(b'{"format": "other.v9"}')
        assert len(f) == 0


def test_export_import_round_trip_is_byte_identical() -> None:
    with mem8.File.create(identity_freq=432.0, temporal_phase=0.25) as f:
        fill(f)
        f.append("now-stamped", 0.6)  # a timestamp taken now: the export carries it
        exported = f.export_json()
        image = f.to_bytes()
    doc = json.loads(exported)
    assert doc["format"] == "polyfmt.mem8.v1" and len(doc["blocks"]) == 6
    with mem8.File.create(identity_freq=432.0, temporal_phase=0.25) as g:
        assert g.import_json(exported) == 6
        assert g.to_bytes() == image
        assert g.export_json() == exported


def test_export_import_round_trip_of_vectors(mem8_vectors: Path) -> None:
    for name, opts in [
        ("polyfmt_chain_tokens.m8", {"identity_freq": 432.0, "temporal_phase": 0.25}),
        ("three_blocks_fixed_ts.m8", {"plain": True}),
    ]:
        data = (mem8_vectors / name).read_bytes()
        with mem8.File.from_bytes(data) as f:
            exported = f.export_json()
        with mem8.File.create(**opts) as g:  # type: ignore[arg-type]
            g.import_json(exported)
            assert g.to_bytes() == data, name


def test_import_with_wrong_signature_is_checksum_error() -> None:
    with mem8.File.create() as f:
        f.append("x", timestamp_us=TS)
        exported = f.export_json()
    with mem8.File.create(identity_freq=432.0) as g:  # signatures depend on the frequency
        with pytest.raises(polyfmt.ChecksumError):
            g.import_json(exported)


def test_to_bytes_of_disk_file_is_bad_argument(disk: Path) -> None:
    with mem8.File.open(disk) as f:
        with pytest.raises(polyfmt.BadArgumentError):
            f.to_bytes()


def test_from_bytes_writable_appends_to_a_copy(mem8_vectors: Path) -> None:
    data = (mem8_vectors / "three_blocks_fixed_ts.m8").read_bytes()
    with mem8.File.from_bytes(bytearray(data), writable=True) as f:
        f.append("Fourth", 0.5, timestamp_us=TS + 3)
        image = f.to_bytes()
    assert len(image) == len(data) + 4096
    assert image[30 : 30 + 3 * 4096] == data[30:]
    with mem8.File.from_bytes(image) as g:
        assert [b.text for b in g][-1] == "Fourth"
        g.verify()


def test_torn_tail_is_repaired_when_opened_writable(tmp_path: Path, mem8_vectors: Path) -> None:
    p = tmp_path / "torn.m8"
    shutil.copyfile(mem8_vectors / "torn_tail.m8", p)
    torn_size = p.stat().st_size
    assert torn_size == 30 + 5 * 4096 + 2000
    with mem8.File.open(p) as r:  # read-only: reported, ignored, not touched
        assert r.recovery["clean"] is False and r.recovery["dropped_bytes"] == 2000
        assert r.recovery["repaired"] is False
    assert p.stat().st_size == torn_size
    with mem8.File.open(p, writable=True) as w:
        rec = w.recovery
        assert rec["repaired"] is True and rec["dropped_bytes"] == 2000
        assert len(w) == 5
        w.verify()
        assert w.append("after repair", 0.5, timestamp_us=TS + 5) == 5
    assert p.stat().st_size == 30 + 6 * 4096
    with mem8.File.open(p) as r:
        assert r.recovery["clean"] is True
        assert len(r) == 6 and r[5].text == "after repair"
        assert r[4].content == b""
        r.verify()


def test_verify_reports_bad_block(mem8_vectors: Path) -> None:
    with mem8.File.open(mem8_vectors / "tampered_content.m8") as f:
        with pytest.raises(polyfmt.ChecksumError) as ei:
            f.verify()
        assert ei.value.bad_block == 1 and ei.value.code == 11


def test_close_is_idempotent_and_closed_use_is_bad_handle() -> None:
    f = mem8.File.create()
    f.append("x")
    h = f.handle
    assert not f.closed
    f.close()
    assert f.closed
    f.close()  # no-op at the Python level
    assert "closed" in repr(f)
    for use in (f.count, lambda: f[0], lambda: f.append("y"), f.verify, lambda: f.info, f.to_bytes):
        with pytest.raises(polyfmt.BadHandleError) as ei:
            use()
        assert isinstance(ei.value, ValueError) and ei.value.code == 22
    assert _lib.lib().pf_close(h) == 22  # the C level still reports the double close


def test_context_manager_closes() -> None:
    with mem8.File.create() as f:
        h = f.handle
    assert f.closed
    assert _lib.lib().pf_close(h) == 22


def test_finalizer_closes_the_handle() -> None:
    f = mem8.File.create()
    h = f.handle
    del f
    gc.collect()
    assert _lib.lib().pf_close(h) == 22  # already closed by the finalizer


def test_finalizer_releases_writer_lock(tmp_path: Path) -> None:
    p = tmp_path / "lock.m8"
    f = mem8.File.create(p)
    del f
    gc.collect()
    with mem8.File.open(p, writable=True) as g:
        assert len(g) == 0


class FreeSpy:
    """Stands in for the loaded library: records every buffer address a
    function hands back through a void** out-parameter, and every pf_free."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.returned: List[int] = []
        self.freed: List[int] = []

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.real, name)

        def call(*args: Any) -> Any:
            rc = fn(*args)
            if name == "pf_free":
                assert rc == 0
                self.freed.append(args[0])
            for a in args:
                obj = getattr(a, "_obj", None)  # the target of byref()
                if isinstance(obj, ctypes.c_void_p) and obj.value:
                    self.returned.append(obj.value)
            return rc

        return call


def test_returned_buffers_are_freed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = FreeSpy(_lib.lib())
    monkeypatch.setattr(_lib, "lib", lambda: spy)
    with mem8.File.create() as f:
        fill(f)
        list(f)
        f[3]
        f.query("memory")
        _ = f.info
        _ = f.recovery
        f.export_json()
        f.to_bytes()
        with pytest.raises(IndexError):
            f[99]
        with pytest.raises(polyfmt.BadArgumentError):
            f.query(["x"], fill=-1.5)  # type: ignore[arg-type]
    # 5 blocks x 2 iterations x 2 buffers (the empty content is NULL) + ...
    assert len(spy.returned) > 20
    assert sorted(spy.freed) == sorted(spy.returned)
    assert len(set(spy.freed)) == len(spy.freed) or len(spy.freed) == len(spy.returned)


def test_threads_share_a_file() -> None:
    with mem8.File.create() as f:
        errors: List[BaseException] = []

        def writer(k: int) -> None:
            try:
                for i in range(50):
                    f.append(f"thread {k} block {i}", 0.5, token=f"t{k}", timestamp_us=TS + i)
                    f[-1]
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(f) == 200
        assert [b.index for b in f] == list(range(200))
        assert sorted(f.info["tokens"]) == ["t0", "t1", "t2", "t3"]
        for k in range(4):
            mine = [b.text for b in f if b.token == f"t{k}"]
            assert mine == [f"thread {k} block {i}" for i in range(50)]
        f.verify()


def count_blocks(path: str) -> int:
    """Runs in a spawned worker process."""
    with mem8.File.open(path) as f:
        return len(f)


def test_spawned_workers_can_use_the_library(disk: Path) -> None:
    polyfmt.version()  # loaded in the parent first: spawn must still work
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(count_blocks, [str(disk)] * 4) == [5, 5, 5, 5]


def test_import_limits_are_options() -> None:
    doc = json.dumps({"contexts": [{"a": 1}, {"a": 2}, {"a": 3}]})
    with mem8.File.create(options={"max_import_blocks": 2}) as f:
        with pytest.raises(polyfmt.LimitError):
            f.import_json(doc)
        assert len(f) == 0
    bomb = zlib.compress(json.dumps({"contexts": [], "pad": [0] * 200000}).encode())
    with mem8.File.create(options={"max_json_ratio": 2}) as f:
        with pytest.raises(polyfmt.LimitError):
            f.import_json(bomb)
    with mem8.File.create(options={"max_json_ratio": 100000}) as f:
        assert f.import_json(bomb) == 0
