"""Mastodon API entities: ``Status`` and ``Account`` objects.

A file is one JSON array (as ``/api/v1/accounts/:id/statuses`` or ``/api/v1/timelines/*``
return it) or JSONL with one entity, or one array, per line. Search results
(``{"accounts", "statuses"}``) and thread contexts (``{"ancestors", "descendants"}``) are
read too.

- a status -> a ``post`` (HTML content turned into plain text) and its author ``account``;
- a boost (``reblog`` not null) -> a ``post`` with ``reshare_of`` the original, plus the
  original as its own post and its author as an account;
- a quote (``quote.quoted_status`` of Mastodon 4.4+) -> ``quote_of``;
- ``in_reply_to_id``/``in_reply_to_account_id`` -> ``reply_to``;
- an account that ``moved`` to another -> both accounts, ``extra.moved_to`` on the old one;
  an account flagged ``suspended`` -> a ``suspended`` status.

Handles are always full ``user@domain``: ``acct`` when it holds a domain (remote accounts),
else the username at the host of the account's profile URL. Ids are the ids of the instance
the data came from (Mastodon ids are per instance).
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import urlsplit

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import SourceFormat
from hydrawatch.ingest.fields import (
    compact,
    strings_of,
    dedupe,
    merge_duplicates,
    need_dict,
    need_id,
    need_time,
    opt_bool,
    opt_dict,
    opt_id,
    opt_int,
    opt_list,
    opt_str,
    opt_time,
)

NAME = "mastodon"
JSONL = None
PLATFORM = "mastodon"

_WRAPPER_KEYS = ("statuses", "accounts", "ancestors", "descendants")


def sniff(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and isinstance(value[0], dict) and _kind_of(value[0]) is not None
    if not isinstance(value, dict) or "kind" in value:
        return False
    if _kind_of(value) is not None:
        return True
    lists = [value.get(k) for k in _WRAPPER_KEYS if k in value]
    if not lists or not all(isinstance(v, list) for v in lists):
        return False
    first = next((v[0] for v in lists if v), None)
    return first is None and set(value) <= {*_WRAPPER_KEYS, "hashtags"} or (
        isinstance(first, dict) and _kind_of(first) is not None)


def records(value: Any, line: int) -> Iterator[dict]:
    return merge_duplicates(_records(value, line))


def _records(value: Any, line: int) -> Iterator[dict]:
    if isinstance(value, list):
        items = value
    else:
        value = need_dict(value, "Mastodon entity", line)
        if _kind_of(value) is None and any(k in value for k in _WRAPPER_KEYS):
            items = [item for k in _WRAPPER_KEYS for item in opt_list(value, k, "result", line)]
        else:
            items = [value]
    embedded: list[dict] = []  # boosted and quoted statuses, read after the top level
    for item in items:
        item = need_dict(item, "Mastodon entity", line)
        kind = _kind_of(item)
        if kind == "status":
            yield from _status_records(item, line, embedded)
        elif kind == "account":
            yield from _account_records(item, line)
        else:
            raise RecordError("neither a Mastodon Status (account, content) nor an Account "
                              "(acct, username)", line=line)
    for status in embedded:
        yield from _status_records(status, line, None)


def _kind_of(obj: dict) -> str | None:
    if "account" in obj and ("content" in obj or "reblog" in obj):
        return "status"
    if "acct" in obj and "username" in obj:
        return "account"
    return None


# -- statuses --------------------------------------------------------------------------------

def _status_records(status: dict, line: int, embedded: list | None) -> Iterator[dict]:
    """Records of one status; the statuses it boosts or quotes go to ``embedded`` (None
    for an embedded status itself: a boost of a boost is not followed)."""
    post_id = need_id(status, "id", "status", line)
    what = f"status {post_id}"
    author = status.get("account")
    if author is None:
        raise RecordError(f"{what} without account", line=line)
    author = need_dict(author, f"{what}.account", line)
    yield from _account_records(author, line)
    account_id = need_id(author, "id", f"{what}.account", line)

    html = opt_str(status, "content", what, line) or ""
    text, links = html_to_text(html)
    card_url = opt_str(opt_dict(status, "card", what, line), "url", f"{what}.card", line)
    post = {
        "kind": "post", "platform": PLATFORM, "id": post_id, "account_id": account_id,
        "created_at": need_time(status, "created_at", what, line),
        "text": text or None, "lang": opt_str(status, "language", what, line),
        "hashtags": _tags(status, what, line),
        "mentions": _mentions(status, what, line),
        "urls": dedupe(links + ([card_url] if card_url else [])),
        "media": _media(status, what, line),
    }
    reply_post = opt_id(status, "in_reply_to_id", what, line)
    reply_account = opt_id(status, "in_reply_to_account_id", what, line)
    if reply_post or reply_account:
        post["reply_to"] = {"post_id": reply_post, "account_id": reply_account}

    reblog = status.get("reblog")
    if reblog is not None and embedded is not None:
        reblog = need_dict(reblog, f"{what}.reblog", line)
        original = need_dict(reblog.get("account"), f"{what}.reblog.account", line)
        post["reshare_of"] = {"post_id": need_id(reblog, "id", f"{what}.reblog", line),
                              "account_id": need_id(original, "id", f"{what}.reblog.account",
                                                    line)}
        embedded.append(reblog)
    quote = opt_dict(status, "quote", what, line)
    quoted = quote.get("quoted_status")
    if isinstance(quoted, dict) and embedded is not None:
        qaccount = need_dict(quoted.get("account"), f"{what}.quote.quoted_status.account",
                             line)
        post["quote_of"] = {
            "post_id": need_id(quoted, "id", f"{what}.quote.quoted_status", line),
            "account_id": need_id(qaccount, "id", f"{what}.quote.quoted_status.account", line)}
        embedded.append(quoted)
    elif quote.get("quoted_status_id") is not None:
        post["quote_of"] = {"post_id": opt_id(quote, "quoted_status_id", f"{what}.quote", line),
                            "account_id": None}

    extra = {}
    for key in ("uri", "url", "visibility", "spoiler_text"):
        value = opt_str(status, key, what, line)
        if value:
            extra[key] = value
    if opt_bool(status, "sensitive", what, line):
        extra["sensitive"] = True
    post["extra"] = extra
    yield compact(post)


def _tags(status: dict, what: str, line: int) -> list[str]:
    return strings_of(status, "tags", "name", what, line)


def _mentions(status: dict, what: str, line: int) -> list[dict]:
    out = []
    for mention in opt_list(status, "mentions", what, line):
        mention = need_dict(mention, f"{what}.mentions item", line)
        where = f"{what}.mentions item"
        out.append({"id": need_id(mention, "id", where, line),
                    "handle": full_handle(mention, where, line)})
    return out


def _media(status: dict, what: str, line: int) -> list[dict]:
    out = []
    for item in opt_list(status, "media_attachments", what, line):
        item = need_dict(item, f"{what}.media_attachments item", line)
        where = f"{what}.media_attachments item"
        url = opt_str(item, "url", where, line) or opt_str(item, "remote_url", where, line) \
            or opt_str(item, "preview_url", where, line)
        out.append(compact({"url": url, "type": opt_str(item, "type", where, line)}))
    return out


# -- accounts --------------------------------------------------------------------------------

def _account_records(account: dict, line: int, *, depth: int = 0) -> Iterator[dict]:
    account_id = need_id(account, "id", "account", line)
    what = f"account {account_id}"
    handle = full_handle(account, what, line)
    bio, _ = html_to_text(opt_str(account, "note", what, line) or "")
    extra: dict[str, Any] = {}
    for key in ("avatar", "header", "uri"):
        value = opt_str(account, key, what, line)
        if value:
            extra[key] = value
    for key in ("locked", "bot", "group", "discoverable", "limited"):
        flag = opt_bool(account, key, what, line)
        if flag is not None:
            extra[key] = flag
    last_status = opt_str(account, "last_status_at", what, line)
    if last_status:
        extra["last_status_at"] = last_status
    fields = _profile_fields(account, what, line)
    if fields:
        extra["fields"] = fields
    moved = account.get("moved")
    moved_records: list[dict] = []
    if isinstance(moved, dict) and depth == 0:
        moved_records = list(_account_records(moved, line, depth=1))
        target = moved_records[0]
        extra["moved_to"] = {"id": target["id"], "handle": target.get("handle")}
    elif moved not in (None, False) and not isinstance(moved, dict):
        raise RecordError(f"{what}.moved must be an account object", line=line)
    yield compact({
        "kind": "account", "platform": PLATFORM, "id": account_id, "handle": handle,
        "name": opt_str(account, "display_name", what, line),
        "bio": bio if "note" in account else None,
        "created_at": opt_time(account, "created_at", what, line),
        "followers": opt_int(account, "followers_count", what, line),
        "following": opt_int(account, "following_count", what, line),
        "posts": opt_int(account, "statuses_count", what, line),
        "url": opt_str(account, "url", what, line),
        "extra": extra,
    })
    if opt_bool(account, "suspended", what, line):
        yield compact({"kind": "status", "platform": PLATFORM, "id": account_id,
                       "handle": handle, "status": "suspended"})
    yield from moved_records


def _profile_fields(account: dict, what: str, line: int) -> dict[str, str]:
    out = {}
    for field in opt_list(account, "fields", what, line):
        field = need_dict(field, f"{what}.fields item", line)
        name = opt_str(field, "name", f"{what}.fields item", line)
        value, _ = html_to_text(opt_str(field, "value", f"{what}.fields item", line) or "")
        if name:
            out[name] = value
    return out


def full_handle(account: dict, what: str, line: int) -> str | None:
    """``user@domain``: ``acct`` when it names the domain, else username (or acct) at the
    host of the profile URL; remote accounts keep their own domain."""
    acct = opt_str(account, "acct", what, line) or opt_str(account, "username", what, line)
    if not acct:
        return None
    acct = acct.lstrip("@")
    if "@" in acct:
        return acct
    url = opt_str(account, "url", what, line) or opt_str(account, "uri", what, line)
    host = _host(url)
    return f"{acct}@{host}" if host else acct


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None


# -- HTML -> text ----------------------------------------------------------------------------

class _TextExtractor(HTMLParser):
    """Collects text and link targets; tags are dropped, entities unescaped. Nothing is
    fetched or executed: this only walks the markup."""

    _BREAKS = {"br"}
    _BLOCKS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
    _SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")
        elif tag == "a":
            attrs = dict(attrs)
            classes = (attrs.get("class") or "").split()
            href = attrs.get("href") or ""
            if "mention" not in classes and "hashtag" not in classes and \
                    href.startswith(("http://", "https://")):
                self.links.append(href)

    def handle_startendtag(self, tag, attrs):
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Plain text of Mastodon HTML (``<br>`` a newline, a paragraph a blank line) and the
    links it holds that are neither mentions nor hashtags."""
    if "<" not in html and "&" not in html:
        return html.strip(), []
    text, links = _cached_html_to_text(html)
    return text, list(links)


@lru_cache(maxsize=4096)  # an account's note and fields repeat in every status it posts
def _cached_html_to_text(html: str) -> tuple[str, tuple[str, ...]]:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [ln.rstrip() for ln in text.split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text, tuple(dedupe(parser.links))


class MastodonFormat(SourceFormat):
    """Mastodon API entities (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 30

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
