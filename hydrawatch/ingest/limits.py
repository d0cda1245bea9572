"""Limits every ingested record is held to, whatever format it came from.

A value beyond these limits is an input error for its record (``--skip-bad`` skips it),
never a database error at commit time or a traceback:

- ids (account, post, edge ends, references) at most ``MAX_ID_CHARS`` (the id columns);
- handles at most the platform's documented maximum (``HANDLE_MAX``): X usernames 15
  characters; Mastodon usernames 30 characters plus ``@`` and a domain name (at most 253);
  Bluesky handles are domain names, at most 253; Telegram usernames 32. Other platforms get
  255 (the handle columns are 320 wide);
- counts within a signed 64-bit integer, and not negative;
- times between years 1 and 9999 once converted to UTC (``timeutil.parse_time``);
- values passed through into ``extra`` (and mentions, media) nested at most
  ``MAX_DEPTH`` deep, with no NUL characters (PostgreSQL text cannot hold them);
- short code-like fields (platform, lang, media type) within their columns.
"""

from __future__ import annotations

from typing import Any

from hydrawatch.errors import RecordError

MAX_ID_CHARS = 128
MAX_HANDLE_CHARS = 255  # other platforms (the handle columns are 320 wide)
HANDLE_MAX = {"x": 15, "mastodon": 30 + 1 + 253, "bluesky": 253, "telegram": 32}
MAX_PLATFORM_CHARS = 32
MAX_LANG_CHARS = 16
MAX_MEDIA_KIND_CHARS = 32
MAX_DEPTH = 64
INT64_MAX = 2**63 - 1


def handle_limit(platform: str) -> int:
    return HANDLE_MAX.get(platform, MAX_HANDLE_CHARS)


def check_id(value: str | None, what: str, line: int) -> None:
    if value is not None and len(value) > MAX_ID_CHARS:
        raise RecordError(f"{what} is longer than {MAX_ID_CHARS} characters", line=line)


def check_handle(platform: str, value: str | None, what: str, line: int) -> None:
    if value is None:
        return
    limit = handle_limit(platform)
    if len(value.lstrip("@")) > limit:
        raise RecordError(f"{what} is longer than {limit} characters (the {platform} maximum)",
                          line=line)
    if platform == "mastodon" and "@" in value.lstrip("@"):
        user = value.lstrip("@").split("@", 1)[0]
        if len(user) > 30:
            raise RecordError(f"{what}: the username is longer than 30 characters "
                              "(the mastodon maximum)", line=line)


def check_short(value: str | None, limit: int, what: str, line: int) -> None:
    if value is not None and len(value) > limit:
        raise RecordError(f"{what} is longer than {limit} characters", line=line)


def check_count(value: int | None, what: str, line: int) -> None:
    if value is None:
        return
    if value < 0:
        raise RecordError(f"{what} must not be negative", line=line)
    if value > INT64_MAX:
        raise RecordError(f"{what} is larger than a 64-bit integer", line=line)


def check_nested(value: Any, what: str, line: int) -> None:
    """Depth, NUL characters and integer range of a passed-through JSON value, checked
    without recursion so that no depth can exhaust the Python stack."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise RecordError(f"{what} holds a NUL character", line=line)
        elif isinstance(node, bool) or node is None or isinstance(node, float):
            continue
        elif isinstance(node, int):
            if not -INT64_MAX - 1 <= node <= INT64_MAX:
                raise RecordError(f"{what} holds a number beyond 64 bits", line=line)
        elif isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise RecordError(f"{what} is nested more than {MAX_DEPTH} levels deep",
                                  line=line)
            if isinstance(node, dict):
                for key, item in node.items():
                    if not isinstance(key, str) or "\x00" in key:
                        raise RecordError(f"{what} holds a key with a NUL character",
                                          line=line)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def check_text(value: str | None, what: str, line: int) -> None:
    if value is not None and "\x00" in value:
        raise RecordError(f"{what} holds a NUL character", line=line)
