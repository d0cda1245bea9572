"""`hydrawatch lists import|show`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, print_json, store_for
from hydrawatch.cli.output import console, emit, safe

lists_app = typer.Typer(help="Account lists circulated by groups.")
app.add_typer(lists_app, name="lists")


@lists_app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="CSV (any header) or plain-text list."),
               org: str = typer.Option(..., "--org", help="The organisation the list comes from."),
               name: str = typer.Option(None, "--name", help="List name (default: file name)."),
               verified: bool = typer.Option(False, "--verified",
                                             help="Trusted, already-verified source (admin use): "
                                                  "its accounts' cases open as verified."),
               platform: str = typer.Option("x", "--platform",
                                            help="Platform of bare handles (x, mastodon, bluesky, telegram)."),
               by: str = typer.Option(..., "--by", help="The importing user (a member of --org, "
                                                         "or an admin; --verified needs an admin)."),
               as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
               db: str = DbOption) -> None:
    """Import a group's list: each row becomes a nomination with its provenance."""
    from hydrawatch.verification.lists import import_list

    s = import_list(store_for(db), file, org=org, name=name, verified=verified, by_user=by,
                    platform=platform)
    out = {"list_id": s.list_id, "org": s.org, "name": s.name, "rows": s.rows,
           "nominations": s.nominations, "resolved": s.resolved, "pending": s.pending,
           "cases_opened": s.cases_opened, "already_imported": s.already_imported,
           "unreadable": [{"row": r, "raw": raw, "problem": why} for r, raw, why in s.unreadable]}
    if as_json:
        print_json(out)
        return
    con = console()
    if s.already_imported:
        con.print(f"list {safe(repr(s.name))} of {safe(s.org)} was already imported (same content): "
                  "nothing to do", highlight=False)
        return
    con.print(f"imported {safe(repr(s.name))} from {safe(s.org)}: {s.nominations} nominations "
              f"({s.resolved} resolved, {s.pending} pending until their accounts are ingested), "
              f"{s.cases_opened} cases opened", highlight=False)
    for row, raw, why in s.unreadable[:20]:
        con.print(f"  row {row}: {safe(why)}: {safe(raw[:80])}", highlight=False)
    if len(s.unreadable) > 20:
        con.print(f"  ... and {len(s.unreadable) - 20} more unreadable rows")


@lists_app.command("show")
def show_cmd(fmt: Format = FormatOption,
             as_json: bool = typer.Option(False, "--json", hidden=True, help="--format json."),
             db: str = DbOption) -> None:
    """The imported lists with their resolution counts."""
    from hydrawatch.verification.lists import list_lists

    rows = list_lists(store_for(db))
    emit(json_wanted(fmt, as_json), rows, {
        "id": lambda r: r["id"], "org": lambda r: r["org"], "name": lambda r: r["name"],
        "verified": lambda r: r["verified"], "rows": lambda r: r["rows"],
        "resolved": lambda r: r["resolved"], "pending": lambda r: r["pending"],
        "imported": lambda r: (r["imported_at"] or "")[:19]})
