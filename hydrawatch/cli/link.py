"""`hydrawatch link` and `hydrawatch families`."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import store_for
from hydrawatch.cli.output import console, emit
from hydrawatch.errors import InputError, quote


def _name(a: dict) -> str:
    return f"{a['platform']}:@{a['handle']}" if a["handle"] else f"{a['platform']}:{a['id']}"


@app.command()
def link(db: str = DbOption,
         fmt: Format = FormatOption,
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

    if since is not None:
        try:
            since = parse_time(since)
        except ValueError as exc:
            raise InputError(f"--since: not a time: {quote(since)}") from exc
    store = store_for(db)
    summary = None if no_run else link_store(store, since=since)
    rows = list_links(store, min_confidence=min_confidence)
    if summary is not None and fmt is Format.table:  # json/csv: nothing but the data
        console(stderr=True).print(
            f"{summary.new_accounts:,} new accounts vs {summary.suspended:,} suspended: "
            f"{summary.candidates:,} candidate pairs, {summary.links:,} links, "
            f"{summary.cases_opened:,} cases opened ({summary.seconds:.1f} s)")
    emit(fmt, rows, {"successor": lambda r: _name(r["successor"]),
                     "predecessor": lambda r: _name(r["predecessor"]),
                     "confidence": lambda r: f"{r['confidence']:.3f}",
                     "linkable at": lambda r: r["linkable_at"],
                     "reasons": lambda r: r["reasons"] if fmt is Format.csv else r["reasons"][:3]},
         json_rows=[{k: r[k] for k in ("successor", "predecessor", "confidence", "reasons")}
                    for r in rows])


@app.command()
def families(db: str = DbOption,
             fmt: Format = FormatOption,
             min_confidence: float = typer.Option(None, "--min-confidence",
                                                  help="Links at or above this confidence join "
                                                       "a family (default: the threshold).")) -> None:
    """Hydra families: chains of linked accounts, oldest first, with each one's status."""
    from hydrawatch.linking.pipeline import list_families

    fams = list_families(store_for(db), min_confidence=min_confidence)
    numbered = [dict(f, n=n) for n, f in enumerate(fams, 1)]
    emit(fmt, numbered, {
        "#": lambda f: f["n"], "platform": lambda f: f["platform"], "size": lambda f: f["size"],
        "first seen": lambda f: f["first_seen"], "last seen": lambda f: f["last_seen"],
        "accounts (oldest first)": lambda f: " → ".join(
            f"@{a['handle'] or a['id']} ({a['status'] or '?'})" for a in f["accounts"])},
        json_rows=fams)
