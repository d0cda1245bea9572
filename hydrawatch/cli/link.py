"""`hydrawatch link` and `hydrawatch families`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.errors import InputError

FORMATS = ("table", "json")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


@app.command()
def link(db: str = DbOption,
         fmt: str = typer.Option("table", "--format", help="table or json."),
         min_confidence: float = typer.Option(None, "--min-confidence",
                                              help="Show links at or above this confidence "
                                                   "(default: the model's threshold)."),
         since: str = typer.Option(None, "--since",
                                   help="Only link accounts first seen (or created) at or after "
                                        "this ISO time; the run costs time in proportion to them."),
         no_run: bool = typer.Option(False, "--no-run", help="Only list the stored links.")) -> None:
    """Link new accounts to the suspended accounts they replace (re-entries), then list the
    links at or above the threshold."""
    from hydrawatch.linking.pipeline import link_store, list_links
    from hydrawatch.timeutil import parse_time

    _format(fmt)
    if since is not None:
        try:
            since = parse_time(since)
        except ValueError as exc:
            raise InputError(f"--since: not a time: {since!r}") from exc
    store = store_for(db)
    summary = None if no_run else link_store(store, since=since)
    rows = list_links(store, min_confidence=min_confidence)
    if fmt == "json":
        print_json([{k: r[k] for k in ("successor", "predecessor", "confidence", "reasons")}
                    for r in rows])
        return
    console = Console()
    if summary is not None:
        console.print(f"{summary.new_accounts:,} new accounts vs {summary.suspended:,} suspended: "
                      f"{summary.candidates:,} candidate pairs, {summary.links:,} links, "
                      f"{summary.cases_opened:,} cases opened ({summary.seconds:.1f} s)")
    table = Table("successor", "predecessor", "confidence", "linkable at", "reasons")
    for r in rows:
        table.add_row(f"{r['successor']['platform']}:@{r['successor']['handle'] or r['successor']['id']}",
                      f"@{r['predecessor']['handle'] or r['predecessor']['id']}",
                      f"{r['confidence']:.3f}", r["linkable_at"] or "",
                      "; ".join(r["reasons"][:3]))
    console.print(table)


@app.command()
def families(db: str = DbOption,
             fmt: str = typer.Option("table", "--format", help="table or json."),
             min_confidence: float = typer.Option(None, "--min-confidence",
                                                  help="Links at or above this confidence join "
                                                       "a family (default: the threshold).")) -> None:
    """Hydra families: chains of linked accounts, oldest first, with each one's status."""
    from hydrawatch.linking.pipeline import list_families

    _format(fmt)
    fams = list_families(store_for(db), min_confidence=min_confidence)
    if fmt == "json":
        print_json(fams)
        return
    table = Table("#", "platform", "size", "first seen", "last seen", "accounts (oldest first)")
    for n, f in enumerate(fams, 1):
        chain = " → ".join(f"@{a['handle'] or a['id']} ({a['status'] or '?'})" for a in f["accounts"])
        table.add_row(str(n), f["platform"], str(f["size"]), f["first_seen"] or "",
                      f["last_seen"] or "", chain)
    Console().print(table)
