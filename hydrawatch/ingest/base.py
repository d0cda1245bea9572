"""The contract between source formats and the ingest engine.

A source format is a :class:`SourceFormat` registered under its name in the
``hydrawatch.formats`` entry point group (``pyproject.toml``; the built-ins are registered
there exactly as a third-party package would add one). It has:

- ``NAME``: short name ("canonical", "x_v2", "mastodon", "bluesky", "telegram");
- ``JSONL``: True when a file holds one JSON value per line (False: one JSON document);
  formats that accept both set ``JSONL = None`` and the engine decides per file;
- ``PRIORITY``: detection order, lowest first (built-ins 10-50; a plug-in defaults to 100,
  so it never takes a file a built-in claims);
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

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Iterator, NamedTuple

Record = dict[str, Any]

KINDS = ("account", "post", "edge", "status")
EDGE_TYPES = ("follows", "reshares", "mentions", "replies", "quotes")
STATUS_VALUES = ("active", "suspended", "deactivated", "deleted", "protected", "not_found")


class Dropped(NamedTuple):
    """An input item that gives no record, with why (and what would give one)."""

    reason: str


class SourceFormat(ABC):
    """One input format (see the module docstring for the contract)."""

    NAME: ClassVar[str]
    JSONL: ClassVar[bool | None] = None
    PRIORITY: ClassVar[int] = 100

    @abstractmethod
    def sniff(self, value: Any) -> bool:
        """Is this first JSON value of a file in this format?"""

    @abstractmethod
    def records(self, value: Any, line: int) -> Iterator[Record | Dropped]:
        """Canonical records (or ``Dropped`` items) from one JSON value."""

    def __repr__(self) -> str:
        return f"<input format {self.NAME}>"
