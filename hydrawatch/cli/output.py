"""Printing data to the terminal safely.

Every handle, name, org, reason or path the CLI prints may come from hostile input. Rich
interprets ``[...]`` as markup (``[/]`` raises an error, ``[link=...]`` makes a clickable
link) and passes terminal escape sequences through (``ESC ] 8`` hyperlinks, cursor moves,
colours). So data is never formatted into markup as is:

- ``safe(value)``: for an f-string printed with markup: markup escaped, controls made
  visible;
- ``text(value)`` / ``DataTable``: a literal ``rich.text.Text`` (no markup at all), for
  table cells; ``DataTable.add_row`` turns every ``str`` cell into one.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.table import Table
from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(value) -> str:
    """``str(value)`` with control characters shown as ``\\xNN`` instead of acted on."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", "" if value is None else str(value))


def safe(value) -> str:
    """Data to put inside a markup string: escaped, controls made visible."""
    return escape(visible(value))


def text(value, style: str = "") -> Text:
    """Data as a literal rich Text: never parsed as markup."""
    return Text(visible(value), style=style)


class DataTable(Table):
    """A rich Table whose string cells are literal text, never markup."""

    def add_row(self, *renderables, **kwargs):  # noqa: D401 - same contract as Table
        cells = [text(c) if isinstance(c, str) else c for c in renderables]
        return super().add_row(*cells, **kwargs)
