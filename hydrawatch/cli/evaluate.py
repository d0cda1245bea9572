"""`hydrawatch eval` (quality metrics on a simulated world) and `hydrawatch demo`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@app.command("eval")
def eval_world(world: Path = typer.Argument(..., help="A world directory written by `hydrawatch sim generate`."),
               as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the seven metrics."),
               seeds_fraction: float = typer.Option(0.25, "--seeds-fraction",
                                                    help="Share of the movement's original accounts given as verified seeds."),
               db: str = typer.Option(None, "--db", help="Use this (empty) database instead of a temporary SQLite file."),
               progress: bool = typer.Option(False, "--progress", help="Show stage progress.")) -> None:
    """Run the pipeline on a simulated world in a fresh store and print the quality metrics."""
    from hydrawatch.evaluate import METRICS, evaluate_world

    result = evaluate_world(world, seeds_fraction=seeds_fraction, db_url=db, progress=progress)
    if as_json:
        print_json(result.as_json())
        return
    console = Console()
    table = Table("metric", "value", title=f"hydrawatch eval {world}")
    for key in METRICS:
        table.add_row(key, _fmt(result.metrics[key]))
    console.print(table)
    if result.baseline:
        b = result.baseline
        console.print(f"baseline (rank by posts with an exact policy hashtag, the 2015-style list): "
                      f"p_at_k {_fmt(b['p_at_k'])}, hard_negatives_top_k {b['hard_negatives_top_k']}, "
                      f"{b['flagged']:,} accounts used a policy hashtag ({b['flagged_movement']:,} of them movement)",
                      highlight=False)
    timings = Table("stage", "seconds", title="stage timings")
    for stage, seconds in result.timings.items():
        timings.add_row(stage, "not available yet" if seconds is None else f"{seconds:.2f}")
    console.print(timings)
    console.print(", ".join(f"{k}: {v:,}" for k, v in result.counts.items()), highlight=False)


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

    console = Console()
    report = run_demo(out, seed=seed, db_url=db, console=console)
    print_summary(report, console)
    logins = demo_reviewers(db)
    url = f"http://127.0.0.1:{port}/"
    console.print("\n[bold]web app[/]: two demo reviewers from different organisations:", highlight=False)
    for name, org, password in logins:
        console.print(f"  {name} ({org}) password {password}", highlight=False, markup=False)
    if no_serve or not sys.stdout.isatty():
        console.print(f"Browse it with: hydrawatch serve --db {report['db']} --port {port}  (then open {url})",
                      highlight=False, markup=False)
        return
    from hydrawatch.cli.web import serve_app

    console.print(f"serving the web app on {url} (Ctrl-C to stop)", highlight=False)
    serve_app(db, "127.0.0.1", port, log_level="warning")
