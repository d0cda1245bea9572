"""CSV out and in, safely: the one CSV writer every export uses, and the reader limits.

Writing: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by spreadsheet programs (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``),
so such text cells are written with a leading ``'`` (OWASP's advice for CSV injection).
Numbers stay numbers: only ``str`` cells are touched, so pass numeric values as ``int`` or
``float`` (a negative score written as ``-0.5`` from a float stays ``-0.5``).

Reading: Python's csv module refuses fields over 128 KiB by default; lists written by
people may carry long notes, so the limit is raised to ``MAX_FIELD`` (16 MiB), beyond
which a row is reported unreadable rather than crashing.
"""

from __future__ import annotations

import csv
from typing import IO, Any, Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_FIELD = 16 * 1024 * 1024


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that would start a formula gets a
    leading ``'``; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every row is neutralised (header rows too). Rows end in CRLF
    (RFC 4180), which also makes the csv module quote any cell holding a CR or LF, so an
    embedded CR can never split a row."""

    def __init__(self, fh: IO[str], **kwargs):
        kwargs.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str], **kwargs) -> SafeWriter:
    """The CSV writer for every export (score, lists, reports, transparency data)."""
    return SafeWriter(fh, **kwargs)


def allow_large_fields() -> None:
    """Raise the csv module's field limit to ``MAX_FIELD`` (never lowers it)."""
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)
