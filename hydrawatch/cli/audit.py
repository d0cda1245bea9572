"""`hydrawatch audit verify|show`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch import audit
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import safe
from hydrawatch.errors import InputError

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(db: str = DbOption) -> None:
    """Check the hash chain; exit 1 naming the first altered, missing or reordered entry."""
    with store_for(db).session() as sess:
        report = audit.verify_chain(sess)
    if report.ok:
        Console().print(f"audit log ok: {report.entries} entries, chain intact")
        return
    Console(stderr=True).print(f"[bold red]audit log broken at entry {report.first_bad}:[/] "
                               f"{safe(report.problem or '')}")
    raise typer.Exit(1)


@audit_app.command("show")
def show(limit: int = typer.Option(50, "--limit", help="How many of the newest entries."),
         fmt: str = typer.Option("table", "--format", help="table or json."),
         db: str = DbOption) -> None:
    """Show the newest audit entries."""
    with store_for(db).session() as sess:
        rows = audit.recent(sess, limit)
    if fmt == "json":
        print_json(rows)
        return
    if fmt != "table":
        raise InputError("--format is table or json")
    table = Table("id", "time", "actor", "action", "object", "details")
    for r in rows:
        obj = f"{r['object_type'] or ''} {r['object_id'] or ''}".strip()
        table.add_row(str(r["id"]), r["ts"] or "", safe(r["actor"]), safe(r["action"]), safe(obj),
                      safe(str(r["details"] or "")))
    Console().print(table)
