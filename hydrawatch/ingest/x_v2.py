"""X API v2 response pages: tweet search/timeline pages and user lookup pages.

A page is ``{"data": [...], "includes": {"users", "tweets", "media"}, "meta": {...},
"errors": [...]}``; a file holds one page, or one page per line. ``data`` holds tweets
(search, timelines, tweet lookup) or users (user lookup); a single-object endpoint gives
``data`` as one object.

- tweets (``data`` and ``includes.tweets``) -> ``post`` records; ``referenced_tweets``
  gives ``reshare_of`` (retweeted), ``quote_of`` (quoted), ``reply_to`` (replied_to);
- users (``data`` of lookup pages and ``includes.users``) -> ``account`` records;
- user ``errors`` -> ``status`` records: "User has been suspended" -> ``suspended``,
  "Could not find user" -> ``not_found``, "not authorized to see the user" -> ``protected``.

Pages as X returns them by default: a tweet requested without ``tweet.fields`` carries
only ``id``, ``text`` and ``edit_history_tweet_ids``. Its author is taken from the page's
request URL when twarc saved it (``__twarc.url`` naming ``/2/users/:id/tweets``); otherwise
the tweet is dropped with a counted reason and the hint to request ``author_id`` (never a
rejected file). A missing ``created_at`` is read from the snowflake id (the millisecond
it was made). ``/2/users/:id/followers`` and ``/following`` pages give ``follows`` edges.
Empty pages (``"data": []``, ``result_count`` 0) give nothing.

``observed_at`` comes from ``meta.observed_at`` or twarc's ``__twarc.retrieved_at`` when
present; a tweet's ``created_at`` is never an observation time, so otherwise it is left
out and the engine uses the ingest time.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from typing import Any, Iterator

from datetime import datetime, timezone

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import Dropped, SourceFormat
from hydrawatch.ingest.fields import (
    as_id,
    compact,
    strings_of,
    dedupe,
    need_dict,
    need_id,
    opt_bool,
    opt_dict,
    opt_handle,
    opt_id,
    opt_int,
    opt_list,
    opt_str,
    opt_time,
)

NAME = "x_v2"
JSONL = None
PLATFORM = "x"

_PAGE_KEYS = {"data", "includes", "errors", "meta"}
_RT_PREFIX = re.compile(r"^RT @(\w{1,50}):")
_ID_PARAMETERS = {"id", "ids", "author_id", "in_reply_to_user_id", "user_id",
                  "referenced_tweets.id.author_id", "pinned_tweet_id.author_id"}
_HANDLE_PARAMETERS = {"username", "usernames", "entities.mentions.username"}
_USER_REQUEST = re.compile(r"/2/users/(\d{1,20})/(tweets|followers|following)/?")
_SNOWFLAKE_EPOCH_MS = 1288834974657
_FIRST_SNOWFLAKE = 29_700_859_247  # ids below were sequential and say nothing of time
NO_AUTHOR = ("X tweet without author_id (request tweet.fields=author_id, or save "
             "/2/users/:id/tweets pages with twarc so the URL names the author)")
NO_TIME = ("X tweet without created_at and with a pre-2010 id "
           "(request tweet.fields=created_at)")


def sniff(value: Any) -> bool:
    """An X v2 page (or a JSON array of pages): a dict of page keys, with ``meta`` or
    tweet/user-shaped data or X-shaped errors. Canonical records (``kind``) are never
    claimed."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, dict) or "kind" in value:
        return False
    if not value or not set(value) & _PAGE_KEYS:
        return False
    if isinstance(value.get("meta"), dict):
        return True
    data = value.get("data")
    if data == [] and set(value) <= _PAGE_KEYS | {"__twarc"}:
        return True  # an empty page
    items = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    if items and isinstance(items[0], dict) and (_is_tweet(items[0]) or _is_user(items[0])):
        return True
    errors = value.get("errors")
    return (isinstance(errors, list) and bool(errors) and isinstance(errors[0], dict)
            and "detail" in errors[0] and ("resource_type" in errors[0] or "title" in errors[0]))


def records(value: Any, line: int) -> Iterator[dict]:
    """Records of one page, or of each page of a JSON array of pages."""
    for page in value if isinstance(value, list) else [value]:
        yield from _page_records(need_dict(page, "X API v2 page", line), line)


def request_of(page: dict) -> tuple[str | None, str | None]:
    """(``tweets`` | ``followers`` | ``following``, user id) when twarc saved the page's
    request URL and it is one of those per-user endpoints; else (None, None)."""
    twarc = page.get("__twarc")
    url = twarc.get("url") if isinstance(twarc, dict) else None
    if not isinstance(url, str):
        return None, None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None, None
    match = _USER_REQUEST.fullmatch(path)
    return (match.group(2), match.group(1)) if match else (None, None)


def _page_records(page: dict, line: int) -> Iterator[dict]:
    observed_at = _observed_at(page, line)
    endpoint, request_user = request_of(page)
    page_author = request_user if endpoint == "tweets" else None
    includes = opt_dict(page, "includes", "page", line)
    media_by_key = _media_by_key(opt_list(includes, "media", "includes", line), line)
    inc_tweets = opt_list(includes, "tweets", "includes", line)
    tweets_by_id: dict[str, dict] = {}
    for tweet in inc_tweets:
        tweet = need_dict(tweet, "includes.tweets item", line)
        tweets_by_id[need_id(tweet, "id", "included tweet", line)] = tweet

    data = page.get("data")
    if isinstance(data, dict):
        data = [data]
    elif data is None:
        data = []
    elif not isinstance(data, list):
        raise RecordError("page.data must be a list or an object", line=line)

    seen_users: set[str] = set()
    for item in data:
        item = need_dict(item, "data item", line)
        if _is_user(item):
            rec = _account(item, observed_at, line)
            seen_users.add(rec["id"])
            yield rec
            if endpoint == "followers":
                yield _follows(rec["id"], request_user, observed_at)
            elif endpoint == "following":
                yield _follows(request_user, rec["id"], observed_at)
        elif _is_tweet(item):
            tweets_by_id.setdefault(need_id(item, "id", "tweet", line), item)
            yield _post(item, tweets_by_id, media_by_key, observed_at, line, strict=True,
                        page_author=page_author)
        else:
            raise RecordError("data item is neither a tweet (text) nor a user (username)",
                              line=line)
    data_ids = {str(item.get("id")) for item in data if isinstance(item, dict)}
    for tweet in inc_tweets:
        if str(tweet.get("id")) in data_ids:
            continue
        post = _post(tweet, tweets_by_id, media_by_key, observed_at, line, strict=False)
        if post is not None:
            yield post
    for user in opt_list(includes, "users", "includes", line):
        user = need_dict(user, "includes.users item", line)
        rec = _account(user, observed_at, line)
        if rec["id"] not in seen_users:
            seen_users.add(rec["id"])
            yield rec
    for error in opt_list(page, "errors", "page", line):
        status = _status(need_dict(error, "errors item", line), observed_at, line)
        if status is not None:
            yield status


# -- tweets ----------------------------------------------------------------------------------

def _is_tweet(obj: dict) -> bool:
    return "text" in obj or "author_id" in obj or "edit_history_tweet_ids" in obj


def _is_user(obj: dict) -> bool:
    return "username" in obj and "text" not in obj


def _follows(src: str, dst: str, observed_at: str | None) -> dict:
    return compact({"kind": "edge", "platform": PLATFORM, "src": src, "dst": dst,
                    "type": "follows", "observed_at": observed_at})


def _snowflake_time(post_id: str) -> str | None:
    """When a tweet was made, from its snowflake id (None for pre-snowflake ids)."""
    if not post_id.isdigit() or int(post_id) < _FIRST_SNOWFLAKE or len(post_id) > 20:
        return None
    ms = (int(post_id) >> 22) + _SNOWFLAKE_EPOCH_MS
    try:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace(
            "+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def _post(tweet: dict, tweets_by_id: dict, media_by_key: dict, observed_at: str | None,
          line: int, *, strict: bool, page_author: str | None = None) -> dict | Dropped | None:
    """A tweet as a post. Tweets of ``data`` lacking their author (and not on a user's
    timeline page) or their time (and with no snowflake id) are dropped with a reason; an
    included tweet lacking them is context only and is skipped silently."""
    post_id = need_id(tweet, "id", "tweet", line)
    what = f"tweet {post_id}"
    if not strict and (tweet.get("author_id") is None or tweet.get("created_at") is None):
        return None
    account_id = opt_id(tweet, "author_id", what, line) or page_author
    if account_id is None:
        return Dropped(NO_AUTHOR)
    created_at = opt_time(tweet, "created_at", what, line) or _snowflake_time(post_id)
    if created_at is None:
        return Dropped(NO_TIME)
    text = opt_str(tweet, "text", what, line)
    note = opt_dict(tweet, "note_tweet", what, line)
    text = opt_str(note, "text", f"{what}.note_tweet", line) or text  # long tweets
    entities = opt_dict(tweet, "entities", what, line)
    mentions = _mentions(entities, what, line)
    post = {
        "kind": "post", "platform": PLATFORM, "id": post_id, "account_id": account_id,
        "created_at": created_at, "text": text, "lang": opt_str(tweet, "lang", what, line),
        "hashtags": _hashtags(entities, what, line), "mentions": mentions,
        "urls": _urls(entities, what, line),
        "media": _media(tweet, media_by_key, what, line),
        "observed_at": observed_at,
    }
    in_reply_to_user = opt_id(tweet, "in_reply_to_user_id", what, line)
    for ref in opt_list(tweet, "referenced_tweets", what, line):
        ref = need_dict(ref, f"{what}.referenced_tweets item", line)
        ref_type = opt_str(ref, "type", f"{what}.referenced_tweets item", line)
        ref_id = need_id(ref, "id", f"{what}.referenced_tweets item", line)
        ref_author = _author_of(tweets_by_id.get(ref_id), line)
        if ref_type == "retweeted":
            post["reshare_of"] = {"post_id": ref_id,
                                  "account_id": ref_author or _rt_author(text, mentions)}
        elif ref_type == "quoted":
            post["quote_of"] = {"post_id": ref_id, "account_id": ref_author}
        elif ref_type == "replied_to":
            post["reply_to"] = {"post_id": ref_id,
                                "account_id": ref_author or in_reply_to_user}
    if "reply_to" not in post and in_reply_to_user is not None:
        post["reply_to"] = {"post_id": None, "account_id": in_reply_to_user}
    extra = {}
    for key in ("conversation_id", "possibly_sensitive", "public_metrics", "source",
                "reply_settings"):
        if tweet.get(key) is not None:
            extra[key] = tweet[key]
    post["extra"] = extra
    return compact(post)


def _author_of(tweet: dict | None, line: int) -> str | None:
    if tweet is None:
        return None
    return opt_id(tweet, "author_id", "included tweet", line)


def _rt_author(text: str | None, mentions: list[dict]) -> str | None:
    """A retweet whose original is not included: its text starts ``RT @name:`` and the
    mentions entity gives that name's id."""
    match = _RT_PREFIX.match(text or "")
    if not match:
        return None
    name = match.group(1).lower()
    for mention in mentions:
        if (mention.get("handle") or "").lower() == name:
            return mention.get("id")
    return None


def _hashtags(entities: dict, what: str, line: int) -> list[str]:
    return strings_of(entities, "hashtags", "tag", f"{what}.entities", line)


def _mentions(entities: dict, what: str, line: int) -> list[dict]:
    out, seen = [], set()
    for item in opt_list(entities, "mentions", f"{what}.entities", line):
        item = need_dict(item, f"{what}.entities.mentions item", line)
        where = f"{what}.entities.mentions item"
        mention = {"id": opt_id(item, "id", where, line),
                   "handle": opt_handle(item, "username", where, line)}
        key = (mention["id"], mention["handle"])
        if key != (None, None) and key not in seen:
            seen.add(key)
            out.append(mention)
    return out


def _urls(entities: dict, what: str, line: int) -> list[str]:
    urls = []
    for item in opt_list(entities, "urls", f"{what}.entities", line):
        item = need_dict(item, f"{what}.entities.urls item", line)
        where = f"{what}.entities.urls item"
        url = opt_str(item, "unwound_url", where, line) or opt_str(
            item, "expanded_url", where, line) or opt_str(item, "url", where, line)
        if url:
            urls.append(url)
    return dedupe(urls)


def _media_by_key(items: list, line: int) -> dict[str, dict]:
    out = {}
    for item in items:
        item = need_dict(item, "includes.media item", line)
        key = opt_str(item, "media_key", "includes.media item", line)
        if key:
            out[key] = item
    return out


def _media(tweet: dict, media_by_key: dict, what: str, line: int) -> list[dict]:
    attachments = opt_dict(tweet, "attachments", what, line)
    out = []
    for key in opt_list(attachments, "media_keys", f"{what}.attachments", line):
        if not isinstance(key, str):
            raise RecordError(f"{what}.attachments.media_keys must hold strings", line=line)
        item = media_by_key.get(key)
        if item is None:
            continue  # the page did not expand it: nothing to say about it
        where = f"media {key}"
        url = opt_str(item, "url", where, line) or opt_str(item, "preview_image_url", where,
                                                              line)
        out.append(compact({"url": url, "type": opt_str(item, "type", where, line)}))
    return out


# -- users -----------------------------------------------------------------------------------

def _account(user: dict, observed_at: str | None, line: int) -> dict:
    account_id = need_id(user, "id", "user", line)
    what = f"user {account_id}"
    metrics = opt_dict(user, "public_metrics", what, line)
    mwhat = f"{what}.public_metrics"
    extra = {}
    for key in ("protected", "verified"):
        flag = opt_bool(user, key, what, line)
        if flag is not None:
            extra[key] = flag
    for key in ("verified_type", "location", "profile_image_url", "pinned_tweet_id"):
        text = opt_str(user, key, what, line)
        if text:
            extra[key] = text
    listed = opt_int(metrics, "listed_count", mwhat, line)
    if listed is not None:
        extra["listed_count"] = listed
    return compact({
        "kind": "account", "platform": PLATFORM, "id": account_id,
        "handle": opt_handle(user, "username", what, line),
        "name": opt_str(user, "name", what, line),
        "bio": opt_str(user, "description", what, line),
        "created_at": opt_time(user, "created_at", what, line),
        "followers": opt_int(metrics, "followers_count", mwhat, line),
        "following": opt_int(metrics, "following_count", mwhat, line),
        "posts": opt_int(metrics, "tweet_count", mwhat, line),
        "url": _profile_url(user, what, line),
        "observed_at": observed_at,
        "extra": extra,
    })


def _profile_url(user: dict, what: str, line: int) -> str | None:
    """The link in the profile, expanded from t.co when the entities give it."""
    url = opt_str(user, "url", what, line)
    entities = opt_dict(user, "entities", what, line)
    for item in opt_list(opt_dict(entities, "url", f"{what}.entities", line), "urls",
                         f"{what}.entities.url", line):
        item = need_dict(item, f"{what}.entities.url.urls item", line)
        expanded = opt_str(item, "expanded_url", f"{what}.entities.url.urls item", line)
        if expanded and (url is None or item.get("url") == url):
            return expanded
    return url or None


# -- errors ----------------------------------------------------------------------------------

def _status(error: dict, observed_at: str | None, line: int) -> dict | None:
    """A user error as a status observation; errors about tweets say nothing of accounts."""
    detail = opt_str(error, "detail", "errors item", line) or ""
    resource_type = opt_str(error, "resource_type", "errors item", line)
    lowered = detail.lower()
    if "has been suspended" in lowered:
        status = "suspended"
    elif resource_type not in (None, "user"):
        return None
    elif lowered.startswith("could not find user"):
        status = "not_found"
    elif "not authorized to see the user" in lowered:
        status = "protected"
    else:
        return None
    raw = error.get("resource_id")
    if raw is None:
        raw = error.get("value")
    if raw is None:
        raise RecordError(f"user error without resource_id or value: {detail[:80]!r}",
                          line=line)
    key = as_id(raw, "errors item resource_id", line)
    record = {"kind": "status", "platform": PLATFORM, "status": status,
              "observed_at": observed_at}
    if _keyed_by_id(error, lowered, line):
        record["id"] = key
    else:
        record["handle"] = key.lstrip("@")
    return compact(record)


def _keyed_by_id(error: dict, lowered_detail: str, line: int) -> bool:
    parameter = opt_str(error, "parameter", "errors item", line)
    if parameter in _ID_PARAMETERS:
        return True
    if parameter in _HANDLE_PARAMETERS:
        return False
    return bool(re.search(r"with (ids?|user_id):", lowered_detail))


def _observed_at(page: dict, line: int) -> str | None:
    meta = opt_dict(page, "meta", "page", line)
    observed = opt_time(meta, "observed_at", "page.meta", line)
    if observed is None:
        observed = opt_time(page, "observed_at", "page", line)
    if observed is None:
        twarc = opt_dict(page, "__twarc", "page", line)
        observed = opt_time(twarc, "retrieved_at", "page.__twarc", line)
    return observed


class XV2Format(SourceFormat):
    """X API v2 response pages (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 20

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
