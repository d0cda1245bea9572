"""`hydrawatch hashes import|match|banks`: PDQ hash banks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for

hashes_app = typer.Typer(help="PDQ hash banks: import ThreatExchange/HMA files, look hashes up.",
                         no_args_is_help=True)
app.add_typer(hashes_app, name="hashes")


@hashes_app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="ThreatExchange local file (`pdq <hex>` lines) or HMA-style CSV."),
               bank: str = typer.Option(..., "--bank", help="Bank name (created when new)."),
               db: str = DbOption) -> None:
    """Add a file's PDQ hashes to a bank, with provenance, and match the store's media against them."""
    from hydrawatch.media.banks import import_bank

    r = import_bank(store_for(db), file, bank)
    skipped = "".join(f", skipped {n} {t} signal(s)" for t, n in sorted(r.skipped_types.items()))
    Console().print(f"bank {r.bank}: {r.added} new of {r.hashes} PDQ hashes ({r.format}){skipped}; "
                    f"{r.new_matches} new media match(es)", highlight=False, markup=False)


@hashes_app.command("match")
def match_cmd(file: Path = typer.Argument(..., help="One 64-hex PDQ hash a line."),
              fmt: str = typer.Option("text", "--format", help="text or json"),
              db: str = DbOption) -> None:
    """Look up every hash of FILE in every bank (PDQ distance <= 31)."""
    from hydrawatch.errors import InputError
    from hydrawatch.media.banks import match_file

    if fmt not in ("text", "json"):
        raise InputError(f"--format must be text or json, got {fmt[:40]!r}")
    result = match_file(store_for(db), file)
    if fmt == "json":
        print_json(result)
        return
    table = Table("query", "bank", "hash", "distance")
    for entry in result:
        if not entry["matches"]:
            table.add_row(entry["query"], "-", "-", "-")
        for m in entry["matches"]:
            table.add_row(entry["query"], escape(m["bank"]), m["hash"], str(m["distance"]))
    Console().print(table)


@hashes_app.command("banks")
def banks_cmd(db: str = DbOption) -> None:
    """The hash banks and their sizes."""
    from hydrawatch.media.banks import list_banks

    table = Table("bank", "hashes", "created")
    for b in list_banks(store_for(db)):
        table.add_row(escape(b["bank"]), str(b["hashes"]), b["created_at"] or "")
    Console().print(table)
