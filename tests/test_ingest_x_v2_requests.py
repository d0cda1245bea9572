"""Real X API v2 responses (issue 10): tweets requested without expansions, empty pages,
and twarc-saved follower/following pages.

X returns only ``id``, ``text`` and ``edit_history_tweet_ids`` for a tweet unless
``tweet.fields`` asks for more. twarc saves every page with ``__twarc: {url, version,
retrieved_at}``; when that URL is ``/2/users/:id/tweets`` the page's tweets are that user's,
and ``/2/users/:id/followers`` / ``/following`` pages give follow edges."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import select

from hydrawatch.ingest import ingest_paths, x_v2
from hydrawatch.store.schema import Edge, Post

USER = "1890000000000000101"
TWEET = "1895000000000000011"  # a snowflake id: 2025-02-27T06:36:22.054Z


def _twarc(url: str) -> dict:
    return {"url": url, "version": "2.14.0", "retrieved_at": "2026-03-04T09:00:00+00:00"}


def _bare_tweets(*ids: str) -> list[dict]:
    return [{"id": i, "text": f"text of {i}", "edit_history_tweet_ids": [i]} for i in ids]


def _page(data, url: str | None, **extra) -> dict:
    page = {"data": data, "meta": {"result_count": len(data)}, **extra}
    if url is not None:
        page["__twarc"] = _twarc(url)
    return page


def _write(tmp_path, name: str, *pages) -> str:
    path = tmp_path / name
    path.write_bytes(b"\n".join(orjson.dumps(p) for p in pages) + b"\n")
    return str(path)


def _posts(store):
    with store.session() as db:
        return {p.post_id: p for p in db.scalars(select(Post))}


def _edges(store):
    with store.session() as db:
        return sorted((e.src, e.dst, e.type) for e in db.scalars(select(Edge)))


def test_user_timeline_tweets_are_attributed_from_the_request_url(store, tmp_path):
    path = _write(tmp_path, "timeline.jsonl", _page(
        _bare_tweets(TWEET), f"https://api.twitter.com/2/users/{USER}/tweets?max_results=100"))
    summary = ingest_paths(store, [path])
    assert (summary.records, summary.skipped, dict(summary.dropped())) == (1, 0, {})
    post = _posts(store)[TWEET]
    assert post.account_id == USER and post.text == f"text of {TWEET}"
    # no created_at asked for: the snowflake id says when the tweet was made
    assert post.created_at.isoformat().startswith("2025-02-27T06:36:22.054")


@pytest.mark.parametrize("url", [
    "https://api.twitter.com/2/tweets/search/recent?query=%23tag",
    f"https://api.x.com/2/users/{USER}/mentions",  # tweets *mentioning* the user
    f"https://api.twitter.com/2/users/{USER}/liked_tweets",
    None,  # not saved by twarc: nothing names the author
])
def test_tweets_without_author_are_skipped_with_a_counted_reason(store, tmp_path, url):
    path = _write(tmp_path, "search.jsonl", _page(_bare_tweets(TWEET, "1895000000000000012"),
                                                   url))
    summary = ingest_paths(store, [path])  # not rejected, even without --skip-bad
    assert summary.records == 0 and summary.skipped == 0
    ((reason, n),) = summary.dropped().items()
    assert n == 2 and "tweet.fields=author_id" in reason
    assert _posts(store) == {}


def test_tweets_without_a_time_and_no_snowflake_id_are_skipped_with_a_hint(store, tmp_path):
    page = _page([{"id": "20", "text": "an early tweet", "author_id": USER}], None)
    summary = ingest_paths(store, [_write(tmp_path, "old.jsonl", page)])
    ((reason, n),) = summary.dropped().items()
    assert n == 1 and "tweet.fields=created_at" in reason


def test_a_tweet_with_its_author_keeps_it_whatever_the_url(store, tmp_path):
    tweet = {**_bare_tweets(TWEET)[0], "author_id": "42", "created_at": "2026-03-01T00:00:00Z"}
    path = _write(tmp_path, "t.jsonl", _page([tweet], f"https://api.twitter.com/2/users/{USER}/tweets"))
    ingest_paths(store, [path])
    assert _posts(store)[TWEET].account_id == "42"


@pytest.mark.parametrize("content", [
    b"[]", b"[]\n[]\n", b'{"data": []}', b'{"data": [], "meta": {"result_count": 0}}',
    b'{"meta": {"result_count": 0}}',
    orjson.dumps({"meta": {"result_count": 0},
                  "__twarc": _twarc(f"https://api.twitter.com/2/users/{USER}/followers")}),
])
def test_empty_pages_are_accepted(store, tmp_path, content):
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    summary = ingest_paths(store, [path])
    assert summary.records == 0 and summary.skipped == 0 and len(summary.files) == 1


def test_empty_page_before_real_pages_in_jsonl(store, tmp_path):
    path = _write(tmp_path, "pages.jsonl", {"data": []}, _page(
        _bare_tweets(TWEET), f"https://api.twitter.com/2/users/{USER}/tweets"))
    assert ingest_paths(store, [path]).records == 1


def _users(*ids: str) -> list[dict]:
    return [{"id": i, "name": f"User {i}", "username": f"user{i}"} for i in ids]


def test_follow_edges_from_twarc_follower_and_following_pages(store, tmp_path):
    followers = _write(tmp_path, "followers.jsonl", _page(
        _users("11", "12"),
        f"https://api.twitter.com/2/users/{USER}/followers?max_results=1000&user.fields=created_at",
        ), _page(_users("13"), f"https://api.twitter.com/2/users/{USER}/followers?pagination_token=x"))
    following = _write(tmp_path, "following.jsonl", _page(
        _users("11", "21"), f"https://api.x.com/2/users/{USER}/following"))
    lookup = _write(tmp_path, "lookup.jsonl", _page(
        _users("31"), "https://api.twitter.com/2/users?ids=31"))
    summary = ingest_paths(store, [followers, following, lookup])
    assert summary.counts()["edge"] == 5 and summary.counts()["account"] == 6
    assert _edges(store) == sorted([
        ("11", USER, "follows"), ("12", USER, "follows"), ("13", USER, "follows"),
        (USER, "11", "follows"), (USER, "21", "follows")])


def test_request_url_parsing():
    assert x_v2.request_of({"__twarc": _twarc(f"https://api.twitter.com/2/users/{USER}/tweets?x=1")}) \
        == ("tweets", USER)
    assert x_v2.request_of({"__twarc": _twarc("https://api.twitter.com/2/users/by/username/abc")}) \
        == (None, None)
    assert x_v2.request_of({"__twarc": {"url": 5}}) == (None, None)
    assert x_v2.request_of({"__twarc": _twarc("https://api.twitter.com/2/users/not-an-id/tweets")}) \
        == (None, None)
    assert x_v2.request_of({}) == (None, None)
