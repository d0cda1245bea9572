"""Canonical JSONL (formats/canonical.md), and the validation every record passes through,
whatever format it came from."""

from __future__ import annotations

from typing import Any, Iterator

import orjson

from hydrawatch.errors import RecordError, quote
from hydrawatch.ingest import limits
from hydrawatch.ingest.base import EDGE_TYPES, KINDS, STATUS_VALUES, Record, SourceFormat
from hydrawatch.timeutil import parse_time

NAME = "canonical"
JSONL = True

_ACCOUNT_FIELDS = {"kind", "platform", "id", "handle", "name", "bio", "url", "created_at",
                   "avatar_pdq", "followers", "following", "posts", "lang", "observed_at", "extra"}
_POST_FIELDS = {"kind", "platform", "id", "account_id", "created_at", "text", "lang", "hashtags",
                "mentions", "urls", "media", "reshare_of", "reply_to", "quote_of", "observed_at",
                "extra", "handle"}


def sniff(value: Any) -> bool:
    if isinstance(value, list) and value:
        value = value[0]
    return isinstance(value, dict) and "kind" in value and "platform" in value


def records(value: Any, line: int) -> Iterator[Record]:
    """One record per JSONL line (or a JSON array of records in one document)."""
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            raise RecordError("a canonical record must be a JSON object", line=line)
        yield item


# -- validation ------------------------------------------------------------------------------

def _str(rec: dict, key: str, line: int, required: bool = False) -> str | None:
    value = rec.get(key)
    if value is None or value == "":
        if required:
            raise RecordError(f"{rec.get('kind', 'record')} without {key!r}", line=line)
        return None
    if not isinstance(value, str):
        raise RecordError(f"{key!r} must be a string, not {type(value).__name__}", line=line)
    return value


def _int(rec: dict, key: str, line: int) -> int | None:
    value = rec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{key!r} must be an integer, not {type(value).__name__}", line=line)
    limits.check_count(value, repr(key), line)
    return value


def _time(rec: dict, key: str, line: int, required: bool = False):
    value = rec.get(key)
    if value is None or value == "":
        if required:
            raise RecordError(f"{rec.get('kind', 'record')} without {key!r}", line=line)
        return None
    try:
        return parse_time(value)
    except (ValueError, TypeError, OverflowError):
        raise RecordError(f"{key!r} is not a valid time: {quote(value)}", line=line) from None


def _ref(rec: dict, key: str, line: int) -> dict | None:
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{key!r} must be an object with post_id and account_id", line=line)
    post_id = _str(value, "post_id", line)
    account_id = _str(value, "account_id", line)
    limits.check_id(post_id, f"{key}.post_id", line)
    limits.check_id(account_id, f"{key}.account_id", line)
    if post_id is None and account_id is None:
        return None
    return {"post_id": post_id, "account_id": account_id}


def _list_of_str(rec: dict, key: str, line: int) -> list[str] | None:
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{key!r} must be a list of strings", line=line)
    return value


def _extra(rec: dict, known: set[str]) -> dict | None:
    extra = dict(rec.get("extra") or {}) if isinstance(rec.get("extra"), dict) else {}
    for key, value in rec.items():
        if key not in known and not key.startswith("_"):
            extra[key] = value
    return extra or None


def validate(rec: Any, line: int) -> Record:
    """Check one record's kind, required ids and field types; return it with times parsed.
    Raises RecordError naming the problem."""
    if not isinstance(rec, dict):
        raise RecordError("a record must be a JSON object", line=line)
    kind = rec.get("kind")
    if kind not in KINDS:
        raise RecordError(f"unknown kind {quote(kind)} (expected one of {', '.join(KINDS)})",
                          line=line)
    platform = _str(rec, "platform", line, required=True).lower()
    limits.check_short(platform, limits.MAX_PLATFORM_CHARS, "'platform'", line)
    out = _validate(rec, kind, platform, line)
    _check_limits(out, line)
    return out


_ID_KEYS = frozenset(("id", "account_id", "src", "dst"))
_JSON_KEYS = ("extra", "mentions", "media", "hashtags", "urls")
_SHORTEST_HANDLE_LIMIT = min(limits.HANDLE_MAX.values())


def _check_limits(out: dict, line: int) -> None:
    """Hold the record to ``limits``: ids, handles, code-like fields, NUL characters in
    text, values stored as JSON. Written for the hot path: the checks that pass cost a
    comparison each, and ``limits`` is called only to word an error."""
    platform = out["platform"]
    for key, value in out.items():
        if type(value) is str:
            if "\x00" in value:
                limits.check_text(value, repr(key), line)
            if key in _ID_KEYS and len(value) > limits.MAX_ID_CHARS:
                limits.check_id(value, repr(key), line)
    handle = out.get("handle")
    if handle is not None and len(handle) > _SHORTEST_HANDLE_LIMIT:
        limits.check_handle(platform, handle, "'handle'", line)
    lang = out.get("lang")
    if lang is not None and len(lang) > limits.MAX_LANG_CHARS:
        limits.check_short(lang, limits.MAX_LANG_CHARS, "'lang'", line)
    for m in out.get("mentions") or ():
        mid, mhandle = m.get("id"), m.get("handle")
        if mid is not None and (len(mid) > limits.MAX_ID_CHARS or "\x00" in mid):
            limits.check_id(mid, "a mention id", line)
            limits.check_text(mid, "a mention id", line)
        if mhandle is not None and (len(mhandle) > _SHORTEST_HANDLE_LIMIT or "\x00" in mhandle):
            limits.check_handle(platform, mhandle, "a mention handle", line)
            limits.check_text(mhandle, "a mention handle", line)
    for m in out.get("media") or ():
        limits.check_short(m.get("type") or m.get("kind"), limits.MAX_MEDIA_KIND_CHARS,
                           "a media type", line)
        for key in ("type", "kind", "url", "pdq"):
            limits.check_text(m.get(key), f"a media {key}", line)
    for key in ("reshare_of", "reply_to", "quote_of"):
        ref = out.get(key)
        if ref:
            for value in ref.values():
                limits.check_text(value, repr(key), line)
    stored = [out.get(key) for key in _JSON_KEYS]
    try:
        dumped = orjson.dumps(stored)
    except orjson.JSONEncodeError:
        for key, value in zip(_JSON_KEYS, stored):
            limits.check_json(value, repr(key), line)
        raise RecordError("a value is not storable as JSON", line=line) from None
    if b"\\u0000" in dumped:  # maybe a NUL (or a literal backslash-u0000): look closely
        for key, value in zip(_JSON_KEYS, stored):
            limits.check_no_nul(value, repr(key), line)


def _validate(rec: dict, kind: str, platform: str, line: int) -> Record:
    if kind == "account":
        out = {"kind": kind, "platform": platform, "id": _str(rec, "id", line, required=True)}
        for key in ("handle", "name", "bio", "url", "lang"):
            out[key] = _str(rec, key, line)
        pdq = _str(rec, "avatar_pdq", line)
        if pdq is not None and (len(pdq) != 64 or not _is_hex(pdq)):
            raise RecordError("'avatar_pdq' must be 64 hex characters", line=line)
        out["avatar_pdq"] = pdq.lower() if pdq else None
        for key in ("followers", "following", "posts"):
            out[key] = _int(rec, key, line)
        out["created_at"] = _time(rec, "created_at", line)
        out["observed_at"] = _time(rec, "observed_at", line)
        out["extra"] = _extra(rec, _ACCOUNT_FIELDS)
        return out
    if kind == "post":
        out = {"kind": kind, "platform": platform, "id": _str(rec, "id", line, required=True),
               "account_id": _str(rec, "account_id", line, required=True),
               "created_at": _time(rec, "created_at", line, required=True),
               "text": _str(rec, "text", line), "lang": _str(rec, "lang", line),
               "hashtags": _list_of_str(rec, "hashtags", line),
               "urls": _list_of_str(rec, "urls", line),
               "observed_at": _time(rec, "observed_at", line)}
        mentions = rec.get("mentions")
        if mentions is not None:
            if not isinstance(mentions, list):
                raise RecordError("'mentions' must be a list", line=line)
            clean = []
            for m in mentions:
                if isinstance(m, str):
                    clean.append({"id": None, "handle": m.lstrip("@")})
                elif isinstance(m, dict):
                    clean.append({"id": _str(m, "id", line), "handle": _str(m, "handle", line)})
                else:
                    raise RecordError("a mention must be an object or a handle", line=line)
            mentions = clean
        out["mentions"] = mentions
        media = rec.get("media")
        if media is not None:
            if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
                raise RecordError("'media' must be a list of objects", line=line)
            for m in media:
                pdq = _str(m, "pdq", line)
                if pdq is not None and (len(pdq) != 64 or not _is_hex(pdq)):
                    raise RecordError("a media 'pdq' must be 64 hex characters", line=line)
                _str(m, "url", line)
        out["media"] = media
        for key in ("reshare_of", "reply_to", "quote_of"):
            out[key] = _ref(rec, key, line)
        out["extra"] = _extra(rec, _POST_FIELDS)
        return out
    if kind == "edge":
        etype = rec.get("type")
        if etype not in EDGE_TYPES:
            raise RecordError(f"unknown edge type {quote(etype)}", line=line)
        return {"kind": kind, "platform": platform, "src": _str(rec, "src", line, required=True),
                "dst": _str(rec, "dst", line, required=True), "type": etype,
                "observed_at": _time(rec, "observed_at", line)}
    # status
    status = rec.get("status")
    if status not in STATUS_VALUES:
        raise RecordError(f"unknown status {quote(status)}", line=line)
    account_id = _str(rec, "id", line)
    handle = _str(rec, "handle", line)
    if account_id is None and handle is None:
        raise RecordError("status without 'id' or 'handle'", line=line)
    return {"kind": kind, "platform": platform, "id": account_id, "handle": handle,
            "status": status, "observed_at": _time(rec, "observed_at", line),
            "source": _str(rec, "source", line)}


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
        return True
    except ValueError:
        return False


class CanonicalFormat(SourceFormat):
    """Canonical JSONL (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 10

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
