"""Bluesky AppView JSON -> canonical records (hydrawatch.ingest.bluesky)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hydrawatch.errors import RecordError
from hydrawatch.ingest import bluesky
from tests.helpers import by_kind, load_json

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
D1 = "did:plc:exrelay7q2m4x5b6c7d8e9f0"
D2 = "did:plc:examp1ifier3k4l5m6n7o8p9"
D3 = "did:plc:exresearch1a2b3c4d5e6f7g"
B1 = f"at://{D1}/app.bsky.feed.post/3lbx2aaaa2s2a"
B2 = f"at://{D2}/app.bsky.feed.post/3lbx2bbbb2s2b"
B3 = f"at://{D3}/app.bsky.feed.post/3lbx2cccc2s2c"
REPOST = f"at://{D2}/app.bsky.feed.repost/3lbx2dddd2s2d"


def load(name: str):
    return load_json(FIXTURES / name)



def posts_by_id(records):
    return {r["id"]: r for r in by_kind(records, "post")}


@pytest.fixture
def feed_records():
    return list(bluesky.records(load("author_feed.json"), 1))


def test_author_feed_posts_accounts_once(feed_records):
    posts = posts_by_id(feed_records)
    assert sorted(posts) == sorted([B1, B2, REPOST])
    assert len(by_kind(feed_records, "post")) == 3
    assert sorted(r["id"] for r in by_kind(feed_records, "account")) == sorted([D1, D2])


def test_post_fields(feed_records):
    post = posts_by_id(feed_records)[B1]
    assert post["platform"] == "bluesky"
    assert post["account_id"] == D1
    assert post["created_at"] == "2026-03-01T10:00:00Z"
    assert post["text"] == "Part 4 is out 🔥 #ExampleTag https://files.example.net/r/4"
    assert post["lang"] == "en"
    assert post["hashtags"] == ["ExampleTag"]
    assert post["urls"] == ["https://files.example.net/r/4"]
    assert post["media"] == [{"type": "photo", "url": (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{D1}/bafkreiimg1@jpeg")}]
    assert post["extra"]["cid"] == "bafyrei3lbx2aaaa2s2acid"
    assert post["extra"]["likeCount"] == 4


def test_reply_with_mention_facet(feed_records):
    post = posts_by_id(feed_records)[B2]
    assert post["reply_to"] == {"post_id": B1, "account_id": D1}
    assert post["mentions"] == [{"id": D1, "handle": "exrelay.bsky.social"}]


def test_repost_reason_is_a_reshare_by_its_reposter(feed_records):
    repost = posts_by_id(feed_records)[REPOST]
    assert repost["account_id"] == D2
    assert repost["created_at"] == "2026-03-01T10:40:00Z"
    assert repost["reshare_of"] == {"post_id": B1, "account_id": D1}


def test_repost_without_uri_gets_a_stable_derived_id():
    item = copy.deepcopy(load("author_feed.json")["feed"][1])
    del item["reason"]["uri"]
    ids = [[r["id"] for r in bluesky.records(item, 1) if r.get("reshare_of")]
           for _ in range(2)]
    assert ids[0] == ids[1] == [f"{B1}#repost-by-{D2}"]


def test_quote_embeds_and_quoted_view_record():
    lines = load("posts.jsonl")
    records = list(bluesky.records(lines[1], 2))
    posts = posts_by_id(records)
    assert posts[B3]["quote_of"] == {"post_id": B1, "account_id": D1}
    assert posts[B3]["account_id"] == D3
    quoted = posts[B1]  # the viewRecord carried inside the quote
    assert quoted["account_id"] == D1 and quoted["hashtags"] == ["ExampleTag"]
    assert sorted(r["id"] for r in by_kind(records, "account")) == sorted([D1, D3])


def test_profiles_wrapper():
    records = list(bluesky.records(load("profiles.json"), 1))
    accounts = {r["id"]: r for r in records}
    assert len(records) == 3 and set(accounts) == {D1, D2, D3}
    one = accounts[D1]
    assert one["handle"] == "exrelay.bsky.social"
    assert one["name"] == "Relay"
    assert one["bio"] == "Releases. Mirror: mirror.example.net #ExampleTag"
    assert one["created_at"] == "2025-12-10T10:00:00Z"
    assert (one["followers"], one["following"], one["posts"]) == (812, 3, 95)
    assert one["url"] == f"https://bsky.app/profile/{D1}"
    assert one["extra"]["avatar"].startswith("https://cdn.bsky.app/img/avatar/")


def test_followers_give_follows_edges_and_drop_invalid_handles():
    records = list(bluesky.records(load("rename_followers.json"), 1))
    edges = by_kind(records, "edge")
    assert edges == [
        {"kind": "edge", "platform": "bluesky", "src": D2, "dst": D1, "type": "follows"},
        {"kind": "edge", "platform": "bluesky", "src": "did:plc:exfollower0000000000000a",
         "dst": D1, "type": "follows"}]
    accounts = {r["id"]: r for r in by_kind(records, "account")}
    assert accounts[D1]["handle"] == "exrelay-backup.bsky.social"  # renamed subject
    assert "handle" not in accounts["did:plc:exfollower0000000000000a"]


def test_follows_wrapper_points_from_subject():
    value = {"subject": {"did": D1, "handle": "a.example"},
             "follows": [{"did": D3, "handle": "b.example"}]}
    (edge,) = by_kind(list(bluesky.records(value, 1)), "edge")
    assert (edge["src"], edge["dst"]) == (D1, D3)


def test_thread_walks_parents_and_replies():
    b1, b3 = load("posts.jsonl")
    b2 = load("author_feed.json")["feed"][0]["post"]
    thread = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": b2,
                         "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": b1},
                         "replies": [{"$type": "app.bsky.feed.defs#notFoundPost",
                                      "uri": B3, "notFound": True},
                                     {"$type": "app.bsky.feed.defs#threadViewPost",
                                      "post": b3, "replies": []}]}}
    assert bluesky.sniff(thread)
    assert sorted(posts_by_id(bluesky.records(thread, 1))) == sorted([B1, B2, B3])


def test_facet_byte_offsets_with_multibyte_text():
    text = "مرحبا 🌍 @someone.example hi"
    start = len("مرحبا 🌍 ".encode())
    end = start + len("@someone.example".encode())
    view = {"uri": f"at://{D2}/app.bsky.feed.post/x1", "cid": "c", "indexedAt":
            "2026-03-01T00:00:00Z", "author": {"did": D2, "handle": "a.example"},
            "record": {"text": text, "createdAt": "2026-03-01T00:00:00Z", "facets": [
                {"index": {"byteStart": start, "byteEnd": end},
                 "features": [{"$type": "app.bsky.richtext.facet#mention", "did": D1}]},
                {"index": {"byteStart": 999, "byteEnd": 1000},
                 "features": [{"$type": "app.bsky.richtext.facet#mention", "did": D3}]}]}}
    (post,) = by_kind(list(bluesky.records(view, 1)), "post")
    assert post["mentions"] == [{"id": D1, "handle": "someone.example"},
                                {"id": D3, "handle": None}]


def test_quote_of_a_feed_generator_is_not_a_quote_and_record_with_media_is():
    view = copy.deepcopy(load("posts.jsonl")[1])
    view["record"]["embed"] = {"$type": "app.bsky.embed.record", "record": {
        "uri": f"at://{D1}/app.bsky.feed.generator/best", "cid": "c"}}
    del view["embed"]
    assert "quote_of" not in posts_by_id(bluesky.records(view, 1))[B3]
    view["record"]["embed"] = {"$type": "app.bsky.embed.recordWithMedia",
                               "record": {"record": {"uri": B1, "cid": "c"}},
                               "media": {"$type": "app.bsky.embed.external", "external": {
                                   "uri": "https://news.example.org/x", "title": "t"}}}
    post = posts_by_id(bluesky.records(view, 1))[B3]
    assert post["quote_of"] == {"post_id": B1, "account_id": D1}
    assert post["urls"] == ["https://news.example.org/x"]


def test_array_and_jsonl_of_post_views():
    lines = load("posts.jsonl")
    assert bluesky.sniff(lines)
    assert sorted(posts_by_id(bluesky.records(lines, 1))) == sorted([B1, B3])
    assert all(bluesky.sniff(line) for line in lines)


POST = {"uri": f"at://{D1}/app.bsky.feed.post/k", "cid": "c", "indexedAt": "2026-03-01T00:00:00Z",
        "author": {"did": D1, "handle": "a.example"},
        "record": {"text": "t", "createdAt": "2026-03-01T00:00:00Z"}}


@pytest.mark.parametrize("mutate, reason", [
    (lambda p: p.update(uri="https://bsky.app/x"), "post uri must be an at:// URI"),
    (lambda p: p.update(uri=7.0), "post uri must be a string"),
    (lambda p: p["author"].update(did="alice"), "profile did must be a DID"),
    (lambda p: p["author"].pop("did"), "profile without did"),
    (lambda p: p.update(record="t"), ".record must be an object"),
    (lambda p: (p["record"].pop("createdAt"), p.pop("indexedAt")), "without record.createdAt"),
    (lambda p: p["record"].update(facets={"x": 1}), "record.facets must be a list"),
    (lambda p: p["record"].update(facets=[{"features": [
        {"$type": "app.bsky.richtext.facet#mention", "did": 5}]}]), "mention did must be a string"),
    (lambda p: p["record"].update(reply={"parent": {"uri": "x"}}), "must be an at:// URI"),
    (lambda p: p["author"].update(followersCount=-1), "must not be negative"),
])
def test_bad_posts_raise_record_errors(mutate, reason):
    post = copy.deepcopy(POST)
    mutate(post)
    with pytest.raises(RecordError) as info:
        list(bluesky.records(post, 9))
    assert reason in info.value.reason
    assert info.value.line == 9


def test_bad_wrappers():
    with pytest.raises(RecordError, match="without its subject"):
        list(bluesky.records({"followers": [{"did": D1, "handle": "a"}]}, 1))
    with pytest.raises(RecordError, match="not a Bluesky response"):
        list(bluesky.records({"cursor": "x"}, 1))
    with pytest.raises(RecordError, match="reasonRepost without by"):
        list(bluesky.records({"post": POST, "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost"}}, 1))


def test_sniff():
    for name in ("author_feed.json", "profiles.json", "rename_followers.json"):
        assert bluesky.sniff(load(name)), name
    assert bluesky.sniff({"feed": [], "cursor": "x"})
    assert not bluesky.sniff({"feed": [], "other": 1})
    assert not bluesky.sniff({"kind": "account", "did": "did:plc:x", "handle": "h"})
    assert not bluesky.sniff({"data": [], "meta": {}})
    assert not bluesky.sniff([{"acct": "a", "username": "a"}])
