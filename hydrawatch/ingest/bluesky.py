"""Bluesky AppView JSON: profiles, posts and feed items.

Read shapes (``app.bsky.*`` lexicons), alone, in a JSON array, one per line (JSONL), or in
the response wrappers of the public AppView:

- ``actor.defs#profileViewDetailed`` (also ``#profileView``/``#profileViewBasic``) ->
  ``account`` (id = DID, handle, displayName, description, counts, createdAt);
- ``feed.defs#postView`` -> ``post`` (id = the ``at://`` URI, account = author DID; text,
  langs, facets: mentions, links, tags; ``record.reply.parent`` -> ``reply_to``;
  ``app.bsky.embed.record``/``recordWithMedia`` of a post -> ``quote_of``), plus its author
  and any quoted post the view embeds;
- ``feed.defs#feedViewPost`` -> its post, the posts of ``reply``, and for a
  ``#reasonRepost`` a reshare post by ``reason.by``;
- ``feed.defs#threadViewPost`` (``{"thread": ...}``) -> every post of the thread;
- wrappers ``{"feed"}``, ``{"posts"}``, ``{"profiles"}``, ``{"actors"}``, ``{"repostedBy"}``,
  and ``{"subject", "followers"|"follows"}`` (these give ``follows`` edges).

Handles equal to ``handle.invalid`` (a handle that failed verification) are dropped, so
they never overwrite a known handle.
"""

from __future__ import annotations

from typing import Any, Iterator

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import SourceFormat
from hydrawatch.ingest.fields import (
    as_id,
    compact,
    strings_of,
    dedupe,
    merge_duplicates,
    need_dict,
    opt_dict,
    opt_handle,
    opt_int,
    opt_list,
    opt_str,
    opt_time,
)
from hydrawatch.platforms import get_platform

NAME = "bluesky"
JSONL = None
PLATFORM = "bluesky"

_LIST_WRAPPERS = ("feed", "posts", "profiles", "actors", "repostedBy", "followers",
                  "follows")
_POST_COLLECTION = "app.bsky.feed.post"
_MAX_THREAD_NODES = 100_000


def sniff(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and isinstance(value[0], dict) and _shape(value[0]) is not None
    if not isinstance(value, dict) or "kind" in value:
        return False
    if _shape(value) is not None:
        return True
    if isinstance(value.get("thread"), dict):
        return isinstance(value["thread"].get("post"), dict) or "notFound" in value["thread"]
    for key in _LIST_WRAPPERS:
        items = value.get(key)
        if isinstance(items, list):
            if not items:
                return set(value) <= {key, "cursor", "subject", "uri", "cid", "hitsTotal"}
            return isinstance(items[0], dict) and _shape(items[0]) is not None
    return False


def records(value: Any, line: int) -> Iterator[dict]:
    return merge_duplicates(_records(value, line))


def _records(value: Any, line: int) -> Iterator[dict]:
    embedded: list[dict] = []  # reply parents, quoted posts: read after the top level
    if isinstance(value, list):
        for item in value:
            yield from _item(need_dict(item, "Bluesky item", line), line, embedded)
    else:
        value = need_dict(value, "Bluesky value", line)
        if _shape(value) is not None:
            yield from _item(value, line, embedded)
        elif "thread" in value:
            yield from _thread(need_dict(value["thread"], "thread", line), line, embedded)
        else:
            yield from _wrapper(value, line, embedded)
    for view in embedded:
        yield from _post_view(view, line, None)


def _shape(obj: dict) -> str | None:
    if "uri" in obj and "author" in obj and "record" in obj:
        return "postView"
    if isinstance(obj.get("post"), dict) and "uri" not in obj:
        return "threadViewPost" if ("parent" in obj or "replies" in obj or str(
            obj.get("$type", "")).endswith("#threadViewPost")) else "feedViewPost"
    if "did" in obj and "handle" in obj:
        return "profile"
    return None


def _item(obj: dict, line: int, embedded: list) -> Iterator[dict]:
    shape = _shape(obj)
    if shape == "postView":
        yield from _post_view(obj, line, embedded)
    elif shape == "feedViewPost":
        yield from _feed_view(obj, line, embedded)
    elif shape == "threadViewPost":
        yield from _thread(obj, line, embedded)
    elif shape == "profile":
        yield _account(obj, line)
    else:
        raise RecordError("not a Bluesky profile (did, handle), postView (uri, author, "
                          "record) or feedViewPost (post)", line=line)


def _wrapper(value: dict, line: int, embedded: list) -> Iterator[dict]:
    subject = None
    if value.get("subject") is not None:
        subject = _account(need_dict(value["subject"], "subject", line), line)
        yield subject
    found = False
    for key in _LIST_WRAPPERS:
        if key not in value:
            continue
        found = True
        for item in opt_list(value, key, "response", line):
            item = need_dict(item, f"{key} item", line)
            if key in ("followers", "follows"):
                account = _account(item, line)
                yield account
                if subject is None:
                    raise RecordError(f"a {key} list without its subject", line=line)
                src, dst = ((account["id"], subject["id"]) if key == "followers"
                            else (subject["id"], account["id"]))
                yield {"kind": "edge", "platform": PLATFORM, "src": src, "dst": dst,
                       "type": "follows"}
            else:
                yield from _item(item, line, embedded)
    if not found:
        raise RecordError("not a Bluesky response (feed, posts, profiles, thread...)",
                          line=line)


# -- profiles --------------------------------------------------------------------------------

def _prefixed_id(value: Any, prefix: str, kind: str, what: str, line: int) -> str:
    """A string id that must start with ``prefix`` (at:// URIs); never a number."""
    if isinstance(value, int):
        raise RecordError(f"{what} must be a string, not a number", line=line)
    ident = as_id(value, what, line)
    if not ident.startswith(prefix):
        raise RecordError(f"{what} must be {kind}, not {ident[:40]!r}", line=line)
    return ident


def _did(value: Any, what: str, line: int) -> str:
    """An account id: the platform's own rule (a DID), never a number."""
    if isinstance(value, int):
        raise RecordError(f"{what} must be a string, not a number", line=line)
    ident = as_id(value, what, line)
    try:
        return get_platform(PLATFORM).validate_id(ident)
    except ValueError as exc:
        raise RecordError(f"{what} {exc}, not {ident[:40]!r}", line=line) from None


def _account(profile: dict, line: int) -> dict:
    if profile.get("did") is None:
        raise RecordError("profile without did", line=line)
    did = _did(profile["did"], "profile did", line)
    what = f"profile {did}"
    handle = opt_handle(profile, "handle", what, line)
    extra: dict[str, Any] = {}
    for key in ("avatar", "banner", "indexedAt"):
        text = opt_str(profile, key, what, line)
        if text:
            extra[key] = text
    labels = _labels(profile, what, line)
    if labels:
        extra["labels"] = labels
    return compact({
        "kind": "account", "platform": PLATFORM, "id": did,
        "handle": None if handle == "handle.invalid" else handle,
        "name": opt_str(profile, "displayName", what, line),
        "bio": opt_str(profile, "description", what, line),
        "created_at": opt_time(profile, "createdAt", what, line),
        "followers": opt_int(profile, "followersCount", what, line),
        "following": opt_int(profile, "followsCount", what, line),
        "posts": opt_int(profile, "postsCount", what, line),
        "url": f"https://bsky.app/profile/{did}",
        "extra": extra,
    })


def _labels(obj: dict, what: str, line: int) -> list[str]:
    return strings_of(obj, "labels", "val", what, line)


# -- posts -----------------------------------------------------------------------------------

def _post_uri(value: Any, what: str, line: int) -> str:
    return _prefixed_id(value, "at://", "an at:// URI", what, line)


def _uri_did(uri: str) -> str | None:
    """The DID an ``at://did/collection/rkey`` URI names (None for a handle authority)."""
    authority = uri[5:].split("/", 1)[0]
    return authority if authority.startswith("did:") else None


def _is_post_uri(uri: str) -> bool:
    parts = uri[5:].split("/")
    return len(parts) == 3 and parts[1] == _POST_COLLECTION


def _ref(obj: dict, what: str, line: int) -> dict | None:
    """``{"post_id", "account_id"}`` of a strong ref ``{uri, cid}`` to a post."""
    uri = obj.get("uri")
    if uri is None:
        return None
    uri = _post_uri(uri, f"{what}.uri", line)
    if not _is_post_uri(uri):
        return None  # a quoted feed generator, list or starter pack is not a post
    return {"post_id": uri, "account_id": _uri_did(uri)}


def _post_view(view: dict, line: int, embedded: list | None) -> Iterator[dict]:
    """A postView (or an embed's viewRecord, whose record is under ``value``)."""
    if view.get("uri") is None:
        raise RecordError("post without uri", line=line)
    uri = _post_uri(view["uri"], "post uri", line)
    what = f"post {uri}"
    if view.get("author") is None:
        raise RecordError(f"{what} without author", line=line)
    author = _account(need_dict(view["author"], f"{what}.author", line), line)
    yield author
    record = view.get("record") if "record" in view else view.get("value")
    record = need_dict(record, f"{what}.record", line)
    text = opt_str(record, "text", f"{what}.record", line)
    created_at = opt_time(record, "createdAt", f"{what}.record", line) or opt_time(
        view, "indexedAt", what, line)
    if created_at is None:
        raise RecordError(f"{what} without record.createdAt", line=line)
    langs = opt_list(record, "langs", f"{what}.record", line)
    hashtags, mentions, urls = _facets(record, text or "", what, line)
    post = {
        "kind": "post", "platform": PLATFORM, "id": uri, "account_id": author["id"],
        "created_at": created_at, "text": text,
        "lang": langs[0] if langs and isinstance(langs[0], str) else None,
        "hashtags": hashtags, "mentions": mentions, "urls": urls,
        "media": _media(_view_embed(view, what, line), what, line),
    }
    reply = opt_dict(record, "reply", f"{what}.record", line)
    parent = opt_dict(reply, "parent", f"{what}.record.reply", line)
    if parent:
        post["reply_to"] = _ref(parent, f"{what}.record.reply.parent", line)
    quote = _quoted_ref(opt_dict(record, "embed", f"{what}.record", line), what, line)
    if quote:
        post["quote_of"] = quote
    urls.extend(u for u in _external_urls(opt_dict(record, "embed", f"{what}.record", line),
                                          what, line) if u not in urls)
    extra: dict[str, Any] = {}
    cid = opt_str(view, "cid", what, line)
    if cid:
        extra["cid"] = cid
    for key in ("replyCount", "repostCount", "likeCount", "quoteCount"):
        count = opt_int(view, key, what, line)
        if count is not None:
            extra[key] = count
    labels = _labels(view, what, line)
    if labels:
        extra["labels"] = labels
    post["extra"] = extra
    yield compact(post)
    if embedded is not None:
        quoted_view = _embedded_view_record(_view_embed(view, what, line))
        if quoted_view is not None:
            embedded.append(quoted_view)


def _view_embed(view: dict, what: str, line: int) -> dict:
    """The hydrated embed of a postView (``embed``) or of a quoted viewRecord (``embeds``)."""
    if "embed" in view:
        return opt_dict(view, "embed", what, line)
    embeds = opt_list(view, "embeds", what, line)
    return need_dict(embeds[0], f"{what}.embeds item", line) if embeds else {}


def _facets(record: dict, text: str, what: str, line: int):
    hashtags, mentions, urls = [], [], []
    raw = text.encode("utf-8")
    for facet in opt_list(record, "facets", f"{what}.record", line):
        facet = need_dict(facet, f"{what}.record.facets item", line)
        index = opt_dict(facet, "index", f"{what}.record.facets item", line)
        for feature in opt_list(facet, "features", f"{what}.record.facets item", line):
            feature = need_dict(feature, f"{what} facet feature", line)
            ftype = opt_str(feature, "$type", f"{what} facet feature", line) or ""
            if ftype.endswith("#mention"):
                did = _did(feature.get("did"), f"{what} mention did", line)
                handle = _slice(raw, index, line, what)
                mentions.append({"id": did,
                                 "handle": (handle.lstrip("@") or None) if handle else None})
            elif ftype.endswith("#tag"):
                tag = opt_str(feature, "tag", f"{what} tag facet", line)
                if tag:
                    hashtags.append(tag.lstrip("#") if tag.count("#") < 2 else tag)
            elif ftype.endswith("#link"):
                link = opt_str(feature, "uri", f"{what} link facet", line)
                if link:
                    urls.append(link)
    for tag in opt_list(record, "tags", f"{what}.record", line):
        if isinstance(tag, str) and tag:
            hashtags.append(tag)
    seen, unique_mentions = set(), []
    for mention in mentions:
        if mention["id"] not in seen:
            seen.add(mention["id"])
            unique_mentions.append(mention)
    return dedupe(hashtags), unique_mentions, dedupe(urls)


def _slice(raw: bytes, index: dict, line: int, what: str) -> str | None:
    """The text a facet covers (UTF-8 byte offsets), or None when the offsets are bad."""
    start = opt_int(index, "byteStart", f"{what} facet index", line)
    end = opt_int(index, "byteEnd", f"{what} facet index", line)
    if start is None or end is None or not 0 <= start < end <= len(raw):
        return None
    return raw[start:end].decode("utf-8", errors="ignore").strip() or None


def _quoted_ref(embed: dict, what: str, line: int) -> dict | None:
    etype = opt_str(embed, "$type", f"{what}.record.embed", line) or ""
    if etype == "app.bsky.embed.record":
        inner = opt_dict(embed, "record", f"{what}.record.embed", line)
    elif etype == "app.bsky.embed.recordWithMedia":
        outer = opt_dict(embed, "record", f"{what}.record.embed", line)
        inner = opt_dict(outer, "record", f"{what}.record.embed.record", line)
    else:
        return None
    return _ref(inner, f"{what}.record.embed.record", line)


def _external_urls(embed: dict, what: str, line: int) -> list[str]:
    etype = opt_str(embed, "$type", f"{what}.record.embed", line) or ""
    if etype == "app.bsky.embed.recordWithMedia":
        embed = opt_dict(embed, "media", f"{what}.record.embed", line)
        etype = opt_str(embed, "$type", f"{what}.record.embed.media", line) or ""
    if etype != "app.bsky.embed.external":
        return []
    external = opt_dict(embed, "external", f"{what}.record.embed", line)
    uri = opt_str(external, "uri", f"{what}.record.embed.external", line)
    return [uri] if uri else []


def _media(embed: dict, what: str, line: int) -> list[dict]:
    """Images and videos of a view embed (the record's own embed holds blobs, no URLs)."""
    etype = opt_str(embed, "$type", f"{what}.embed", line) or ""
    if etype.startswith("app.bsky.embed.recordWithMedia"):
        embed = opt_dict(embed, "media", f"{what}.embed", line)
        etype = opt_str(embed, "$type", f"{what}.embed.media", line) or ""
    out = []
    if etype.startswith("app.bsky.embed.images"):
        for image in opt_list(embed, "images", f"{what}.embed", line):
            image = need_dict(image, f"{what}.embed.images item", line)
            url = opt_str(image, "fullsize", f"{what}.embed.images item", line) or opt_str(
                image, "thumb", f"{what}.embed.images item", line)
            out.append(compact({"url": url, "type": "photo"}))
    elif etype.startswith("app.bsky.embed.video"):
        url = opt_str(embed, "playlist", f"{what}.embed", line) or opt_str(
            embed, "thumbnail", f"{what}.embed", line)
        out.append(compact({"url": url, "type": "video"}))
    return out


def _embedded_view_record(embed: dict) -> dict | None:
    """The quoted post a view embed carries (``#viewRecord``), as a postView-like dict."""
    etype = str(embed.get("$type", ""))
    record = embed.get("record")
    if etype.startswith("app.bsky.embed.recordWithMedia") and isinstance(record, dict):
        record = record.get("record")
    elif not etype.startswith("app.bsky.embed.record"):
        return None
    if not isinstance(record, dict) or not str(record.get("$type", "")).endswith("#viewRecord"):
        return None
    if not isinstance(record.get("uri"), str) or not _is_post_uri(record["uri"]):
        return None
    return record


# -- feeds and threads -----------------------------------------------------------------------

def _feed_view(item: dict, line: int, embedded: list) -> Iterator[dict]:
    view = need_dict(item["post"], "feedViewPost.post", line)
    yield from _post_view(view, line, embedded)
    reply = opt_dict(item, "reply", "feedViewPost", line)
    for key in ("parent", "root"):
        ref = opt_dict(reply, key, "feedViewPost.reply", line)
        if "author" in ref and "record" in ref:
            embedded.append(ref)
    reason = opt_dict(item, "reason", "feedViewPost", line)
    rtype = opt_str(reason, "$type", "feedViewPost.reason", line) or ""
    if rtype.endswith("#reasonRepost"):
        yield from _repost(reason, view, line)


def _repost(reason: dict, view: dict, line: int) -> Iterator[dict]:
    """A repost shown in a feed: a reshare post by ``reason.by`` of the post."""
    if reason.get("by") is None:
        raise RecordError("reasonRepost without by", line=line)
    by = _account(need_dict(reason["by"], "reasonRepost.by", line), line)
    yield by
    post_uri = _post_uri(view["uri"], "post uri", line)
    author = need_dict(view.get("author"), "post author", line)
    repost_uri = reason.get("uri")
    if repost_uri is not None:
        repost_id = _post_uri(repost_uri, "reasonRepost.uri", line)
    else:  # older AppViews do not name the repost record: derive a stable id
        repost_id = as_id(f"{post_uri}#repost-by-{by['id']}", "repost id", line)
    created_at = opt_time(reason, "indexedAt", "reasonRepost", line)
    if created_at is None:
        raise RecordError("reasonRepost without indexedAt", line=line)
    yield {"kind": "post", "platform": PLATFORM, "id": repost_id, "account_id": by["id"],
           "created_at": created_at, "hashtags": [], "mentions": [], "urls": [], "media": [],
           "reshare_of": {"post_id": post_uri,
                          "account_id": _did(author.get("did"), "post author did", line)}}


def _thread(node: dict, line: int, embedded: list) -> Iterator[dict]:
    """Every post of a threadViewPost tree, walked without recursion (threads from hostile
    sources can be arbitrarily deep)."""
    stack, count = [node], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > _MAX_THREAD_NODES:
            raise RecordError(f"thread with more than {_MAX_THREAD_NODES} posts", line=line)
        if not isinstance(node.get("post"), dict):
            continue  # notFoundPost, blockedPost
        yield from _post_view(node["post"], line, embedded)
        parent = node.get("parent")
        if isinstance(parent, dict):
            stack.append(parent)
        for reply in opt_list(node, "replies", "thread", line):
            if isinstance(reply, dict):
                stack.append(reply)


class BlueskyFormat(SourceFormat):
    """Bluesky AppView JSON (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 40

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
