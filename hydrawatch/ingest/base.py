"""The contract between source formats and the ingest engine.

A source format is a module registered in ``hydrawatch.ingest.FORMATS`` with:

- ``NAME``: short name ("canonical", "x_v2", "mastodon", "bluesky", "telegram");
- ``JSONL``: True when a file holds one JSON value per line (False: one JSON document);
  formats that accept both set ``JSONL = None`` and the engine decides per file;
- ``sniff(value) -> bool``: is this first JSON value (the first line of a JSONL file, or
  the whole document) in my format?
- ``records(value, line) -> Iterator[dict]``: turn one JSON value into canonical records
  (``formats/canonical.md``): dicts with ``kind`` in account/post/edge/status, ids as
  strings, times as ISO strings or datetimes. Raise ``RecordError(reason, line=line)`` for
  a value that cannot be used (missing id, wrong type); the engine adds the path.

An adapter may also yield ``Dropped(reason)`` for an input item that is well formed but
cannot become a record (an X tweet requested without its author): the engine counts it
by reason and goes on; it is not an input error and never rejects the file.

Posts carry their own ``mentions``, ``reshare_of``, ``reply_to`` and ``quote_of``
(``{"post_id", "account_id"}``); the engine derives the edges from them, so adapters
do not emit those edges themselves.
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple, Protocol

Record = dict[str, Any]

KINDS = ("account", "post", "edge", "status")
EDGE_TYPES = ("follows", "reshares", "mentions", "replies", "quotes")
STATUS_VALUES = ("active", "suspended", "deactivated", "deleted", "protected", "not_found")


class Dropped(NamedTuple):
    """An input item that gives no record, with why (and what would give one)."""

    reason: str


class SourceFormat(Protocol):
    NAME: str
    JSONL: bool | None

    def sniff(self, value: Any) -> bool: ...

    def records(self, value: Any, line: int) -> Iterator[Record]: ...
