"""X API v2 pages -> canonical records (hydrawatch.ingest.x_v2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import Dropped
from hydrawatch.ingest import x_v2
from tests.helpers import by_kind, load_json

FIXTURES = Path(__file__).parent / "fixtures" / "x_v2"
U1, U2, U3, U4 = ("1890000000000000101", "1890000000000000102", "1890000000000000103",
                  "1890000000000000104")


def T(n: int) -> str:
    return f"18950000000000{n:05d}"


def load(name: str):
    return load_json(FIXTURES / name)



def posts_by_id(records):
    return {r["id"]: r for r in by_kind(records, "post")}


@pytest.fixture
def search_records():
    return list(x_v2.records(load("search_recent.json"), 1))


def test_search_page_gives_each_tweet_and_user_once(search_records):
    posts = posts_by_id(search_records)
    assert sorted(posts) == [T(n) for n in range(1, 7)]
    assert len(by_kind(search_records, "post")) == 6  # the included copy of T1 is not repeated
    assert sorted(r["id"] for r in by_kind(search_records, "account")) == [U1, U2, U3]
    assert by_kind(search_records, "status") == []


def test_original_tweet_fields(search_records):
    post = posts_by_id(search_records)[T(1)]
    assert post["platform"] == "x"
    assert post["account_id"] == U1
    assert post["created_at"] == "2026-03-01T09:00:00Z"
    assert post["text"].startswith("New release out now")
    assert post["lang"] == "en"
    assert post["hashtags"] == ["ExampleTag", "Release"]
    assert post["urls"] == ["https://files.example.net/r/1"]  # expanded, never the t.co link
    assert post["media"] == [{"url": "https://pbs.twimg.com/media/ex1.jpg", "type": "photo"}]
    assert post["mentions"] == []
    assert "reshare_of" not in post and "reply_to" not in post and "quote_of" not in post
    assert "observed_at" not in post  # created_at is not an observation time
    assert post["extra"]["conversation_id"] == T(1)


def test_retweet_of_included_tweet(search_records):
    post = posts_by_id(search_records)[T(2)]
    assert post["reshare_of"] == {"post_id": T(1), "account_id": U1}
    assert post["mentions"] == [{"id": U1, "handle": "ex_media_office"}]


def test_retweet_of_missing_tweet_falls_back_to_rt_mention(search_records):
    post = posts_by_id(search_records)[T(3)]
    assert post["reshare_of"] == {"post_id": T(90), "account_id": U1}


def test_quote_and_replies(search_records):
    posts = posts_by_id(search_records)
    assert posts[T(4)]["quote_of"] == {"post_id": T(1), "account_id": U1}
    assert posts[T(4)]["urls"] == ["https://news.example.org/2026/03/analysis"]
    assert posts[T(5)]["reply_to"] == {"post_id": T(1), "account_id": U1}
    assert posts[T(5)]["lang"] == "ar"
    # the replied-to tweet is not in the page: in_reply_to_user_id names its author
    assert posts[T(6)]["reply_to"] == {"post_id": T(80), "account_id": U4}


def test_user_fields(search_records):
    accounts = {r["id"]: r for r in by_kind(search_records, "account")}
    one = accounts[U1]
    assert one["platform"] == "x"
    assert one["handle"] == "ex_media_office"
    assert one["name"] == "Example Media Office"
    assert one["bio"] == "Official channel. #ExampleTag"
    assert one["created_at"] == "2025-11-02T08:15:00Z"
    assert (one["followers"], one["following"], one["posts"]) == (2400, 12, 870)
    assert one["url"] == "https://mirror.example.net/office"
    assert one["extra"] == {
        "protected": False, "verified": False, "verified_type": "none", "location": "Somewhere",
        "profile_image_url": "https://pbs.twimg.com/profile_images/101/av_normal.jpg",
        "listed_count": 3}
    assert accounts[U3]["extra"]["verified"] is True
    assert "url" not in accounts[U2]


def test_timeline_jsonl_observed_at_from_twarc_and_rename():
    pages = load("timeline_pages.jsonl")
    first = list(x_v2.records(pages[0], 1))
    second = list(x_v2.records(pages[1], 2))
    assert all(r["observed_at"] == "2026-03-02T09:00:00Z" for r in first)
    assert all(r["observed_at"] == "2026-03-04T09:00:00Z" for r in second)
    (old,) = by_kind(first, "account")
    (new,) = by_kind(second, "account")
    assert old["id"] == new["id"] == U1
    assert (old["handle"], new["handle"]) == ("ex_media_office", "ex_media_offic2")
    video = by_kind(first, "post")[0]["media"]
    assert video == [{"url": "https://pbs.twimg.com/ext_tw_video_thumb/10/pu/img/v.jpg",
                      "type": "video"}]


def test_users_lookup_errors_become_statuses():
    records = list(x_v2.records(load("users_lookup.json"), 1))
    assert sorted(r["id"] for r in by_kind(records, "account")) == [U2, U3]
    statuses = by_kind(records, "status")
    assert statuses == [
        {"kind": "status", "platform": "x", "status": "suspended", "handle": "ex_media_backup",
         "observed_at": "2026-03-05T08:00:00Z"},
        {"kind": "status", "platform": "x", "status": "not_found", "handle": "ex_deleted_one",
         "observed_at": "2026-03-05T08:00:00Z"},
        {"kind": "status", "platform": "x", "status": "suspended",
         "id": "1890000000000000199", "observed_at": "2026-03-05T08:00:00Z"},
    ]


def test_shared_example_files():
    shared = Path(__file__).parent / "fixtures" / "shared_formats"  # copies of shared/formats
    lines = (shared / "x_v2_users_lookup.json").read_text().splitlines()
    records = list(x_v2.records(json.loads(lines[0]), 1))
    assert [(r.get("handle"), r["status"]) for r in by_kind(records, "status")] == [
        ("example_three", "suspended"), ("example_four", "not_found")]


def test_error_variants():
    page = {"errors": [
        {"detail": "Sorry, you are not authorized to see the user with id: [42].",
         "resource_type": "user", "parameter": "id", "resource_id": "42"},
        {"detail": "Could not find tweet with ids: [1].", "resource_type": "tweet",
         "parameter": "ids", "resource_id": "1"},
        {"detail": "Could not find user with ids: [43].", "resource_type": "user",
         "value": 43},
        {"detail": "User has been suspended: [@ExampleCase].", "resource_type": "user",
         "parameter": "usernames", "resource_id": "@ExampleCase"},
    ]}
    statuses = list(x_v2.records(page, 7))
    assert [(s.get("id"), s.get("handle"), s["status"]) for s in statuses] == [
        ("42", None, "protected"), ("43", None, "not_found"),
        (None, "ExampleCase", "suspended")]
    assert all("observed_at" not in s for s in statuses)


def test_json_array_of_pages():
    pages = load("timeline_pages.jsonl")
    records = list(x_v2.records(pages, 1))
    assert [r["id"] for r in by_kind(records, "post")] == [T(10), T(11)]


def test_single_object_data_and_note_tweet():
    tweet = {"id": "5", "author_id": "6", "created_at": "2026-03-01T00:00:00Z",
             "text": "short version…", "note_tweet": {"text": "the full long version"}}
    (post,) = x_v2.records({"data": tweet}, 1)
    assert post["text"] == "the full long version"
    (user,) = x_v2.records({"data": {"id": "6", "username": "solo"}}, 1)
    assert user == {"kind": "account", "platform": "x", "id": "6", "handle": "solo"}


def test_integer_ids_stay_exact_and_floats_are_refused():
    big = 1890000000000000101  # > 2**53: a float would lose the last digits
    page = {"data": [{"id": big, "author_id": big, "created_at": "2026-03-01T00:00:00Z",
                      "text": "x"}]}
    (post,) = x_v2.records(page, 1)
    assert post["id"] == post["account_id"] == "1890000000000000101"
    page["data"][0]["id"] = float(big)
    with pytest.raises(RecordError, match="must be a string"):
        list(x_v2.records(page, 1))


def test_included_tweet_without_author_is_context_only():
    page = {"data": [{"id": "1", "author_id": "2", "created_at": "2026-03-01T00:00:00Z",
                      "text": "RT @nobody: hi",
                      "referenced_tweets": [{"type": "retweeted", "id": "9"}]}],
            "includes": {"tweets": [{"id": "9", "text": "hi"}]}}
    posts = list(x_v2.records(page, 1))
    assert [p["id"] for p in posts] == ["1"]
    assert posts[0]["reshare_of"] == {"post_id": "9", "account_id": None}


def _bad(page, line=3):
    with pytest.raises(RecordError) as info:
        list(x_v2.records(page, line))
    assert info.value.line == line
    return info.value.reason


TWEET = {"id": "1", "author_id": "2", "created_at": "2026-03-01T00:00:00Z", "text": "t"}


@pytest.mark.parametrize("mutate, reason", [
    (lambda t: t.pop("id"), "tweet without id"),
    (lambda t: t.update(author_id=["2"]), "tweet 1.author_id must be a string"),
    (lambda t: t.update(id=True), "tweet.id must be a string, not a boolean"),
    (lambda t: t.update(id=""), "tweet.id is empty"),
    (lambda t: t.update(created_at="yesterday"), "tweet 1.created_at is not a valid time"),
    (lambda t: t.update(text=5), "tweet 1.text must be a string"),
    (lambda t: t.update(entities={"mentions": "x"}), "tweet 1.entities.mentions must be a list"),
    (lambda t: t.update(entities={"hashtags": ["x"]}), "entities.hashtags item must be an object"),
    (lambda t: t.update(referenced_tweets=[{"type": "quoted"}]),
     "referenced_tweets item without id"),
    (lambda t: t.update(attachments={"media_keys": [3]}), "media_keys must hold strings"),
])
def test_bad_tweets_raise_record_errors(mutate, reason):
    tweet = copy.deepcopy(TWEET)
    mutate(tweet)
    assert reason in _bad({"data": [tweet]})


@pytest.mark.parametrize("field, hint", [("author_id", "tweet.fields=author_id"),
                                         ("created_at", "tweet.fields=created_at")])
def test_tweets_lacking_author_or_time_are_dropped_not_errors(field, hint):
    tweet = copy.deepcopy(TWEET)
    tweet.pop(field)
    (dropped,) = list(x_v2.records({"data": [tweet]}, 3))
    assert isinstance(dropped, Dropped) and hint in dropped.reason


@pytest.mark.parametrize("page, reason", [
    ([1, 2], "X API v2 page must be an object"),
    ("page", "X API v2 page must be an object"),
    ({"data": "nope"}, "page.data must be a list or an object"),
    ({"data": [5]}, "data item must be an object"),
    ({"data": [{"id": "1", "foo": 1}]}, "neither a tweet"),
    ({"data": [{"id": "1", "username": "u", "public_metrics": {"followers_count": "many"}}]},
     "followers_count must be an integer"),
    ({"data": [{"username": "u"}]}, "user without id"),
    ({"includes": {"users": {"id": "1"}}}, "includes.users must be a list"),
    ({"errors": [{"detail": "User has been suspended: [x]."}]},
     "user error without resource_id or value"),
    ({"meta": {"observed_at": 12.5e30}}, "page.meta.observed_at is not a valid time"),
])
def test_bad_pages_raise_record_errors(page, reason):
    assert reason in _bad(page)


def test_sniff():
    assert x_v2.sniff(load("search_recent.json"))
    assert x_v2.sniff(load("users_lookup.json"))
    assert all(x_v2.sniff(page) for page in load("timeline_pages.jsonl"))
    assert x_v2.sniff({"meta": {"result_count": 0}})
    assert x_v2.sniff({"data": [{"id": "1", "username": "u"}]})
    assert x_v2.sniff({"errors": [{"detail": "User has been suspended: [x].",
                                   "resource_type": "user"}]})
    assert not x_v2.sniff({"kind": "post", "data": []})
    assert not x_v2.sniff({"data": [{"id": 1}]})
    assert not x_v2.sniff({"feed": []})
    assert x_v2.sniff([load("users_lookup.json")])
    assert not x_v2.sniff([{"feed": []}])
    assert not x_v2.sniff("data")
