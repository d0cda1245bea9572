"""Type-checked field access for the platform adapters (x_v2, mastodon, bluesky, telegram).

Every post is hostile input: a value of the wrong type must become a ``RecordError`` that
says which field of which object was wrong, never a ``KeyError`` or ``TypeError`` from deep
inside an adapter. Ids always come out as strings; an id given as a JSON float is refused,
because a float has already lost the low digits of a 64-bit platform id.
"""

from __future__ import annotations

from typing import Any, Iterator

from hydrawatch.errors import RecordError, quote
from hydrawatch.ingest.limits import INT64_MAX, MAX_HANDLE_CHARS, MAX_ID_CHARS
from hydrawatch.timeutil import iso, parse_time


def need_dict(value: Any, what: str, line: int) -> dict:
    if not isinstance(value, dict):
        raise RecordError(f"{what} must be an object, not {_type_name(value)}", line=line)
    return value


def opt_dict(obj: dict, key: str, what: str, line: int) -> dict:
    """``obj[key]`` as a dict; absent or null gives an empty dict."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{what}.{key} must be an object, not {_type_name(value)}", line=line)
    return value


def opt_list(obj: dict, key: str, what: str, line: int) -> list:
    """``obj[key]`` as a list; absent or null gives an empty list."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what}.{key} must be a list, not {_type_name(value)}", line=line)
    return value


def as_id(value: Any, what: str, line: int) -> str:
    """A platform id as a string: strings as given, integers exactly, anything else refused."""
    if isinstance(value, bool):
        raise RecordError(f"{what} must be a string, not a boolean", line=line)
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"{what} must be a string, not {_type_name(value)}", line=line)
    if not value.strip():
        raise RecordError(f"{what} is empty", line=line)
    if len(value) > MAX_ID_CHARS:
        raise RecordError(f"{what} is longer than {MAX_ID_CHARS} characters", line=line)
    return value


def need_id(obj: dict, key: str, what: str, line: int) -> str:
    value = obj.get(key)
    if value is None:
        raise RecordError(f"{what} without {key}", line=line)
    return as_id(value, f"{what}.{key}", line)


def opt_id(obj: dict, key: str, what: str, line: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    return as_id(value, f"{what}.{key}", line)


def opt_str(obj: dict, key: str, what: str, line: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{what}.{key} must be a string, not {_type_name(value)}", line=line)
    return value


def opt_handle(obj: dict, key: str, what: str, line: int) -> str | None:
    value = opt_str(obj, key, what, line)
    if value is not None and len(value) > MAX_HANDLE_CHARS:
        raise RecordError(f"{what}.{key} is longer than {MAX_HANDLE_CHARS} characters",
                          line=line)
    return value or None


def opt_int(obj: dict, key: str, what: str, line: int) -> int | None:
    """A count: a JSON integer (or an integral float such as 12.0). Negative is refused."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{what}.{key} must be an integer, not {_type_name(value)}",
                          line=line)
    if value < 0:
        raise RecordError(f"{what}.{key} must not be negative", line=line)
    if value > INT64_MAX:
        raise RecordError(f"{what}.{key} is larger than a 64-bit integer", line=line)
    return value


def opt_bool(obj: dict, key: str, what: str, line: int) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise RecordError(f"{what}.{key} must be true or false, not {_type_name(value)}",
                          line=line)
    return value


def as_time(value: Any, what: str, line: int) -> str | None:
    """An ISO 8601 string (or epoch seconds) normalised to ``2026-03-01T10:00:00Z``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"{what} must be an ISO 8601 time, not {_type_name(value)}",
                          line=line)
    try:
        return iso(parse_time(value))
    except (ValueError, OverflowError, OSError):
        raise RecordError(f"{what} is not a valid time: {quote(value, 40)}", line=line) from None


def opt_time(obj: dict, key: str, what: str, line: int) -> str | None:
    return as_time(obj.get(key), f"{what}.{key}", line)


def need_time(obj: dict, key: str, what: str, line: int) -> str:
    value = opt_time(obj, key, what, line)
    if value is None:
        raise RecordError(f"{what} without {key}", line=line)
    return value


def strings_of(obj: dict, list_key: str, item_key: str, what: str, line: int) -> list[str]:
    """The ``item_key`` strings of the objects in ``obj[list_key]``, first occurrence
    kept (hashtags, tags, labels)."""
    where = f"{what}.{list_key} item"
    found = []
    for item in opt_list(obj, list_key, what, line):
        value = opt_str(need_dict(item, where, line), item_key, where, line)
        if value:
            found.append(value)
    return dedupe(found)


def compact(record: dict) -> dict:
    """Drop keys whose value is None or an empty extra: a missing field erases nothing."""
    out = {k: v for k, v in record.items() if v is not None}
    if "extra" in out and not out["extra"]:
        del out["extra"]
    return out


def dedupe(items: list) -> list:
    """Keep the first of each equal item, in order (hashtags, urls)."""
    seen: set = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def merge_duplicates(records: Iterator[dict]) -> Iterator[dict]:
    """Fold records about the same account or post within one JSON value into one: the
    first occurrence wins and later ones only fill fields it lacks. Platforms embed
    abbreviated copies (a boosted status inside the boost, a reply's parent), and an
    abbreviated copy must not overwrite the full object ingested a moment before it."""
    merged: dict[tuple, dict] = {}
    order: list = []
    for record in records:
        if record.get("kind") not in ("account", "post"):
            order.append(record)
            continue
        key = (record["kind"], record["id"])
        first = merged.get(key)
        if first is None:
            merged[key] = dict(record)
            order.append(key)
            continue
        for field, value in record.items():
            if field == "extra" and isinstance(first.get("extra"), dict):
                first["extra"] = {**value, **first["extra"]}
            elif field not in first:
                first[field] = value
    for entry in order:
        yield merged[entry] if isinstance(entry, tuple) else entry
