"""`hydrawatch score` and `hydrawatch explain`."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import ACCOUNT_HELP, DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, store_for
from hydrawatch.cli.output import console, emit, print_json, safe


def _who(r: dict) -> str:
    return f"{r['platform']}:{'@' + r['handle'] if r['handle'] else r['id']}"


@app.command()
def score(fmt: Format = FormatOption,
          limit: int = typer.Option(None, "--limit", min=1, help="Print only the top N accounts."),
          min_score: float = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                          help="Print only accounts scoring at least this."),
          progress: bool = typer.Option(False, "--progress", help="Report stage timings on stderr."),
          db: str = DbOption,
          cluster: str = typer.Option(None, "--cluster", metavar="ADDRESS",
                                      help="Read and score the posts on this Dask scheduler's workers "
                                           "(partitions of the accounts; the store must be one they reach)."),
          workers: int = typer.Option(None, "--workers", metavar="N", min=1,
                                      help="Run on a local Dask cluster of N worker processes.")) -> None:
    """Score every account with at least one post or edge (0..1, with reasons), store the
    scores, and print the ranking (best first)."""
    from hydrawatch.scoring.pipeline import ranked_accounts, score_store

    store = store_for(db)
    err = console(stderr=True)
    if cluster or workers:
        from hydrawatch import cluster as dask_cluster

        with dask_cluster.client_for(cluster, workers) as client, err.status("scoring..."):
            summary = score_store(store, progress=progress, client=client)
    else:
        with err.status("scoring..."):
            summary = score_store(store, progress=progress)
    if fmt is Format.table:  # json/csv: nothing but the data
        err.print(
        f"scored {summary.accounts_scored:,} accounts ({summary.seeds} verified seeds, "
        f"{summary.posts:,} posts, mode {summary.mode})")
        if summary.calibration:
            err.print(f"calibrated to this store: about {summary.calibration['expected_members']:,.0f} "
                      f"members expected among the unverified accounts (estimated share "
                      f"{summary.calibration['base_rate']:.1%})", highlight=False)
    rows = ranked_accounts(store, limit=limit, min_score=min_score)
    if fmt is Format.csv:  # the columns programs read: one field per value
        columns = {"platform": lambda r: r["platform"], "id": lambda r: r["id"],
                   "handle": lambda r: r["handle"], "score": lambda r: f"{r['score']:.4f}",
                   "verified": lambda r: "true" if r["verified"] else "false",
                   "reasons": lambda r: " | ".join(r["reasons"])}
    else:
        columns = {"score": lambda r: f"{r['score']:.3f}", "account": _who,
                   "verified": lambda r: r["verified"],
                   "reasons": lambda r: "; ".join(r["reasons"][:3])}
    emit(fmt, rows, columns)


@app.command()
def explain(account: str = typer.Argument(..., help=ACCOUNT_HELP),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
            db: str = DbOption) -> None:
    """Print one account's score with its full reasoning, step by step from the signals to
    the score shown: every feature's value and contribution, the combined log-odds, the
    calibration, the stance gate, the avatar evidence, inheritance and seeds."""
    from hydrawatch.scoring.explain import explain_steps
    from hydrawatch.scoring.pipeline import explain_account
    from hydrawatch.verification.review import resolve_account

    store = store_for(db)
    with store.session(readonly=True) as sess:
        platform, account_id = resolve_account(sess, account)
    info = explain_account(store, platform, account_id)
    info["steps"] = explain_steps(info)
    if json_wanted(None, as_json) == "json":
        print_json(info)
        return
    con = console()
    who = f"{info['platform']}:{info['id']}" + (f" (@{info['handle']})" if info["handle"] else "")
    if info["score"] is None:
        con.print(f"{safe(who)} has not been scored (run `hydrawatch score`)")
        return
    con.print(f"[bold]{safe(who)}[/]  score {info['score']:.6f}"
              + ("  [green]verified[/]" if info["verified"] else "")
              + (f"  case {safe(info['case_state'])}" if info["case_state"] else "")
              + f"  scored {safe(info['scored_at'])}")
    con.print("[bold]reasons[/]")
    for line in info["reasons"] or ["(no evidence)"]:
        con.print(f"  - {safe(line)}")
    _print_steps(con, info)


def _print_steps(con, info: dict) -> None:
    from hydrawatch.cli.output import DataTable

    steps = info["steps"]
    if steps is None:
        return
    con.print(f"[bold]from signals to score[/] (combination: {safe(steps['mode'])})")
    if steps["features"]:
        table = DataTable("feature", "value", "contribution (log-odds)")
        for f in steps["features"]:
            table.add_row(f["name"], f"{f['value']:g}", f"{f['contribution']:+.6f}")
        con.print(table)
    for step in steps["steps"]:
        con.print(f"  {safe(step['name']):<24} {safe(step['formula'])} = {step['value']:.6f}")
    con.print(f"  {'score shown':<24} {steps['score']:.6f}")
