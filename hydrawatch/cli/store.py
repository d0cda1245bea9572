"""`hydrawatch init` and `hydrawatch stats`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.store import Store
from hydrawatch.store.stats import collect_stats


@app.command()
def init(db: str = DbOption) -> None:
    """Create or upgrade the database schema (safe to run twice)."""
    store = Store(db)
    rev = store.init()
    Console().print(f"database ready at revision {rev}: {store.engine.url.render_as_string(hide_password=True)}")


@app.command()
def stats(db: str = DbOption,
          as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Counts of what the store holds."""
    figures = collect_stats(store_for(db))
    if as_json:
        print_json(figures)
        return
    table = Table("what", "count")
    for key, value in figures.items():
        table.add_row(key, f"{value:,}")
    Console().print(table)
