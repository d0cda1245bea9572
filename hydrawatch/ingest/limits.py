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
- values passed through into ``extra`` (and mentions, media) storable as JSON: nested
  less than ``MAX_DEPTH`` levels (orjson's limit) and integers within 64 bits;
- no NUL characters in any text, in a column or inside a JSON value (PostgreSQL cannot
  turn them into text);
- short code-like fields (platform, lang, media type) within their columns.
"""

from __future__ import annotations

from typing import Any

import orjson

from hydrawatch.errors import RecordError

MAX_ID_CHARS = 128
MAX_HANDLE_CHARS = 255  # other platforms (the handle columns are 320 wide)
HANDLE_MAX = {"x": 15, "mastodon": 30 + 1 + 253, "bluesky": 253, "telegram": 32}
MAX_PLATFORM_CHARS = 32
MAX_LANG_CHARS = 16
MAX_MEDIA_KIND_CHARS = 32
MAX_DEPTH = 255  # orjson refuses to write values nested this deep
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


def check_json(value: Any, what: str, line: int) -> None:
    """A value stored in a JSON column (extra, mentions, media, hashtags, urls) must
    serialise: orjson, which the writer uses, refuses objects nested ``MAX_DEPTH`` or more
    levels deep and integers beyond 64 bits. Checked here, so that it is this record's
    error rather than a failure of the whole batch at commit time."""
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError as exc:
        why = ("nested too deeply (at most 254 levels)" if "recursion" in str(exc).lower()
               else "not storable as JSON")
        raise RecordError(f"{what} is {why}", line=line) from None


def check_no_nul(value: Any, what: str, line: int) -> None:
    """No NUL character in any string (or key) of a JSON value: PostgreSQL cannot turn one
    into text (``->>``, a cast to jsonb). Iterative, so no depth exhausts the stack."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise RecordError(f"{what} holds a NUL character", line=line)
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def check_text(value: Any, what: str, line: int) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise RecordError(f"{what} holds a NUL character", line=line)
