"""`hydrawatch score` and `hydrawatch explain`."""

from __future__ import annotations

import sys
from enum import Enum

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch import csvio
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import safe
from hydrawatch.errors import InputError
from hydrawatch.scoring.pipeline import explain_account, ranked_accounts, score_store


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def score(fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
          limit: int = typer.Option(None, "--limit", min=1, help="Print only the top N accounts."),
          min_score: float = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                          help="Print only accounts scoring at least this."),
          progress: bool = typer.Option(False, "--progress", help="Report stage timings on stderr."),
          db: str = DbOption) -> None:
    """Score every account with at least one post or edge (0..1, with reasons), store the
    scores, and print the ranking (best first)."""
    store = store_for(db)
    summary = score_store(store, progress=progress)
    rows = ranked_accounts(store, limit=limit, min_score=min_score)
    if fmt is Format.json:
        print_json(rows)
    elif fmt is Format.csv:
        out = csvio.writer(sys.stdout)
        out.writerow(["platform", "id", "handle", "score", "verified", "reasons"])
        for r in rows:
            out.writerow([r["platform"], r["id"], r["handle"] or "", f"{r['score']:.4f}",
                          "true" if r["verified"] else "false", " | ".join(r["reasons"])])
    else:
        con = Console()
        con.print(f"scored {summary.accounts_scored:,} accounts ({summary.seeds} verified seeds, "
                  f"{summary.posts:,} posts, mode {summary.mode})", highlight=False)
        table = Table("score", "account", "verified", "reasons")
        for r in rows:
            who = f"{r['platform']}:{'@' + r['handle'] if r['handle'] else r['id']}"
            table.add_row(f"{r['score']:.3f}", safe(who), "yes" if r["verified"] else "",
                          safe("; ".join(r["reasons"][:3])))
        con.print(table)


@app.command()
def explain(account: str = typer.Argument(..., help="PLATFORM:ID (or PLATFORM:@handle)."),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
            db: str = DbOption) -> None:
    """Print one account's score with its full reasoning: every signal's value and its
    contribution to the score."""
    platform, sep, ident = account.partition(":")
    if not sep or not platform or not ident:
        raise InputError(f"expected PLATFORM:ID, got {account!r}")
    info = explain_account(store_for(db), platform, ident)
    if as_json:
        print_json(info)
        return
    con = Console()
    who = f"{info['platform']}:{info['id']}" + (f" (@{info['handle']})" if info["handle"] else "")
    if info["score"] is None:
        con.print(f"{safe(who)} has not been scored (run `hydrawatch score`)")
        return
    con.print(f"[bold]{safe(who)}[/]  score {info['score']:.3f}"
              + ("  [green]verified[/]" if info["verified"] else "")
              + (f"  case {info['case_state']}" if info["case_state"] else "")
              + f"  scored {info['scored_at']}")
    con.print("[bold]reasons[/]")
    for line in info["reasons"] or ["(no evidence)"]:
        con.print(f"  - {safe(line)}", highlight=False)
    sig = info["signals"]
    if not sig:
        return
    con.print(f"[bold]signals[/] (combination: {sig['mode']})")
    table = Table("signal", "value", "contribution (log-odds)")
    contrib = sig.get("contributions") or {}
    for key, value in sig["values"].items():
        table.add_row(key, f"{value:g}", "")
    for key, value in contrib.items():
        table.add_row(f"[dim]feature[/] {key}", "", f"{value:+.3f}")
    if sig.get("intercept") is not None:
        table.add_row("[dim]intercept[/]", "", f"{sig['intercept']:+.3f}")
    con.print(table)
