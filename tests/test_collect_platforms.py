"""The collector against each platform's documented response shapes (httpx MockTransport):
pagination, rate limits from the platform's headers, an account suspended or deleted
mid-crawl, a page that fails twice then succeeds; raw pages re-ingest as received."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
import stamina
from sqlalchemy import select

from hydrawatch.collect import CollectConfig, Limits, Target, collect, make_fetchers
from hydrawatch.ingest import ingest_paths
from hydrawatch.store import open_store
from hydrawatch.store.schema import Account, CrawlAccount, CrawlLimit, CrawlPage, Edge, Post, Status

X_ENV = {"HYDRAWATCH_X_BEARER_TOKEN": "t", "HYDRAWATCH_X_API_URL": "https://api.x.test"}
M_ENV = {"HYDRAWATCH_MASTODON_URL": "https://masto.test"}
B_ENV = {"HYDRAWATCH_BSKY_URL": "https://appview.test"}


@pytest.fixture(autouse=True)
def _no_backoff_waits():
    with stamina.set_testing(True, attempts=4, cap=True):
        yield


class Fake:
    """Routes by path; each route answers from a list (the last answer repeats)."""

    def __init__(self, routes):
        self.routes = {k: list(v) for k, v in routes.items()}
        self.log: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(str(request.url))
        key = request.url.path
        cursor = (parse_qs(urlsplit(str(request.url)).query).get("pagination_token")
                  or parse_qs(urlsplit(str(request.url)).query).get("cursor")
                  or parse_qs(urlsplit(str(request.url)).query).get("max_id") or [None])[0]
        answers = self.routes.get(f"{key}#{cursor}") or self.routes.get(key)
        if not answers:
            return httpx.Response(404, json={"error": "Record not found"})
        status, body, headers = answers.pop(0) if len(answers) > 1 else answers[0]
        return httpx.Response(status, json=body, headers=headers or {})


def run(store, tmp_path, env, fake, seeds, platform, **kw):
    http = httpx.Client(transport=httpx.MockTransport(fake))
    fetchers = make_fetchers((platform,), http, env, kw.pop("limits", Limits(list_pages=5)))
    slept = []
    for f in fetchers.values():
        f.client.sleep = slept.append
    config = CollectConfig(out=tmp_path / "out", hops=kw.pop("hops", 1),
                           max_accounts=kw.pop("max_accounts", 10), platforms=(platform,))
    summary = collect(store, seeds, config, env=env, http=http, fetchers=fetchers)
    return summary, slept


def pages(tmp_path, platform):
    return [orjson.loads(x) for x in (tmp_path / "out" / "pages" / f"{platform}.jsonl").read_bytes().splitlines()]


def table(store, *cols):
    with store.session(readonly=True) as db:
        return sorted(tuple(r) for r in db.execute(select(*cols)))


def x_user(i, name=None):
    return {"id": str(i), "username": name or f"user{i}", "name": f"User {i}",
            "created_at": "2020-01-01T00:00:00.000Z", "description": "bio",
            "public_metrics": {"followers_count": 1, "following_count": 1, "tweet_count": 1, "listed_count": 0}}


SUSPENDED = {"errors": [{"value": "30", "detail": "User has been suspended: [30].", "title": "Forbidden",
                         "resource_type": "user", "parameter": "id", "resource_id": "30",
                         "type": "https://api.twitter.com/2/problems/resource-not-found"}]}


def test_x_pagination_rate_limit_suspension_and_retries(store, tmp_path):
    reset = str(int(time.time()) + 20)
    tweets = {"data": [{"id": "100", "text": "hello #tag https://evil.example/x", "author_id": "10",
                        "created_at": "2026-01-01T00:00:00.000Z", "edit_history_tweet_ids": ["100"],
                        "entities": {"hashtags": [{"start": 6, "end": 10, "tag": "tag"}],
                                     "urls": [{"url": "https://evil.example/x", "expanded_url": "https://evil.example/x"}]},
                        "referenced_tweets": [{"type": "retweeted", "id": "99"}]}],
              "includes": {"users": [x_user(10, "seed")],
                           "tweets": [{"id": "99", "text": "orig", "author_id": "20",
                                       "created_at": "2025-12-31T00:00:00.000Z"}]},
              "meta": {"result_count": 1, "newest_id": "100", "oldest_id": "100"}}
    fake = Fake({
        "/2/users/10": [(200, {"data": x_user(10, "seed")}, None)],
        "/2/users/10/tweets": [(503, {"title": "Service Unavailable"}, None),
                               (503, {"title": "Service Unavailable"}, None), (200, tweets, None)],
        "/2/users/10/followers#None": [(429, {"title": "Too Many Requests"},
                                        {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}),
                                       (200, {"data": [x_user(20)], "meta": {"result_count": 1, "next_token": "NEXT"}},
                                        {"x-rate-limit-remaining": "14", "x-rate-limit-reset": reset})],
        "/2/users/10/followers#NEXT": [(200, {"data": [x_user(30)], "meta": {"result_count": 1}}, None)],
        "/2/users/10/following": [(200, {"meta": {"result_count": 0}}, None)],
        "/2/users/20": [(200, {"data": x_user(20)}, None)],
        "/2/users/20/tweets": [(200, {"meta": {"result_count": 0}}, None)],
        "/2/users/20/followers": [(200, {"meta": {"result_count": 0}}, None)],
        "/2/users/20/following": [(200, {"meta": {"result_count": 0}}, None)],
        "/2/users/30": [(200, {"data": x_user(30)}, None)],
        "/2/users/30/tweets": [(200, SUSPENDED, None)],   # suspended between two requests
    })
    summary, slept = run(store, tmp_path, X_ENV, fake, [Target("x", "10")], "x")
    # pagination: the second followers page was asked with the first page's next_token
    assert any("pagination_token=NEXT" in u for u in fake.log)
    # the 429 waited until x-rate-limit-reset (Unix seconds), once
    assert len(slept) == 1 and 5 < slept[0] <= 20
    # the tweets page failed twice (503) then succeeded: asked three times, written once
    assert sum("/2/users/10/tweets" in u for u in fake.log) == 3
    written = pages(tmp_path, "x")
    assert sum(p["endpoint"] == "posts" and p["account"] == "10" for p in written) == 1
    # every request named the fields and expansions that attribute tweets and users
    tweet_url = next(u for u in fake.log if "/2/users/10/tweets" in u)
    q = parse_qs(urlsplit(tweet_url).query)
    assert {"author_id", "created_at", "entities", "referenced_tweets"} <= set(q["tweet.fields"][0].split(","))
    assert {"author_id", "referenced_tweets.id"} <= set(q["expansions"][0].split(","))
    # never a URL from a post
    assert not any("evil.example" in u for u in fake.log)
    states = dict(table(store, CrawlAccount.account_id, CrawlAccount.state))
    assert states == {"10": "done", "20": "done", "30": "gone"}
    assert ("x", "30", "suspended") in table(store, Status.platform, Status.account_id, Status.status)
    assert ("x", "20", "10", "follows") in table(store, Edge.platform, Edge.src, Edge.dst, Edge.type)
    assert ("100", "10", "99") in table(store, Post.post_id, Post.account_id, Post.reshare_of_post)
    with store.session(readonly=True) as db:
        assert db.get(CrawlLimit, "x") is not None
    assert summary.fetched == len(written)
    for p in written:
        assert {"url", "fetched_at", "status", "headers", "body"} <= set(p)


def test_collection_reingests_as_received(store, tmp_path, db_url):
    fake = Fake({"/2/users/10": [(200, {"data": x_user(10)}, None)],
                 "/2/users/10/tweets": [(200, {"data": [{"id": "5", "text": "t", "author_id": "10",
                                                         "created_at": "2026-01-01T00:00:00.000Z"}],
                                               "meta": {"result_count": 1}}, None)],
                 "/2/users/10/followers": [(200, {"data": [x_user(11)], "meta": {"result_count": 1}}, None)],
                 "/2/users/10/following": [(200, {"data": [x_user(12)], "meta": {"result_count": 1}}, None)]})
    run(store, tmp_path, X_ENV, fake, [Target("x", "10")], "x", max_accounts=1)
    other = open_store(db_url.replace("test.db", "again.db")) if db_url.startswith("sqlite") else None
    if other is None:
        pytest.skip("re-ingest compared on SQLite")
    other.init()
    summary = ingest_paths(other, [tmp_path / "out"])
    assert summary.files and summary.files[0].format == "collection"
    for cols in ((Account.account_id, Account.handle, Account.bio), (Post.post_id, Post.account_id, Post.text),
                 (Edge.src, Edge.dst, Edge.type)):
        assert table(store, *cols) == table(other, *cols)


def masto_account(i, acct=None):
    return {"id": str(i), "username": f"u{i}", "acct": acct or f"u{i}@masto.test", "display_name": f"U {i}",
            "url": f"https://masto.test/@u{i}", "note": "<p>bio</p>", "created_at": "2024-01-01T00:00:00.000Z",
            "followers_count": 1, "following_count": 1, "statuses_count": 1, "locked": False, "bot": False}


def test_mastodon_link_pagination_iso_reset_and_deleted(store, tmp_path):
    reset = (datetime.now(timezone.utc) + timedelta(seconds=20)).isoformat().replace("+00:00", "Z")
    nxt = {"Link": '<https://masto.test/api/v1/accounts/1/followers?limit=80&max_id=77>; rel="next", '
                   '<https://masto.test/api/v1/accounts/1/followers?limit=80&since_id=99>; rel="prev"',
           "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": reset}
    status = {"id": "500", "created_at": "2026-01-01T00:00:00.000Z", "content": "<p>hi</p>",
              "account": masto_account(1), "media_attachments": [], "mentions": [], "tags": [],
              "in_reply_to_id": None, "in_reply_to_account_id": None, "reblog": None,
              "visibility": "public", "language": "en", "url": "https://masto.test/@u1/500"}
    fake = Fake({
        "/api/v1/accounts/1": [(200, masto_account(1), None)],
        "/api/v1/accounts/1/statuses": [(503, {"error": "x"}, None), (503, {"error": "x"}, None),
                                        (200, [status], None)],
        "/api/v1/accounts/1/followers#None": [(429, {"error": "Too many requests"},
                                               {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
                                              (200, [masto_account(2)], nxt)],
        "/api/v1/accounts/1/followers#77": [(200, [masto_account(3)], {
            "Link": '<https://elsewhere.test/api/v1/accounts/1/followers?max_id=5>; rel="next"'})],
        "/api/v1/accounts/1/following": [(200, [], None)],
        "/api/v1/accounts/2": [(200, masto_account(2), None)],
        "/api/v1/accounts/2/statuses": [(404, {"error": "Record not found"}, None)],  # deleted meanwhile
        "/api/v1/accounts/3": [(200, {**masto_account(3), "suspended": True}, None)],
    })
    _, slept = run(store, tmp_path, M_ENV, fake, [Target("mastodon", "1", "u1@masto.test")], "mastodon")
    assert len(slept) == 1 and 5 < slept[0] <= 20   # X-RateLimit-Reset is an ISO time
    assert any("max_id=77" in u for u in fake.log)
    assert not any("elsewhere.test" in u for u in fake.log)   # a Link to another host is not followed
    assert sum(u.startswith("https://masto.test/api/v1/accounts/1/statuses") for u in fake.log) == 3
    states = dict(table(store, CrawlAccount.account_id, CrawlAccount.state))
    assert states == {"1": "done", "2": "gone", "3": "gone"}
    statuses = table(store, Status.account_id, Status.status)
    assert ("2", "not_found") in statuses and ("3", "suspended") in statuses
    assert ("2", "1", "follows") in table(store, Edge.src, Edge.dst, Edge.type)
    assert ("500", "1") in table(store, Post.post_id, Post.account_id)
    limit_page = [p for p in pages(tmp_path, "mastodon") if p["endpoint"] == "followers"][0]
    assert "x-ratelimit-reset" in limit_page["headers"]


def bsky_profile(i):
    return {"did": f"did:plc:{i}", "handle": f"u{i}.bsky.test", "displayName": f"U {i}",
            "description": "bio", "followersCount": 1, "followsCount": 1, "postsCount": 1,
            "createdAt": "2024-01-01T00:00:00.000Z", "indexedAt": "2024-01-01T00:00:00.000Z"}


def test_bluesky_cursor_unix_reset_and_takedown(store, tmp_path):
    reset = str(int(time.time()) + 20)
    post = {"post": {"uri": "at://did:plc:1/app.bsky.feed.post/3k", "cid": "bafy", "author": bsky_profile(1),
                     "record": {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2026-01-01T00:00:00.000Z"},
                     "indexedAt": "2026-01-01T00:00:00.000Z"}}
    fake = Fake({
        "/xrpc/app.bsky.actor.getProfile": [(200, bsky_profile(1), None),
                                            (400, {"error": "AccountTakedown", "message": "Account has been suspended"}, None)],
        "/xrpc/app.bsky.feed.getAuthorFeed": [(503, {"error": "x"}, None), (503, {"error": "x"}, None),
                                              (200, {"feed": [post]}, None)],
        "/xrpc/app.bsky.graph.getFollowers#None": [
            (429, {"error": "RateLimitExceeded"}, {"RateLimit-Remaining": "0", "RateLimit-Reset": reset}),
            (200, {"subject": bsky_profile(1), "followers": [bsky_profile(2)], "cursor": "C2"}, None)],
        "/xrpc/app.bsky.graph.getFollowers#C2": [(200, {"subject": bsky_profile(1), "followers": [bsky_profile(3)]}, None)],
        "/xrpc/app.bsky.graph.getFollows": [(200, {"subject": bsky_profile(1), "follows": []}, None)],
    })
    _, slept = run(store, tmp_path, B_ENV, fake, [Target("bluesky", "did:plc:1")], "bluesky", max_accounts=2)
    assert any("cursor=C2" in u for u in fake.log)
    assert len(slept) == 1 and 5 < slept[0] <= 20
    states = dict(table(store, CrawlAccount.account_id, CrawlAccount.state))
    assert states["did:plc:1"] == "done"
    gone = [a for a, s in states.items() if s == "gone"]
    assert len(gone) == 1 and ("bluesky", gone[0], "suspended") in table(store, Status.platform, Status.account_id, Status.status)
    assert ("did:plc:2", "did:plc:1") in table(store, Edge.src, Edge.dst)
    assert table(store, CrawlPage.endpoint).count(("followers",)) == 2


def test_budget_is_never_exceeded(store, tmp_path):
    fake = Fake({"/2/users/1": [(200, {"data": x_user(1)}, None)],
                 "/2/users/1/followers": [(200, {"data": [x_user(i) for i in range(2, 40)],
                                                 "meta": {"result_count": 38}}, None)]})
    for i in range(2, 40):
        fake.routes[f"/2/users/{i}"] = [(200, {"data": x_user(i)}, None)]
    for path in ("tweets", "following"):
        fake.routes[f"/2/users/1/{path}"] = [(200, {"meta": {"result_count": 0}}, None)]
    summary, _ = run(store, tmp_path, X_ENV, fake, [Target("x", "1")], "x", max_accounts=5)
    states = [s for _, s in table(store, CrawlAccount.account_id, CrawlAccount.state)]
    assert len([s for s in states if s != "queued"]) == 5
    assert summary.accounts["x"]["accounts"]["queued"] == 38 - 4


def test_new_accounts_are_the_ones_the_store_did_not_know(store, tmp_path):
    (tmp_path / "known.jsonl").write_bytes(orjson.dumps({"kind": "account", "platform": "x", "id": "2",
                                                         "handle": "user2"}) + b"\n")
    ingest_paths(store, [tmp_path / "known.jsonl"])
    fake = Fake({"/2/users/1/followers": [(200, {"data": [x_user(2), x_user(3)], "meta": {"result_count": 2}}, None)]})
    for i in (1, 2, 3):
        fake.routes[f"/2/users/{i}"] = [(200, {"data": x_user(i)}, None)]
    for path in ("tweets", "following"):
        fake.routes[f"/2/users/1/{path}"] = [(200, {"meta": {"result_count": 0}}, None)]
    for i in (2, 3):
        for path in ("tweets", "followers", "following"):
            fake.routes[f"/2/users/{i}/{path}"] = [(200, {"meta": {"result_count": 0}}, None)]
    summary, _ = run(store, tmp_path, X_ENV, fake, [Target("x", "1")], "x", max_accounts=3)
    assert summary.collected == [("x", "1"), ("x", "2"), ("x", "3")]
    assert summary.new_accounts == [("x", "1"), ("x", "3")]
