"""The collection endpoints as the simulator answers them (over ``world.data``, a
``platform_data.CollectData``), with each platform's pagination and error shapes:

    X v2       GET /2/users/:id   /2/users/:id/tweets   /2/users/:id/followers   /following
               (tweet.fields, user.fields, expansions honoured: a tweet carries only id,
               text and edit_history_tweet_ids unless more is asked; ``meta.next_token``)
    Mastodon   GET /api/v1/accounts/:id   /statuses   /followers   /following
               (``limit``, ``max_id``; the next page in a ``Link: <...>; rel="next"`` header;
               a suspended account answers ``suspended: true`` and empty lists, a deleted
               one 404 ``{"error": "Record not found"}``)
    Bluesky    GET /xrpc/app.bsky.feed.getAuthorFeed   app.bsky.graph.getFollowers
               app.bsky.graph.getFollows   (``limit``, opaque ``cursor``; XRPC errors)
               app.bsky.actor.getProfile (the full profile, replacing platform_endpoints')
    and Mastodon's /api/v1/accounts/lookup likewise (full account, same errors)
"""

from __future__ import annotations

import hashlib
import html
from urllib.parse import urlencode, urlsplit

from hydrawatch.sim.platform_data import CollectData
from hydrawatch.sim.platform_endpoints import (X_NOT_FOUND_TYPE, _bearer, _bsky_find, _bsky_profile,
                                               _masto_account, _xrpc_error)
from hydrawatch.sim.platform_server import SimRequest, SimResponse, route

EMPTY = CollectData()


def _data(req: SimRequest) -> CollectData:
    return req.world.data or EMPTY


def _limit(req: SimRequest, name: str, default: int, low: int, high: int) -> int | None:
    raw = req.arg(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _offset(cursor: str | None, prefix: str) -> int | None:
    if not cursor:
        return 0
    if not cursor.startswith(prefix) or not cursor[len(prefix):].isdigit():
        return None
    return int(cursor[len(prefix):])


# -- X API v2 -----------------------------------------------------------------------------------

def _fields(req: SimRequest, name: str) -> set[str]:
    return {f for f in (req.arg(name) or "").split(",") if f}


def _x_user(req: SimRequest, account_id: str, fields: set[str]) -> dict | None:
    acc = req.world.by_id("x", account_id)
    if acc is None:
        return None
    prof = _data(req).profile("x", account_id)
    user = {"id": acc.account_id, "name": prof.get("name") or acc.name or acc.handle,
            "username": acc.handle}
    full = {"created_at": _xtime(prof.get("created_at")), "description": prof.get("bio") or "",
            "protected": False, "verified": False,
            "profile_image_url": f"https://pbs.twimg.example/profile_images/{acc.account_id}/a_normal.jpg",
            "public_metrics": {"followers_count": len(_data(req).followers.get(("x", account_id), [])),
                               "following_count": len(_data(req).following.get(("x", account_id), [])),
                               "tweet_count": len(_data(req).posts.get(("x", account_id), [])),
                               "listed_count": 0}}
    user.update({k: v for k, v in full.items() if k in fields and v is not None})
    return user


def _xtime(t: str | None) -> str | None:
    return t[:-1] + ".000Z" if t and t.endswith("Z") and "." not in t else t


def _x_error(value: str, status: str, parameter: str = "id") -> dict:
    suspended = status == "suspended"
    return {"value": value, "resource_id": value, "parameter": parameter, "resource_type": "user",
            "title": "Forbidden" if suspended else "Not Found Error",
            "detail": (f"User has been suspended: [{value}]." if suspended
                       else f"Could not find user with {parameter}: [{value}]."),
            "type": X_NOT_FOUND_TYPE}


def _x_gate(req: SimRequest) -> SimResponse | None:
    """401 without a bearer token; a page of ``errors`` for an unavailable user."""
    if not _bearer(req):
        return SimResponse(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                 "detail": "Unauthorized"})
    uid = req.params["id"]
    acc = req.world.by_id("x", uid)
    status = req.world.status(acc) if acc else "not_found"
    if status != "active":
        return SimResponse(200, {"errors": [_x_error(uid, status)]})
    return None


def _x_entities(post: dict) -> dict:
    text, out = post["text"], {}
    tags = []
    for tag in post["hashtags"]:
        at = text.find("#" + tag)
        if at >= 0:
            tags.append({"start": at, "end": at + 1 + len(tag), "tag": tag})
    mentions = []
    for m in post["mentions"]:
        handle = m.get("handle") if isinstance(m, dict) else str(m)
        at = text.find("@" + (handle or ""))
        if handle and at >= 0:
            item = {"start": at, "end": at + 1 + len(handle), "username": handle}
            if isinstance(m, dict) and m.get("id"):
                item["id"] = m["id"]
            mentions.append(item)
    if tags:
        out["hashtags"] = tags
    if mentions:
        out["mentions"] = mentions
    return out


def _x_refs(post: dict) -> list[dict]:
    refs = []
    for key, kind in (("reshare_of", "retweeted"), ("quote_of", "quoted"), ("reply_to", "replied_to")):
        if post.get(key):
            refs.append({"type": kind, "id": post[key]})
    return refs


def _x_tweet(post: dict, fields: set[str]) -> dict:
    tweet = {"id": post["id"], "text": post["text"], "edit_history_tweet_ids": [post["id"]]}
    full = {"author_id": post["author"], "created_at": _xtime(post["created_at"]), "lang": post["lang"],
            "conversation_id": post["id"], "entities": _x_entities(post) or None,
            "referenced_tweets": _x_refs(post) or None,
            "in_reply_to_user_id": post.get("reply_author")}
    tweet.update({k: v for k, v in full.items() if k in fields and v is not None})
    return tweet


@route("GET", "/2/users/{id}", "x")
def x_user(req: SimRequest) -> SimResponse:
    gate = _x_gate(req)
    if gate is not None:
        return gate
    return SimResponse(200, {"data": _x_user(req, req.params["id"], _fields(req, "user.fields"))})


@route("GET", "/2/users/{id}/tweets", "x")
def x_tweets(req: SimRequest) -> SimResponse:
    gate = _x_gate(req)
    if gate is not None:
        return gate
    size, start = _limit(req, "max_results", 10, 5, 100), _offset(req.arg("pagination_token"), "t")
    if size is None or start is None:
        return _x_invalid("max_results must be 5 to 100 and pagination_token one we gave")
    data = _data(req)
    posts = data.posts.get(("x", req.params["id"]), [])
    page = posts[start:start + size]
    tfields, ufields, exp = _fields(req, "tweet.fields"), _fields(req, "user.fields"), _fields(req, "expansions")
    body: dict = {"meta": {"result_count": len(page)}}
    if page:
        body["data"] = [_x_tweet(p, tfields) for p in page]
        body["meta"].update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
    users, tweets = [], []
    if "referenced_tweets.id" in exp:
        for p in page:
            for ref in _x_refs(p):
                target = data.post_index.get(("x", ref["id"]))
                if target is not None:
                    tweets.append(_x_tweet(target, tfields))
    authors = []
    if "author_id" in exp:
        authors += [p["author"] for p in page]
    if "referenced_tweets.id.author_id" in exp:
        authors += [t.get("author_id") or data.post_index[("x", t["id"])]["author"] for t in tweets]
    for uid in dict.fromkeys(a for a in authors if a):
        user = _x_user(req, uid, ufields)
        if user is not None:
            users.append(user)
    includes = {k: v for k, v in (("users", users), ("tweets", tweets)) if v}
    if includes:
        body["includes"] = includes
    if start + size < len(posts):
        body["meta"]["next_token"] = f"t{start + size}"
    return SimResponse(200, body)


def _x_invalid(detail: str) -> SimResponse:
    return SimResponse(400, {"errors": [{"message": detail}], "title": "Invalid Request",
                             "type": "https://api.twitter.com/2/problems/invalid-request",
                             "detail": "One or more parameters to your request was invalid."})


def _x_people(req: SimRequest, lists: dict) -> SimResponse:
    gate = _x_gate(req)
    if gate is not None:
        return gate
    size, start = _limit(req, "max_results", 100, 1, 1000), _offset(req.arg("pagination_token"), "u")
    if size is None or start is None:
        return _x_invalid("max_results must be 1 to 1000 and pagination_token one we gave")
    ids = lists.get(("x", req.params["id"]), [])
    fields = _fields(req, "user.fields")
    users = [u for u in (_x_user(req, i, fields) for i in ids[start:start + size]) if u]
    body: dict = {"meta": {"result_count": len(users)}}
    if users:
        body["data"] = users
    if start + size < len(ids):
        body["meta"]["next_token"] = f"u{start + size}"
    return SimResponse(200, body)


@route("GET", "/2/users/{id}/followers", "x")
def x_followers(req: SimRequest) -> SimResponse:
    return _x_people(req, _data(req).followers)


@route("GET", "/2/users/{id}/following", "x")
def x_following(req: SimRequest) -> SimResponse:
    return _x_people(req, _data(req).following)


# -- Mastodon -----------------------------------------------------------------------------------

def _masto_full(req: SimRequest, account_id: str) -> dict | None:
    acc = req.world.by_id("mastodon", account_id)
    if acc is None:
        return None
    data = _data(req)
    prof = data.profile("mastodon", account_id)
    out = _masto_account(acc, suspended=req.world.status(acc) == "suspended")
    if not out.get("suspended"):
        out.update(display_name=prof.get("name") or out["display_name"],
                   note=f"<p>{html.escape(prof.get('bio') or '')}</p>",
                   created_at=(prof.get("created_at") or "2025-01-01T00:00:00Z").replace("Z", ".000Z"),
                   followers_count=len(data.followers.get(("mastodon", account_id), [])),
                   following_count=len(data.following.get(("mastodon", account_id), [])),
                   statuses_count=len(data.posts.get(("mastodon", account_id), [])))
    return out


def _masto_gate(req: SimRequest) -> tuple[dict | None, SimResponse | None]:
    account = _masto_full(req, req.params["id"])
    if account is None or req.world.status(req.world.by_id("mastodon", req.params["id"])) not in (
            "active", "suspended"):
        return None, SimResponse(404, {"error": "Record not found"})
    return account, None


def _masto_status(req: SimRequest, post: dict, depth: int = 0) -> dict:
    data = _data(req)
    author = _masto_full(req, post["author"]) or {"id": post["author"], "username": post["author"],
                                                 "acct": post["author"]}
    tags = [{"name": t, "url": f"https://{_domain(author)}/tags/{t}"} for t in post["hashtags"]]
    mentions = [{"id": m.get("id") or "", "username": (m.get("handle") or "").split("@")[0],
                 "acct": m.get("handle") or "", "url": ""} for m in post["mentions"] if isinstance(m, dict)]
    reblog = None
    if post.get("reshare_of") and depth == 0:
        target = data.post_index.get(("mastodon", post["reshare_of"]))
        if target is not None:
            reblog = _masto_status(req, target, 1)
    return {"id": post["id"], "created_at": (post["created_at"] or "").replace("Z", ".000Z"),
            "content": "" if reblog else f"<p>{html.escape(post['text'])}</p>", "account": author,
            "media_attachments": [], "mentions": mentions, "tags": tags,
            "in_reply_to_id": post.get("reply_to"), "in_reply_to_account_id": post.get("reply_author"),
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": post["lang"],
            "uri": f"https://{_domain(author)}/users/{author.get('username')}/statuses/{post['id']}",
            "url": f"https://{_domain(author)}/@{author.get('username')}/{post['id']}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "reblog": reblog}


def _domain(account: dict) -> str:
    return urlsplit(account.get("url") or "https://mastodon.example").hostname or "mastodon.example"


def _link(req: SimRequest, cursor: str) -> dict[str, str]:
    parts = urlsplit(req.url)
    query = {k: v[0] for k, v in req.query.items() if k not in ("max_id", "min_id", "since_id")}
    query["max_id"] = cursor
    return {"Link": f'<{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}>; rel="next"'}


@route("GET", "/api/v1/accounts/lookup", "mastodon")
def masto_lookup_full(req: SimRequest) -> SimResponse:
    """Replaces platform_endpoints' lookup: the same answers, the account in full."""
    from hydrawatch.sim.platform_endpoints import masto_lookup

    found = masto_lookup(req)
    if found.status != 200:
        return found
    return SimResponse(200, _masto_full(req, found.body["id"]))


@route("GET", "/api/v1/accounts/{id}", "mastodon")
def masto_account(req: SimRequest) -> SimResponse:
    account, gate = _masto_gate(req)
    return gate or SimResponse(200, account)


@route("GET", "/api/v1/accounts/{id}/statuses", "mastodon")
def masto_statuses(req: SimRequest) -> SimResponse:
    account, gate = _masto_gate(req)
    if gate is not None:
        return gate
    size = _limit(req, "limit", 20, 1, 40) or 40
    posts = [] if account.get("suspended") else _data(req).posts.get(("mastodon", req.params["id"]), [])
    max_id = req.arg("max_id")
    if max_id:
        posts = [p for p in posts if _older(p["id"], max_id)]
    page = posts[:size]
    headers = _link(req, page[-1]["id"]) if len(posts) > size else {}
    return SimResponse(200, [_masto_status(req, p) for p in page], headers)


def _older(post_id: str, max_id: str) -> bool:
    if post_id.isdigit() and max_id.isdigit():
        return int(post_id) < int(max_id)
    return post_id < max_id


def _masto_people(req: SimRequest, lists: dict) -> SimResponse:
    account, gate = _masto_gate(req)
    if gate is not None:
        return gate
    size = _limit(req, "limit", 40, 1, 80) or 80
    ids = [] if account.get("suspended") else lists.get(("mastodon", req.params["id"]), [])
    # Pages run newest follow first; a follow's position stands in for its Follow id.
    start = _offset(req.arg("max_id"), "f") or 0
    out = [a for a in (_masto_full(req, i) for i in ids[start:start + size]) if a]
    headers = _link(req, f"f{start + size}") if start + size < len(ids) else {}
    return SimResponse(200, out, headers)


@route("GET", "/api/v1/accounts/{id}/followers", "mastodon")
def masto_followers(req: SimRequest) -> SimResponse:
    return _masto_people(req, _data(req).followers)


@route("GET", "/api/v1/accounts/{id}/following", "mastodon")
def masto_following(req: SimRequest) -> SimResponse:
    return _masto_people(req, _data(req).following)


# -- Bluesky ------------------------------------------------------------------------------------

def _bsky_gate(req: SimRequest):
    acc = _bsky_find(req, req.arg("actor") or "")
    status = req.world.status(acc) if acc else "not_found"
    if status in ("takendown", "suspended"):
        return None, _xrpc_error("AccountTakedown", "Account has been suspended")
    if status == "deactivated":
        return None, _xrpc_error("AccountDeactivated", "Account is deactivated")
    if status != "active":
        return None, _xrpc_error("InvalidRequest", "Profile not found")
    return acc, None


def bsky_profile_full(req: SimRequest, acc) -> dict:
    data = _data(req)
    prof = data.profile("bluesky", acc.account_id)
    out = _bsky_profile(acc)
    out.update(description=prof.get("bio") or "", createdAt=prof.get("created_at") or out["indexedAt"],
               displayName=prof.get("name") or out["displayName"],
               followersCount=len(data.followers.get(("bluesky", acc.account_id), [])),
               followsCount=len(data.following.get(("bluesky", acc.account_id), [])),
               postsCount=len(data.posts.get(("bluesky", acc.account_id), [])))
    return out


def _bsky_post(req: SimRequest, post: dict) -> dict:
    acc = req.world.by_id("bluesky", post["author"])
    author = ({"did": acc.account_id, "handle": acc.handle, "displayName": acc.name or ""}
              if acc else {"did": post["author"], "handle": "handle.invalid"})
    record = {"$type": "app.bsky.feed.post", "text": post["text"], "createdAt": post["created_at"]}
    if post["lang"]:
        record["langs"] = [post["lang"]]
    return {"uri": post["id"], "cid": "bafy" + hashlib.sha256(post["id"].encode()).hexdigest()[:24], "author": author,
            "record": record, "indexedAt": post["created_at"], "labels": []}


def _bsky_page(req: SimRequest, items: list, default: int = 50) -> tuple[list, dict] | SimResponse:
    size, start = _limit(req, "limit", default, 1, 100), _offset(req.arg("cursor"), "c")
    if size is None or start is None:
        return _xrpc_error("InvalidRequest", "limit must be 1 to 100 and cursor one we gave")
    extra = {"cursor": f"c{start + size}"} if start + size < len(items) else {}
    return items[start:start + size], extra


@route("GET", "/xrpc/app.bsky.actor.getProfile", "bluesky")
def bsky_profile(req: SimRequest) -> SimResponse:
    """Replaces platform_endpoints' getProfile: the same errors, the profile in full."""
    acc, gate = _bsky_gate(req)
    return gate or SimResponse(200, bsky_profile_full(req, acc))


@route("GET", "/xrpc/app.bsky.feed.getAuthorFeed", "bluesky")
def bsky_author_feed(req: SimRequest) -> SimResponse:
    acc, gate = _bsky_gate(req)
    if gate is not None:
        return gate
    paged = _bsky_page(req, _data(req).posts.get(("bluesky", acc.account_id), []))
    if isinstance(paged, SimResponse):
        return paged
    page, extra = paged
    return SimResponse(200, {"feed": [{"post": _bsky_post(req, p)} for p in page], **extra})


def _bsky_people(req: SimRequest, lists: dict, key: str) -> SimResponse:
    acc, gate = _bsky_gate(req)
    if gate is not None:
        return gate
    paged = _bsky_page(req, lists.get(("bluesky", acc.account_id), []))
    if isinstance(paged, SimResponse):
        return paged
    page, extra = paged
    people = [bsky_profile_full(req, a) for a in (req.world.by_id("bluesky", i) for i in page)
              if a is not None and req.world.status(a) == "active"]
    return SimResponse(200, {"subject": bsky_profile_full(req, acc), key: people, **extra})


@route("GET", "/xrpc/app.bsky.graph.getFollowers", "bluesky")
def bsky_followers(req: SimRequest) -> SimResponse:
    return _bsky_people(req, _data(req).followers, "followers")


@route("GET", "/xrpc/app.bsky.graph.getFollows", "bluesky")
def bsky_follows(req: SimRequest) -> SimResponse:
    return _bsky_people(req, _data(req).following, "follows")
