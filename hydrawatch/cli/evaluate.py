"""`hydrawatch eval` (quality metrics on a simulated world) and `hydrawatch demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted
from hydrawatch.cli.output import console, emit


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@app.command("eval")
def eval_world(world: Path = typer.Argument(..., help="A world directory written by `hydrawatch sim generate`."),
               fmt: Format = FormatOption,
               as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the metrics (--format json)."),
               seeds_fraction: float = typer.Option(0.25, "--seeds-fraction",
                                                    help="Share of the movement's original accounts given as verified seeds."),
               db: str = typer.Option(None, "--db", help="Use this (empty) database instead of a temporary SQLite file."),
               progress: bool = typer.Option(None, "--progress/--no-progress",
                                             help="Show each stage's progress on stderr "
                                                  "(default: when stderr is a terminal).")) -> None:
    """Run the pipeline on a simulated world in a fresh store and print the quality metrics
    (progress on stderr, results on stdout)."""
    import sys

    from hydrawatch.evaluate import METRICS, evaluate_world

    if progress is None:
        progress = sys.stderr.isatty()
    err = console(stderr=True)
    err.print(f"evaluating {world}: ingest, policy, seeds, link, score, measure...")
    result = evaluate_world(world, seeds_fraction=seeds_fraction, db_url=db, progress=progress)
    fmt = json_wanted(fmt, as_json)
    if fmt != "table":
        emit(fmt, [(k, result.metrics[k]) for k in METRICS],
             {"metric": lambda r: r[0], "value": lambda r: r[1]}, json_rows=result.as_json())
        return
    from rich.table import Table

    con = console()
    table = Table("metric", "value", title=f"hydrawatch eval {world}")
    for key in METRICS:
        table.add_row(key, _fmt(result.metrics[key]))
    con.print(table)
    if result.baseline:
        b = result.baseline
        con.print(f"baseline (rank by posts with an exact policy hashtag, the 2015-style list): "
                  f"p_at_k {_fmt(b['p_at_k'])}, hard_negatives_top_k {b['hard_negatives_top_k']}, "
                  f"{b['flagged']:,} accounts used a policy hashtag ({b['flagged_movement']:,} of them movement)")
    timings = Table("stage", "seconds", title="stage timings")
    for stage, seconds in result.timings.items():
        timings.add_row(stage, "not available yet" if seconds is None else f"{seconds:.2f}")
    con.print(timings)
    con.print(", ".join(f"{k}: {v:,}" for k, v in result.counts.items()), highlight=False)


@app.command()
def demo(no_serve: bool = typer.Option(False, "--no-serve", help="Stop after printing the summary (the default when stdout is not a terminal)."),
         out: Path = typer.Option(Path("demo-world"), "--out", help="Where to write the demo world."),
         seed: int = typer.Option(0, "--seed", help="Seed of the demo world."),
         port: int = typer.Option(8000, "--port", help="Port of the web app."),
         db: str = DbOption) -> None:
    """Generate a small world, run the whole pipeline that exists on the store, print a summary,
    then serve the web app on the demo data (only on an interactive terminal)."""
    import sys

    from hydrawatch.demo import demo_reviewers, print_summary, run_demo

    con = console()
    # progress on stderr: the first run takes a while
    report = run_demo(out, seed=seed, db_url=db, console=con, progress=console(stderr=True))
    print_summary(report, con)
    logins = demo_reviewers(db)
    url = f"http://127.0.0.1:{port}/"
    con.print("\n[bold]web app[/]: two demo reviewers from different organisations:", highlight=False)
    for name, org, password in logins:
        con.print(f"  {name} ({org}) password {password}", highlight=False, markup=False)
    if no_serve or not sys.stdout.isatty():
        con.print(f"Browse it with: hydrawatch serve --db {report['db']} --port {port}  (then open {url})",
                  markup=False)
        return
    from hydrawatch.cli.web import serve_app

    con.print(f"serving the web app on {url} (Ctrl-C to stop)", highlight=False)
    serve_app(db, "127.0.0.1", port, log_level="warning")
