from pathlib import Path

from sqlalchemy import select

from hydrawatch.ingest import ingest_paths
from hydrawatch.store.schema import Edge, Handle, Media, Post, Status
from tests.helpers import account, counts, write_jsonl

FIX = Path(__file__).parent / "fixtures" / "canonical"


def test_canonical_records_become_rows(store):
    summary = ingest_paths(store, [FIX / "basic.jsonl"])
    assert summary.records == 8 and summary.skipped == 0
    c = counts(store)
    assert (c["accounts"], c["posts"], c["media"], c["statuses"]) == (2, 3, 1, 2)
    with store.session() as db:
        edges = {(e.src[-1], e.dst[-1], e.type) for e in db.scalars(select(Edge))}
    assert edges == {("1", "2", "follows"), ("1", "2", "mentions"), ("2", "1", "reshares"),
                     ("2", "1", "replies")}
    acc = account(store, "x", "1710000000000000001")
    assert acc.handle == "example_one" and acc.followers == 120 and acc.posts_count == 431
    assert acc.status == "suspended"  # the handle-only observation was resolved to the id
    assert c["suspended_accounts"] == 1


def test_ingesting_twice_changes_no_count(store):
    ingest_paths(store, [FIX / "basic.jsonl"])
    first = counts(store)
    ingest_paths(store, [FIX / "basic.jsonl"])
    ingest_paths(store, [FIX])
    assert counts(store) == first
    ingest_paths(store, [FIX / "basic.jsonl"], force=True)  # really re-read: upserts, no duplicates
    assert counts(store) == first


def test_newer_observation_wins_field_by_field_and_missing_fields_erase_nothing(store, tmp_path):
    key = {"kind": "account", "platform": "x", "id": "9"}
    newer = dict(key, handle="new_h", name="New name", observed_at="2026-03-10T00:00:00Z")
    older = dict(key, handle="old_h", name="Old name", bio="old bio", followers=5,
                 observed_at="2026-03-01T00:00:00Z")
    bare = dict(key, observed_at="2026-03-20T00:00:00Z")
    ingest_paths(store, [write_jsonl(tmp_path / "a.jsonl", [newer])])
    ingest_paths(store, [write_jsonl(tmp_path / "b.jsonl", [older])])
    ingest_paths(store, [write_jsonl(tmp_path / "c.jsonl", [bare])])
    acc = account(store, "x", "9")
    assert acc.handle == "new_h" and acc.name == "New name"  # newer wins
    assert acc.bio == "old bio" and acc.followers == 5       # older fills what newer lacked
    assert counts(store)["accounts"] == 1


def test_rename_is_handle_history_not_a_new_account(store, tmp_path):
    recs = [{"kind": "account", "platform": "x", "id": "5", "handle": "first_name",
             "observed_at": "2026-03-01T00:00:00Z"},
            {"kind": "account", "platform": "x", "id": "5", "handle": "Second_Name",
             "observed_at": "2026-03-04T00:00:00Z"}]
    ingest_paths(store, [write_jsonl(tmp_path / "r.jsonl", recs)])
    c = counts(store)
    assert c["accounts"] == 1 and c["handle_changes"] == 1
    assert account(store, "x", "5").handle == "Second_Name"
    with store.session() as db:
        assert sorted(h.handle_norm for h in db.scalars(select(Handle))) == ["first_name", "second_name"]


def test_within_one_file_records_of_the_same_key_merge(store, tmp_path):
    post = {"kind": "post", "platform": "x", "id": "p1", "account_id": "a1",
            "created_at": "2026-03-01T00:00:00Z", "text": "t"}
    ingest_paths(store, [write_jsonl(tmp_path / "p.jsonl", [post, dict(post, lang="en"), post])])
    with store.session() as db:
        rows = db.scalars(select(Post)).all()
    assert len(rows) == 1 and rows[0].lang == "en"


def test_status_by_handle_resolves_when_account_arrives_later(store, tmp_path):
    status = {"kind": "status", "platform": "x", "handle": "Late_One", "status": "suspended",
              "observed_at": "2026-03-05T00:00:00Z"}
    acc = {"kind": "account", "platform": "x", "id": "77", "handle": "late_one",
           "observed_at": "2026-03-01T00:00:00Z"}
    ingest_paths(store, [write_jsonl(tmp_path / "s.jsonl", [status])])
    assert counts(store)["suspended_accounts"] == 0
    ingest_paths(store, [write_jsonl(tmp_path / "t.jsonl", [acc])])
    assert account(store, "x", "77").status == "suspended"
    with store.session() as db:
        assert [s.account_id for s in db.scalars(select(Status))] == ["77"]


def test_older_status_does_not_override_newer(store, tmp_path):
    base = {"kind": "status", "platform": "x", "id": "8"}
    ingest_paths(store, [write_jsonl(tmp_path / "a.jsonl", [dict(base, status="suspended", observed_at="2026-03-05T00:00:00Z")])])
    ingest_paths(store, [write_jsonl(tmp_path / "b.jsonl", [dict(base, status="active", observed_at="2026-03-01T00:00:00Z")])])
    assert account(store, "x", "8").status == "suspended"
    assert counts(store)["statuses"] == 2


def test_media_and_unknown_fields_are_kept(store, tmp_path):
    post = {"kind": "post", "platform": "x", "id": "p", "account_id": "a",
            "created_at": "2026-03-01T00:00:00Z", "media": [{"pdq": "AB" * 32, "url": "u"}],
            "source_app": "web"}
    ingest_paths(store, [write_jsonl(tmp_path / "m.jsonl", [post])])
    with store.session() as db:
        assert db.scalars(select(Media)).one().pdq == "ab" * 32
        assert db.scalars(select(Post)).one().extra == {"source_app": "web"}
