"""End to end: the platform fixtures through ``ingest_paths`` into a real store (SQLite, and
PostgreSQL when HYDRAWATCH_TEST_PG is set): counts, derived edges, statuses, renames."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from hydrawatch.errors import RecordError
from hydrawatch.ingest import ingest_paths
from hydrawatch.store import schema as s
from hydrawatch.store.stats import collect_stats

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORM_DIRS = [FIXTURES / d for d in ("x_v2", "mastodon", "bluesky", "telegram")]
X_U1, X_U2, X_U4 = "1890000000000000101", "1890000000000000102", "1890000000000000104"
BSKY_RELAY = "did:plc:exrelay7q2m4x5b6c7d8e9f0"


def rows(store, table, *where):
    with store.session() as db:
        return db.scalars(select(table).where(*where)).all()


def edge_set(store, platform):
    return sorted((e.src, e.dst, e.type) for e in rows(store, s.Edge, s.Edge.platform == platform))


def handles_of(store, platform, account_id):
    return sorted(h.handle for h in rows(store, s.Handle, s.Handle.platform == platform,
                                         s.Handle.account_id == account_id))


def count(store, table, platform):
    return len(rows(store, table, table.platform == platform))


@pytest.mark.parametrize("folder, fmt, expected", [
    ("x_v2", "x_v2", {"accounts": 5, "posts": 8, "edges": 9, "statuses": 3}),
    ("mastodon", "mastodon", {"accounts": 6, "posts": 4, "edges": 5, "statuses": 1}),
    ("bluesky", "bluesky", {"accounts": 4, "posts": 4, "edges": 6, "statuses": 0}),
    ("telegram", "telegram", {"accounts": 5, "posts": 9, "edges": 4, "statuses": 0}),
])
def test_each_platform_folder(store, folder, fmt, expected):
    summary = ingest_paths(store, [FIXTURES / folder])
    assert {f.format for f in summary.files} == {fmt}
    assert summary.skipped == 0 and summary.ignored == []
    stats = collect_stats(store)
    assert {k: stats[k] for k in expected} == expected


def test_all_fixtures_together_and_idempotent(store):
    ingest_paths(store, PLATFORM_DIRS)
    first = collect_stats(store)
    assert (first["accounts"], first["posts"], first["edges"]) == (20, 25, 24)
    summary = ingest_paths(store, PLATFORM_DIRS)
    assert summary.files == [] and summary.unchanged  # same content: skipped
    assert collect_stats(store) == first
    ingest_paths(store, PLATFORM_DIRS, force=True)  # re-read anyway: nothing duplicated
    again = collect_stats(store)
    for key in ("accounts", "posts", "media", "edges", "handle_changes"):
        assert again[key] == first[key], key


def test_x_edges_statuses_and_rename(store):
    ingest_paths(store, [FIXTURES / "x_v2"])
    assert edge_set(store, "x") == sorted([
        (X_U2, X_U1, "reshares"), (X_U2, X_U1, "mentions"),   # T2: retweet
        (X_U2, X_U1, "reshares"), (X_U2, X_U1, "mentions"),   # T3: retweet (RT @ fallback)
        ("1890000000000000103", X_U1, "quotes"),               # T4: the reporter's quote
        (X_U2, X_U1, "replies"), (X_U2, X_U1, "mentions"),     # T5
        (X_U2, X_U4, "replies"), (X_U2, X_U4, "mentions"),     # T6
    ])
    (one,) = rows(store, s.Account, s.Account.platform == "x", s.Account.account_id == X_U1)
    # search_recent.json carries no observation time, so it counts as observed at ingest
    # time, after the timeline pages' retrieved_at: its handle and counts are current
    assert one.handle == "ex_media_office" and one.followers == 2400
    assert handles_of(store, "x", X_U1) == ["ex_media_offic2", "ex_media_office"]
    assert one.url == "https://mirror.example.net/office"
    suspended = rows(store, s.Account, s.Account.account_id == "1890000000000000199")
    assert [a.status for a in suspended] == ["suspended"]
    statuses = sorted((st.handle_norm, st.status) for st in rows(store, s.Status))
    assert statuses == [("", "suspended"), ("ex_deleted_one", "not_found"),
                        ("ex_media_backup", "suspended")]
    media = rows(store, s.Media, s.Media.platform == "x")
    assert sorted(m.kind for m in media) == ["photo", "video"]


def test_x_rename_in_one_file_is_one_account(store, tmp_path):
    pages = (FIXTURES / "x_v2" / "timeline_pages.jsonl").read_text().splitlines()
    path = tmp_path / "reversed.jsonl"  # the newer page first: observed_at still decides
    path.write_text("\n".join(reversed(pages)) + "\n")
    ingest_paths(store, [path])
    accounts = rows(store, s.Account, s.Account.platform == "x")
    assert [(a.account_id, a.handle) for a in accounts] == [(X_U1, "ex_media_offic2")]
    assert collect_stats(store)["handle_changes"] == 1


def test_x_suspension_by_handle_resolves_to_the_account(store, tmp_path):
    ingest_paths(store, [FIXTURES / "x_v2" / "search_recent.json"])
    lookup = {"errors": [{"value": "amplifier_7", "detail": "User has been suspended: "
                          "[amplifier_7].", "title": "Forbidden", "resource_type": "user",
                          "parameter": "usernames", "resource_id": "amplifier_7"}],
              "meta": {"observed_at": "2026-03-07T00:00:00Z"}}
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(lookup))
    ingest_paths(store, [path])
    (amp,) = rows(store, s.Account, s.Account.account_id == X_U2)
    assert amp.status == "suspended"
    assert collect_stats(store)["suspended_accounts"] == 1


def test_mastodon_boost_moved_and_suspended(store):
    ingest_paths(store, [FIXTURES / "mastodon"])
    a1, a2, a3 = "110000000000000001", "110000000000000002", "110000000000000003"
    assert edge_set(store, "mastodon") == sorted([
        (a2, a1, "reshares"), (a2, a1, "replies"), (a2, a1, "mentions"),
        (a3, a1, "quotes"), (a3, a1, "mentions")])
    (relay,) = rows(store, s.Account, s.Account.account_id == a1)
    assert relay.handle == "relay_office@social.example"
    (original,) = rows(store, s.Post, s.Post.post_id == "113100000000000001")
    assert original.hashtags == ["exampletag"] and original.text.startswith("New release")
    (old,) = rows(store, s.Account, s.Account.account_id == "110000000000000004")
    assert old.extra["moved_to"]["handle"] == "relay_office2@other.example"
    (gone,) = rows(store, s.Account, s.Account.account_id == "110000000000000006")
    assert gone.status == "suspended"


def test_bluesky_rename_follows_and_repost(store):
    ingest_paths(store, [FIXTURES / "bluesky" / "profiles.json"])
    ingest_paths(store, [FIXTURES / "bluesky" / "rename_followers.json"])
    relays = rows(store, s.Account, s.Account.account_id == BSKY_RELAY)
    assert [a.handle for a in relays] == ["exrelay-backup.bsky.social"]
    assert handles_of(store, "bluesky", BSKY_RELAY) == ["exrelay-backup.bsky.social",
                                                        "exrelay.bsky.social"]
    ingest_paths(store, [FIXTURES / "bluesky" / "author_feed.json"])
    reshares = rows(store, s.Post, s.Post.reshare_of_post.is_not(None))
    assert [(p.account_id, p.reshare_of_account) for p in reshares] == [
        ("did:plc:examp1ifier3k4l5m6n7o8p9", BSKY_RELAY)]
    assert ("did:plc:exfollower0000000000000a", BSKY_RELAY, "follows") in edge_set(
        store, "bluesky")


def test_telegram_posts_and_edges(store):
    ingest_paths(store, [FIXTURES / "telegram"])
    posts = {p.post_id: p for p in rows(store, s.Post, s.Post.platform == "telegram")}
    assert posts["1801234567/2"].hashtags == ["ExampleTag"]
    assert posts["1801234567/4"].reshare_of_account == "1809999999"
    assert ("1801234567", "1809999999", "reshares") in edge_set(store, "telegram")
    assert ("5550002", "5550001", "mentions") in edge_set(store, "telegram")
    assert not any(p.startswith(("5550099/", "5550100/")) for p in posts)  # private chats


def test_bad_platform_file_is_rejected_whole_with_its_line(store, tmp_path):
    good = (FIXTURES / "x_v2" / "timeline_pages.jsonl").read_text().splitlines()
    bad = json.loads(good[1])
    bad["data"][0]["author_id"] = {"id": X_U1}
    path = tmp_path / "pages.jsonl"
    path.write_text(good[0] + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(RecordError) as info:
        ingest_paths(store, [path])
    assert info.value.line == 2 and "author_id must be a string" in info.value.reason
    assert collect_stats(store)["posts"] == 0
    summary = ingest_paths(store, [path], skip_bad=True)
    assert summary.skipped == 1 and collect_stats(store)["posts"] == 1


def test_directory_of_mixed_formats(store, tmp_path):
    for folder in ("mastodon", "telegram"):
        shutil.copytree(FIXTURES / folder, tmp_path / folder)
    summary = ingest_paths(store, [tmp_path])
    assert sorted(f.format for f in summary.files) == [
        "mastodon", "mastodon", "telegram", "telegram"]
