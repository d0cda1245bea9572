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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# rich is imported when something is printed, not when the CLI starts (``--help`` stays fast)

# C0 controls except tab and newline, DEL, C1 controls
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(value) -> str:
    """``str(value)`` with control characters shown as ``\\xNN`` instead of acted on."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", "" if value is None else str(value))


def safe(value) -> str:
    """Data to put inside a markup string: escaped, controls made visible."""
    from rich.markup import escape

    return escape(visible(value))


def text(value, style: str = "") -> "Text":
    """Data as a literal rich Text: never parsed as markup."""
    from rich.text import Text

    return Text(visible(value), style=style)


def _data_table_class():
    from rich.table import Table

    class DataTable(Table):
        """A rich Table whose string cells are literal text, never markup."""

        def add_row(self, *renderables, **kwargs):  # noqa: D401 - same contract as Table
            cells = [text(c) if isinstance(c, str) else c for c in renderables]
            return super().add_row(*cells, **kwargs)

    return DataTable


def __getattr__(name: str):
    if name == "DataTable":  # defined on first use: it subclasses rich's Table
        cls = _data_table_class()
        globals()["DataTable"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- where results and messages go -----------------------------------------------------

WIDE = 100_000  # "no limit": a table piped to a file or a program is never cut or wrapped


def console(*, stderr: bool = False, **kwargs):
    """A Console for results (stdout) or for progress and messages (stderr). When the
    stream is not a terminal, lines are never wrapped and table cells never cut: whatever
    reads the output gets every character."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if "width" not in kwargs and not _isatty(stream):
        kwargs["width"] = WIDE
    kwargs.setdefault("highlight", False)
    return Console(stderr=stderr, **kwargs)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams (tests)
        return False


def print_json(obj) -> None:
    """``obj`` as indented JSON on stdout (orjson: datetimes as ISO strings)."""
    import sys

    import orjson

    data = orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str)
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(data.decode() + "\n")
    else:
        out.write(data + b"\n")
    sys.stdout.flush()


def emit(fmt, rows: list[dict], columns: dict, *, json_rows=None, title: str | None = None) -> None:
    """Print the rows a listing command found, as ``fmt`` says:

    - ``table``: a DataTable of ``columns`` (header -> function of a row giving the cell);
    - ``csv``: the same columns, through ``csvio`` (safe against formula injection);
    - ``json``: ``json_rows`` (default: ``rows``) as one JSON array.

    An empty listing prints an empty table (headers only) or ``[]``, never nothing."""
    import sys

    fmt = getattr(fmt, "value", fmt)
    if fmt == "json":
        print_json(rows if json_rows is None else json_rows)
        return
    cells = [[_cell(get(row), fmt) for get in columns.values()] for row in rows]
    if fmt == "csv":
        from hydrawatch import csvio

        out = csvio.writer(sys.stdout)
        out.writerow(list(columns))
        out.writerows(cells)
        sys.stdout.flush()
        return
    from hydrawatch.cli.output import DataTable  # noqa: PLW0406 - built on first use

    table = DataTable(*columns, title=title)
    for row in cells:
        table.add_row(*row)
    console().print(table)


def _cell(value, fmt: str) -> str:
    """A table cell for people (``yes``, 3 decimals) or a CSV field for programs (``true`` /
    ``false``, full precision)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("true" if value else "false") if fmt == "csv" else ("yes" if value else "")
    if isinstance(value, float):
        return repr(value) if fmt == "csv" else f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)
