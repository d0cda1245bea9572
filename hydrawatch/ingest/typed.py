"""Typed decoding: one JSONL line straight to validated records, for the common shapes.

The reference path reads a line with orjson, turns it into canonical records with the
format's adapter (``x_v2.records`` ...), and checks each with ``canonical.validate``; every
value is looked at three times by Python code. Here a line is decoded by msgspec into
Structs whose field types and constraints are *stricter* than what the reference path
accepts (ids of digits, handles within the platform's maximum, counts within 64 bits, no
``\\u0000`` anywhere in the line...), and the validated records are built from them
directly.

Whatever does not fit those types -- a wrong type, an unusual shape, any doubt -- makes
:func:`decoder` give ``None`` for that line, and the engine runs the reference path on it,
which accepts it or words the exact error it always did. So the output here is, by
construction and by test (``tests/test_ingest_bulk.py`` compares both paths record by
record), either identical to the reference path's or absent.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Callable, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field

from hydrawatch.ingest import canonical, limits, x_v2
from hydrawatch.ingest.base import Dropped
from hydrawatch.ingest.fields import dedupe
from hydrawatch.ingest.limits import INT64_MAX
from hydrawatch.timeutil import iso, parse_time


class _Fallback(Exception):
    """This line needs the reference path."""


# -- constrained scalar types (stricter than the reference path: misfits fall back) --------

XId = Annotated[str, Meta(pattern=r"^[0-9]{1,20}$")]
XHandle = Annotated[str, Meta(min_length=1, max_length=15)]
Lang = Annotated[str, Meta(max_length=16)]
Count = Annotated[int, Meta(ge=0, le=INT64_MAX)]
Int64 = Annotated[int, Meta(ge=-INT64_MAX, le=INT64_MAX)]
Short = Annotated[str, Meta(max_length=32)]


def _time(value: str | None) -> datetime | None:
    """What ``as_time`` then ``canonical._time`` make of a string (parse, ISO, parse)."""
    if value is None or value == "":
        return None
    return _parse(value)  # ValueError -> the reference path words the error


_fromiso = datetime.fromisoformat
_UTC = timezone.utc


def _parse(value: str) -> datetime:
    """``parse_time(value)`` for a string, at the cost of one C call in the common case:
    a string ``fromisoformat`` already reads as UTC (``...Z``, ``+00:00``) is exactly what
    ``parse_time`` makes of it (it strips, turns ``Z`` into ``+00:00`` and calls the same
    function); anything else -- naive, another offset, a misfit -- goes to ``parse_time``."""
    try:
        dt = _fromiso(value)
    except ValueError:
        return parse_time(value)
    return dt if dt.tzinfo is _UTC else parse_time(value)


# -- X API v2 --------------------------------------------------------------------------------

class _XTag(Struct):
    tag: str | None = None


class _XMention(Struct):
    id: XId | None = None
    username: XHandle | None = None


class _XUrl(Struct):
    url: str | None = None
    expanded_url: str | None = None
    unwound_url: str | None = None


class _XUserUrlEntities(Struct):
    urls: list[_XUrl] | None = None


class _XEntities(Struct):
    """A tweet's entities, or a user's (``url.urls``): one type for both."""

    hashtags: list[_XTag] | None = None
    mentions: list[_XMention] | None = None
    urls: list[_XUrl] | None = None
    url: _XUserUrlEntities | None = None


class _XRef(Struct):
    id: XId
    type: str | None = None


class _XAttachments(Struct):
    media_keys: list[str] | None = None


class _XNote(Struct):
    text: str | None = None


class _XUserMetrics(Struct):
    followers_count: Count | None = None
    following_count: Count | None = None
    tweet_count: Count | None = None
    listed_count: Count | None = None


class _XItem(Struct):
    """A data item: a tweet or a user (the page decides which by the keys present)."""

    id: XId
    text: str | None | UnsetType = UNSET
    author_id: XId | None | UnsetType = UNSET
    edit_history_tweet_ids: Any = UNSET
    created_at: str | None = None
    lang: Lang | None = None
    entities: _XEntities | None = None
    referenced_tweets: list[_XRef] | None = None
    in_reply_to_user_id: XId | None = None
    attachments: _XAttachments | None = None
    note_tweet: _XNote | None = None
    conversation_id: str | None = None
    possibly_sensitive: bool | None = None
    public_metrics: dict[str, Int64] | None = None
    source: str | None = None
    reply_settings: str | None = None
    # users
    username: XHandle | None | UnsetType = UNSET
    name: str | None = None
    description: str | None = None
    url: str | None = None
    protected: bool | None = None
    verified: bool | None = None
    verified_type: str | None = None
    location: str | None = None
    profile_image_url: str | None = None
    pinned_tweet_id: str | None = None


class _XMedia(Struct):
    media_key: str | None = None
    type: Short | None = None
    url: str | None = None
    preview_image_url: str | None = None


class _XIncludes(Struct):
    users: list[_XItem] | None = None
    tweets: list[_XItem] | None = None
    media: list[_XMedia] | None = None


class _XMeta(Struct):
    observed_at: str | None = None


class _XTwarc(Struct):
    url: str | None = None
    retrieved_at: str | None = None


class _XPage(Struct, forbid_unknown_fields=True):
    data: list[_XItem] | _XItem | None = None
    includes: _XIncludes | None = None
    meta: _XMeta | None = None
    errors: list[dict[str, Any]] | None = None
    observed_at: str | None = None
    twarc: _XTwarc | None = field(name="__twarc", default=None)


_x_page = msgspec.json.Decoder(_XPage)


def _x_is_tweet(it: _XItem) -> bool:
    return it.text is not UNSET or it.author_id is not UNSET or it.edit_history_tweet_ids is not UNSET


def _x_is_user(it: _XItem) -> bool:
    return it.username is not UNSET and it.text is UNSET


def _x_page_records(raw: bytes, line: int) -> list:
    page = _x_page.decode(raw)
    if page.twarc is not None and page.twarc.url is not None:
        endpoint, request_user = x_v2.request_of({"__twarc": {"url": page.twarc.url}})
    else:
        endpoint, request_user = None, None
    observed = _time(page.meta.observed_at) if page.meta is not None else None
    if observed is None:
        observed = _time(page.observed_at)
    if observed is None and page.twarc is not None:
        observed = _time(page.twarc.retrieved_at)
    page_author = request_user if endpoint == "tweets" else None
    inc = page.includes
    media_by_key = {}
    inc_tweets: list = []
    inc_users: list = []
    if inc is not None:
        for m in inc.media or ():
            if m.media_key:
                media_by_key[m.media_key] = m
        inc_tweets = inc.tweets or []
        inc_users = inc.users or []
    tweets_by_id: dict[str, _XItem] = {}
    for t in inc_tweets:
        tweets_by_id[t.id] = t
    data = page.data
    if data is None:
        data = []
    elif isinstance(data, _XItem):
        data = [data]
    out: list = []
    seen_users: set[str] = set()
    for item in data:
        if _x_is_user(item):
            rec = _x_account(item, observed)
            seen_users.add(item.id)
            out.append(rec)
            if endpoint == "followers":
                out.append(_x_follows(item.id, request_user, observed))
            elif endpoint == "following":
                out.append(_x_follows(request_user, item.id, observed))
        elif _x_is_tweet(item):
            tweets_by_id.setdefault(item.id, item)
            out.append(_x_post(item, tweets_by_id, media_by_key, observed, strict=True,
                               page_author=page_author))
        else:
            raise _Fallback
    data_ids = {item.id for item in data}
    for t in inc_tweets:
        if t.id in data_ids:
            continue
        post = _x_post(t, tweets_by_id, media_by_key, observed, strict=False)
        if post is not None:
            out.append(post)
    for u in inc_users:
        rec = _x_account(u, observed)
        if u.id not in seen_users:
            seen_users.add(u.id)
            out.append(rec)
    if page.errors:
        observed_iso = iso(observed)
        for error in page.errors:
            status = x_v2._status(error, observed_iso, line)
            if status is not None:
                out.append(canonical.validate(status, line))
    return out


def _x_follows(src, dst, observed) -> dict:
    return {"kind": "edge", "platform": "x", "src": src, "dst": dst, "type": "follows",
            "observed_at": observed}


def _x_post(t: _XItem, tweets_by_id, media_by_key, observed, *, strict: bool,
            page_author=None):
    author = t.author_id if t.author_id is not UNSET else None
    if not strict and (author is None or t.created_at is None):
        return None
    account_id = author or page_author
    if account_id is None:
        return Dropped(x_v2.NO_AUTHOR)
    if t.created_at is not None and t.created_at != "":
        created = _parse(t.created_at)
    else:
        snow = x_v2._snowflake_time(t.id)
        if snow is None:
            return Dropped(x_v2.NO_TIME)
        created = parse_time(snow)
    text = t.text if t.text is not UNSET else None
    if t.note_tweet is not None and t.note_tweet.text:
        text = t.note_tweet.text
    ent = t.entities
    hashtags: list = []
    mentions: list = []
    urls: list = []
    if ent is not None:
        if ent.hashtags:
            hashtags = dedupe([h.tag for h in ent.hashtags if h.tag])
        if ent.mentions:
            seen = set()
            for m in ent.mentions:
                key = (m.id, m.username)
                if key != (None, None) and key not in seen:
                    seen.add(key)
                    mentions.append({"id": m.id, "handle": m.username})
        if ent.urls:
            for u in ent.urls:
                url = u.unwound_url or u.expanded_url or u.url
                if url:
                    urls.append(url)
            urls = dedupe(urls)
    media: list = []
    if t.attachments is not None and t.attachments.media_keys:
        for key in t.attachments.media_keys:
            m = media_by_key.get(key)
            if m is None:
                continue
            md = {}
            url = m.url or m.preview_image_url
            if url is not None:
                md["url"] = url
            if m.type is not None:
                md["type"] = m.type
            media.append(md)
    refs = {"reshare_of": None, "reply_to": None, "quote_of": None}
    in_reply_to_user = t.in_reply_to_user_id
    has_reply = False
    for ref in t.referenced_tweets or ():
        other = tweets_by_id.get(ref.id)
        ref_author = None
        if other is not None and other.author_id is not UNSET:
            ref_author = other.author_id
        if ref.type == "retweeted":
            refs["reshare_of"] = _ref(ref.id, ref_author or x_v2._rt_author(text, mentions))
        elif ref.type == "quoted":
            refs["quote_of"] = _ref(ref.id, ref_author)
        elif ref.type == "replied_to":
            refs["reply_to"] = _ref(ref.id, ref_author or in_reply_to_user)
            has_reply = True
    if not has_reply and in_reply_to_user is not None:
        refs["reply_to"] = _ref(None, in_reply_to_user)
    extra = {}
    if t.conversation_id is not None:
        extra["conversation_id"] = t.conversation_id
    if t.possibly_sensitive is not None:
        extra["possibly_sensitive"] = t.possibly_sensitive
    if t.public_metrics is not None:
        extra["public_metrics"] = t.public_metrics
    if t.source is not None:
        extra["source"] = t.source
    if t.reply_settings is not None:
        extra["reply_settings"] = t.reply_settings
    return ("post", "x", t.id, account_id, created, text or None, t.lang or None, hashtags,
            mentions, urls, media, refs["reshare_of"], refs["reply_to"], refs["quote_of"],
            observed, extra or None)


def _ref(post_id, account_id):
    if post_id is None and account_id is None:
        return None
    return {"post_id": post_id or None, "account_id": account_id or None}


def _x_account(u: _XItem, observed) -> tuple:
    extra = {}
    if u.protected is not None:
        extra["protected"] = u.protected
    if u.verified is not None:
        extra["verified"] = u.verified
    for key in ("verified_type", "location", "profile_image_url", "pinned_tweet_id"):
        value = getattr(u, key)
        if value:
            extra[key] = value
    pm = u.public_metrics
    followers = following = posts = None
    if pm is not None:
        for key, value in pm.items():
            if key in ("followers_count", "following_count", "tweet_count", "listed_count") \
                    and value < 0:
                raise _Fallback
        followers = pm.get("followers_count")
        following = pm.get("following_count")
        posts = pm.get("tweet_count")
        listed = pm.get("listed_count")
        if listed is not None:
            extra["listed_count"] = listed
    url = u.url
    ent = u.entities
    profile = None
    if ent is not None and ent.url is not None:
        for item in ent.url.urls or ():
            if item.expanded_url and (url is None or item.url == url):
                profile = item.expanded_url
                break
    if profile is None:
        profile = url or None
    handle = u.username if u.username is not UNSET else None
    return ("account", "x", u.id, handle, u.name or None, u.description or None, profile, None,
            None, followers, following, posts, _time(u.created_at), observed, extra or None)


# -- canonical JSONL (accounts, edges, statuses; posts take the reference path) ---------------

Platform = Annotated[str, Meta(pattern=r"^[a-z0-9_.-]{1,32}$")]
CId = Annotated[str, Meta(min_length=1, max_length=128)]
CHandle = Annotated[str, Meta(max_length=320)]  # the platform's own limit: _handle_ok
Pdq = Annotated[str, Meta(pattern=r"^[0-9a-fA-F]{64}$")]
EdgeType = Literal["follows", "reshares", "mentions", "replies", "quotes"]
StatusValue = Literal["active", "suspended", "deactivated", "deleted", "protected", "not_found"]


class _CEdge(Struct, tag_field="kind", tag="edge", forbid_unknown_fields=True):
    platform: Platform
    src: CId
    dst: CId
    type: EdgeType
    observed_at: str | None = None


class _CAccount(Struct, tag_field="kind", tag="account", forbid_unknown_fields=True):
    platform: Platform
    id: CId
    handle: CHandle | None = None
    name: str | None = None
    bio: str | None = None
    url: str | None = None
    lang: Lang | None = None
    avatar_pdq: Pdq | None = None
    followers: Count | None = None
    following: Count | None = None
    posts: Count | None = None
    created_at: str | None = None
    observed_at: str | None = None


class _CStatus(Struct, tag_field="kind", tag="status", forbid_unknown_fields=True):
    platform: Platform
    status: StatusValue
    id: CId | None = None
    handle: CHandle | None = None
    observed_at: str | None = None
    source: str | None = None


_canonical = msgspec.json.Decoder(_CEdge | _CAccount | _CStatus)


def _handle_ok(platform: str, handle: str | None, line: int) -> str | None:
    if handle and len(handle) > 15:
        limits.check_handle(platform, handle, "'handle'", line)  # raises: reference path
    return handle or None


def _canonical_records(raw: bytes, line: int) -> list:
    r = _canonical.decode(raw)
    if type(r) is _CEdge:
        return [{"kind": "edge", "platform": r.platform, "src": r.src, "dst": r.dst,
                 "type": r.type, "observed_at": _time(r.observed_at)}]
    if type(r) is _CAccount:
        return [{"kind": "account", "platform": r.platform, "id": r.id,
                 "handle": _handle_ok(r.platform, r.handle, line), "name": r.name or None, "bio": r.bio or None,
                 "url": r.url or None, "lang": r.lang or None,
                 "avatar_pdq": r.avatar_pdq.lower() if r.avatar_pdq else None,
                 "followers": r.followers, "following": r.following, "posts": r.posts,
                 "created_at": _time(r.created_at), "observed_at": _time(r.observed_at),
                 "extra": None}]
    account_id, handle = r.id or None, _handle_ok(r.platform, r.handle, line)
    if account_id is None and handle is None:
        raise _Fallback
    return [{"kind": "status", "platform": r.platform, "id": account_id, "handle": handle,
             "status": r.status, "observed_at": _time(r.observed_at),
             "source": r.source or None}]


# -- fields -> records ------------------------------------------------------------------------

_POST_KEYS = ("platform", "id", "account_id", "created_at", "text", "lang", "hashtags",
              "mentions", "urls", "media", "reshare_of", "reply_to", "quote_of", "observed_at",
              "extra")  # BatchWriter._post's parameters, in order
_ACCOUNT_KEYS = ("platform", "id", "handle", "name", "bio", "url", "lang", "avatar_pdq",
                 "followers", "following", "posts", "created_at", "observed_at", "extra")


def as_record(item):
    """The validated record a decoder item stands for: posts and accounts come as field
    tuples for ``BatchWriter.add_fields`` (``("post", platform, id, ...)``); records and
    ``Dropped`` are returned as they are."""
    if type(item) is not tuple:
        return item
    keys = _POST_KEYS if item[0] == "post" else _ACCOUNT_KEYS
    return {"kind": item[0], **dict(zip(keys, item[1:], strict=True))}


# -- registry --------------------------------------------------------------------------------

_DECODERS: dict[str, Callable[[bytes, int], list]] = {"x_v2": _x_page_records,
                                                      "canonical": _canonical_records}


def decoder(fmt_name: str) -> Callable[[bytes, int], list | None] | None:
    """``decode(raw_line, lineno)`` -> the line's validated records (dicts, or field tuples
    for ``BatchWriter.add_fields``: see :func:`as_record`) and ``Dropped``, or None when
    the line must take the reference path. None when the format has no typed decoder."""
    fast = _DECODERS.get(fmt_name)
    if fast is None:
        return None

    def decode(raw: bytes, line: int):
        if b"\\u0000" in raw:
            return None  # maybe a NUL: the reference path words that error
        try:
            return fast(raw, line)
        except Exception:  # noqa: BLE001 - any doubt: the reference path decides, and words it
            return None
    return decode
