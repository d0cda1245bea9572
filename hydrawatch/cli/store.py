"""`hydrawatch init` and `hydrawatch stats`."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, store_for
from hydrawatch.cli.output import console, emit


@app.command()
def init(db: str = DbOption) -> None:
    """Create or upgrade the database schema (safe to run twice)."""
    from hydrawatch.store import Store

    store = Store(db)
    rev = store.init()
    console().print(f"database ready at revision {rev}: {store.engine.url.render_as_string(hide_password=True)}")


@app.command()
def stats(db: str = DbOption, fmt: Format = FormatOption,
          as_json: bool = typer.Option(False, "--json", hidden=True, help="--format json.")) -> None:
    """Counts of what the store holds."""
    from hydrawatch.store.stats import collect_stats

    figures = collect_stats(store_for(db))
    fmt = json_wanted(fmt, as_json)
    emit(fmt, list(figures.items()), {"what": lambda r: r[0],
                                      "count": lambda r: f"{r[1]:,}" if fmt == "table" else r[1]},
         json_rows=figures)
