"""The fast ingest path (typed decoding + staging-table bulk merge) gives the same store as
the reference path (adapter + validate + row upserts), row for row, for every platform
shape, on a first ingest and on re-ingest; and typed decoding gives the same records as the
reference adapter line by line."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from hydrawatch.ingest import canonical, engine, ingest_paths, typed, writer
from hydrawatch.ingest.base import Dropped
from hydrawatch.sim import generate_world
from hydrawatch.store import open_store
from hydrawatch.store.schema import Account, Edge, Handle, Media, Post, Status
from tests.conftest import _fresh_db

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = (Account, Handle, Post, Media, Edge, Status)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
SKIP_COLUMNS = {"id"}  # surrogate keys: numbered in write order


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bulkworld")
    generate_world(out, seed=3, accounts=120, days=3)
    return out


def _dump(store) -> dict:
    out = {}
    with store.session(readonly=True) as db:
        for model in TABLES:
            table = model.__table__
            cols = [c for c in table.c if c.name not in SKIP_COLUMNS]
            rows = db.execute(select(*cols)).all()
            out[table.name] = sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)
    return out


def _norm(value):
    if isinstance(value, (dict, list)):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if hasattr(value, "tzinfo") and value is not None and getattr(value, "tzinfo", None):
        return value.replace(tzinfo=None)
    return value


def _ingest(url: str, paths, *, fast: bool, twice: bool = False, monkeypatch) -> dict:
    monkeypatch.setattr(engine, "TYPED", fast)
    monkeypatch.setattr(writer, "BULK", fast)
    monkeypatch.setattr(engine, "utcnow", lambda: NOW)  # observations without a time
    store = open_store(url)
    try:
        summary = ingest_paths(store, paths)
        if twice:
            summary = ingest_paths(store, paths, force=True)
        return {"rows": _dump(store), "counts": summary.counts(), "records": summary.records,
                "dropped": dict(summary.dropped())}
    finally:
        store.dispose()


def _same_store(tmp_path, _pg_template, paths, monkeypatch, twice=False):
    (tmp_path / "ref").mkdir()
    (tmp_path / "fast").mkdir()
    ref = _ingest(_fresh_db(tmp_path / "ref", _pg_template, "r"), paths, fast=False,
                  twice=twice, monkeypatch=monkeypatch)
    fast = _ingest(_fresh_db(tmp_path / "fast", _pg_template, "f"), paths, fast=True,
                   twice=twice, monkeypatch=monkeypatch)
    assert fast["counts"] == ref["counts"]
    assert fast["dropped"] == ref["dropped"]
    for name, rows in ref["rows"].items():
        assert fast["rows"][name] == rows, name
    assert sum(len(r) for r in ref["rows"].values()) > 0
    return fast


@pytest.mark.parametrize("shape", ["x", "mastodon", "canonical"])
def test_sim_world_same_store(world, shape, tmp_path, _pg_template, monkeypatch):
    _same_store(tmp_path, _pg_template, [world / shape], monkeypatch)


def test_sim_world_reingest_same_store(world, tmp_path, _pg_template, monkeypatch):
    paths = [world / "x", world / "mastodon", world / "canonical"]
    _same_store(tmp_path, _pg_template, paths, monkeypatch, twice=True)


@pytest.mark.parametrize("shape", ["x_v2", "mastodon", "bluesky", "telegram", "canonical",
                                   "shared_formats"])
def test_fixtures_same_store(shape, tmp_path, _pg_template, monkeypatch):
    src = tmp_path / "in"
    shutil.copytree(FIXTURES / shape, src)
    _same_store(tmp_path, _pg_template, [src], monkeypatch, twice=True)


@pytest.mark.parametrize("fmt,folder", [("x_v2", "x"), ("canonical", "canonical")])
def test_typed_records_equal_reference(world, fmt, folder):
    from hydrawatch.ingest import get_format

    reference = get_format(fmt)
    decode = typed.decoder(fmt)
    lines = typed_lines = 0
    for path in sorted((world / folder).glob("*.jsonl")):
        for lineno, raw in enumerate(path.read_bytes().splitlines(), 1):
            lines += 1
            fast = decode(raw, lineno)
            if fast is None:
                continue
            typed_lines += 1
            ref = [r if isinstance(r, Dropped) else canonical.validate(r, lineno)
                   for r in reference.records(orjson.loads(raw), lineno)]
            assert [typed.as_record(r) for r in fast] == ref, (path.name, lineno)
    assert typed_lines == lines > 0


@pytest.mark.parametrize("raw", [
    b'{"kind": "account", "platform": "x", "id": "1", "handle": "' + b"h" * 16 + b'"}',
    b'{"kind": "account", "platform": "X", "id": "1"}',
    b'{"kind": "account", "platform": "x", "id": 1}',
    b'{"kind": "account", "platform": "x", "id": "1", "extra": {"a": 1}}',
    b'{"kind": "account", "platform": "x", "id": "1", "followers": -1}',
    b'{"kind": "status", "platform": "x", "status": "suspended"}',
    b'{"kind": "edge", "platform": "x", "src": "1", "dst": "2", "type": "likes"}',
    b'{"kind": "post", "platform": "x", "id": "1", "account_id": "2", "created_at": "2026-01-01T00:00:00Z"}',
])
def test_typed_canonical_falls_back_on_doubt(raw):
    assert typed.decoder("canonical")(raw, 1) is None


@pytest.mark.parametrize("raw", [
    b'{"data": [{"id": "1", "text": "a\\u0000b", "author_id": "2", "created_at": "2026-01-01T00:00:00Z"}]}',
    b'{"data": [{"id": 1.5, "text": "x", "author_id": "2"}]}',
    b'{"data": [{"id": "1", "text": "x", "author_id": "2", "lang": "' + b"e" * 40 + b'"}]}',
    b'{"data": [{"id": "1", "username": "' + b"u" * 40 + b'"}]}',
    b'{"data": [{"id": "1", "username": "u", "public_metrics": {"followers_count": -1}}]}',
    b'{"data": {"id": "1"}, "meta": {}}',
    b'{"data": [], "meta": {}, "other": 1}',
])
def test_typed_x_falls_back_on_doubt(raw):
    """Anything the reference path might refuse or word an error for goes to it."""
    assert typed.decoder("x_v2")(raw, 1) is None


def test_errors_are_the_reference_errors(tmp_path, store):
    bad = tmp_path / "bad.jsonl"
    good = b'{"data": [{"id": "11", "text": "hi", "author_id": "2", "created_at": "2026-01-01T00:00:00Z"}], "meta": {}}'
    bad.write_bytes(good + b"\n" + b'{"data": [{"id": "12", "text": "x\\u0000", "author_id": "2", '
                    b'"created_at": "2026-01-01T00:00:00Z"}], "meta": {}}\n')
    from hydrawatch.errors import RecordError

    with pytest.raises(RecordError) as err:
        ingest_paths(store, [bad])
    assert err.value.line == 2 and "NUL" in err.value.reason
    summary = ingest_paths(store, [bad], skip_bad=True)
    assert summary.records == 1 and summary.skipped == 1


@pytest.mark.parametrize("text", [
    "2026-02-06T00:00:19.000Z", "2026-02-06T00:00:19Z", "2026-02-06T00:00:19.123456+00:00",
    "2026-02-06T00:00:19z", "2026-02-06 00:00:19Z", "2026-02-06T02:00:19+02:00",
    "2026-02-06T00:00:19", "2026-02-06", " 2026-02-06T00:00:19Z ", "2026-02-06T00:00:19-00:00",
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59.999999Z", "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z", "not a time", "2026-02-06T24:00:00Z", "20260206T000019Z",
])
def test_typed_time_parse_is_parse_time(text):
    from hydrawatch.timeutil import parse_time

    try:
        expected = parse_time(text)
    except ValueError:
        with pytest.raises(ValueError):
            typed._parse(text)
        return
    got = typed._parse(text)
    assert got == expected and got.tzinfo == expected.tzinfo and got.utcoffset() == expected.utcoffset()


def test_sqlite_time_text_remembered_per_instant():
    from datetime import timedelta

    writer._TIME_TEXT.clear()
    utc = datetime(2026, 2, 6, 0, 0, 19, 5, tzinfo=timezone.utc)
    plus2 = utc.astimezone(timezone(timedelta(hours=2)))
    naive = utc.replace(tzinfo=None)
    for v in (plus2, utc, naive, utc, plus2):  # equal instants, one text; naive apart
        assert writer._sqlite_time(v) == writer._sqlite_time_text(v) == "2026-02-06 00:00:19.000005"
    assert writer._sqlite_time(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01 00:00:00.000000"


def test_field_tuples_merge_as_their_records(world, tmp_path):
    """``BatchWriter.add_fields(op)`` leaves the writer exactly as ``add(as_record(op))``."""
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    decode = typed.decoder("x_v2")
    try:
        with store.session() as db:
            a = writer.BatchWriter(db, ingest_time=NOW, batch_size=10**9)
            b = writer.BatchWriter(db, ingest_time=NOW, batch_size=10**9)
            tuples = 0
            for path in sorted((world / "x").glob("*.jsonl")):
                for lineno, raw in enumerate(path.read_bytes().splitlines(), 1):
                    for item in decode(raw, lineno) or ():
                        if isinstance(item, Dropped):
                            continue
                        if type(item) is tuple:
                            tuples += 1
                            a.add_fields(item)
                        else:
                            a.add(item)
                        b.add(typed.as_record(item))
            assert tuples > 0
            for name in ("accounts", "seen", "handles", "posts", "media", "edges", "statuses",
                         "counts", "pending"):
                assert getattr(a, name) == getattr(b, name), name
    finally:
        store.dispose()
