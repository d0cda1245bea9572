"""Collection pages (``hydrawatch collect``): one fetched API page a line, as received.

    {"url": "https://api.x.com/2/users/12/followers?max_results=1000&user.fields=...",
     "fetched_at": "2026-03-01T10:00:00.123Z", "status": 200,
     "headers": {"content-type": "...", "link": "...", "x-rate-limit-reset": "..."},
     "platform": "x", "endpoint": "followers", "account": "12", "key": "x:12:followers:0",
     "body": <the response JSON, untouched>}

The body goes to the adapter of its platform (``x_v2``, ``mastodon``, ``bluesky``), with
what only the request says added: for X the request URL as twarc saves it (``__twarc``:
the author of a timeline, the subject of a follower list), for Mastodon the subject of
``/accounts/:id/followers`` and ``/following`` (the body is a bare list of accounts), and
for every platform the account status an error response states (a 404 or 410, an XRPC
``AccountTakedown``). Records without an observation time get ``fetched_at``, so a
collection re-ingested later says what was seen when.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlsplit

from hydrawatch.errors import RecordError
from hydrawatch.ingest import bluesky, mastodon, x_v2
from hydrawatch.ingest.base import Dropped, SourceFormat
from hydrawatch.ingest.fields import need_dict

NAME = "collection"
JSONL = True
PLATFORMS = {"x": x_v2, "mastodon": mastodon, "bluesky": bluesky}
_ENVELOPE = {"url", "fetched_at", "status", "body"}
_MASTO_LIST = re.compile(r"/api/v1/accounts/([^/]{1,128})/(followers|following)/?")
_MASTO_ACCOUNT = re.compile(r"/api/v1/accounts/([^/]{1,128})(/\w+)?/?")
BSKY_STATUS = {"AccountTakedown": "suspended", "AccountDeactivated": "deactivated"}


def sniff(value: Any) -> bool:
    return isinstance(value, dict) and _ENVELOPE <= set(value) and value.get("platform") in PLATFORMS


def records(value: Any, line: int) -> Iterator[dict]:
    page = need_dict(value, "collection page", line)
    fetched_at = page.get("fetched_at")
    for rec in _records(page, line):
        if not isinstance(rec, Dropped) and rec.get("observed_at") is None:
            rec = {**rec, "observed_at": fetched_at}
        yield rec


def _records(page: dict, line: int) -> Iterator[dict]:
    platform, body, code = page.get("platform"), page.get("body"), page.get("status")
    if not isinstance(code, int):
        raise RecordError("collection page status must be an HTTP status code", line=line)
    account = str(page.get("account") or "")
    if platform == "x":
        if code == 200 and isinstance(body, dict):
            yield from x_v2.records({**body, "__twarc": {"url": page["url"],
                                                        "retrieved_at": page["fetched_at"]}}, line)
    elif platform == "mastodon":
        yield from _mastodon(page, body, code, account, line)
    elif platform == "bluesky":
        yield from _bluesky(body, code, account, line)
    else:
        raise RecordError(f"collection page of unknown platform {platform!r}", line=line)


def _mastodon(page: dict, body, code: int, account: str, line: int) -> Iterator[dict]:
    path = urlsplit(str(page["url"])).path
    if code in (404, 410):
        match = _MASTO_ACCOUNT.fullmatch(path)
        if match and match.group(1) != "lookup":
            yield {"kind": "status", "platform": "mastodon", "id": match.group(1),
                   "status": "not_found" if code == 404 else "suspended"}
        return
    if code != 200 or body in (None, [], {}):
        return
    recs = list(mastodon.records(body, line))
    yield from recs
    match = _MASTO_LIST.fullmatch(path)
    if match and isinstance(body, list):
        subject, which = match.groups()
        for rec in recs:
            if rec.get("kind") == "account":
                src, dst = (rec["id"], subject) if which == "followers" else (subject, rec["id"])
                yield {"kind": "edge", "platform": "mastodon", "src": src, "dst": dst, "type": "follows"}


def _bluesky(body, code: int, account: str, line: int) -> Iterator[dict]:
    if code == 200 and isinstance(body, dict):
        if body.get("feed") == [] or (isinstance(body.get("feed"), list) and not body["feed"]):
            return
        yield from bluesky.records(body, line)
        return
    error = body.get("error") if isinstance(body, dict) else None
    message = str(body.get("message") or "").lower() if isinstance(body, dict) else ""
    status = BSKY_STATUS.get(error) or ("not_found" if code == 400 and "not found" in message else None)
    if status and account.startswith("did:"):
        yield {"kind": "status", "platform": "bluesky", "id": account, "status": status}


class CollectionFormat(SourceFormat):
    """Raw pages of ``hydrawatch collect`` (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 60   # after the platform formats: only an envelope with url, status and body

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
