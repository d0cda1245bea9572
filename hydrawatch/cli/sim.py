"""`hydrawatch sim generate`: write a synthetic world with ground truth."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from hydrawatch.cli.app import app
from hydrawatch.cli.common import print_json

sim_app = typer.Typer(help="The synthetic world: a seeded simulator with ground truth.",
                      no_args_is_help=True)
app.add_typer(sim_app, name="sim")


@sim_app.command("generate")
def generate(out: Path = typer.Argument(..., help="Directory to write the world into."),
             seed: int = typer.Option(0, "--seed", help="Random seed: same seed, same bytes."),
             accounts: int = typer.Option(2000, "--accounts", help="Number of original accounts."),
             days: int = typer.Option(30, "--days", help="Days of activity to simulate."),
             formats: str = typer.Option("x,mastodon,canonical", "--formats",
                                         help="Comma-separated output formats: x, mastodon, canonical."),
             preset: str = typer.Option("default", "--preset",
                                        help="A named set of world parameters: default, or hard (messier text, "
                                             "harder negatives and re-entries)."),
             randomise: str = typer.Option(None, "--randomise",
                                           help="Draw the world's generative parameters from broad ranges "
                                                "per seed: 'eval' (outer ranges, for reported figures) or "
                                                "'fit' (inner ranges, for fitting models)."),
             progress: bool = typer.Option(False, "--progress", help="Print one line per simulated day."),
             as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")) -> None:
    """Generate a seeded synthetic world (platform data, policy pack, lists, truth.json)."""
    from hydrawatch.sim import generate_world

    summary = generate_world(out, seed=seed, accounts=accounts, days=days,
                             formats=tuple(formats.split(",")), progress=progress, preset=preset,
                             randomise=randomise)
    if as_json:
        d = summary.as_dict()
        d["files"] = len(summary.files)
        print_json(d)
        return
    Console().print(
        f"world written to [bold]{summary.path}[/]: {summary.accounts:,} accounts, {summary.posts:,} posts, "
        f"{summary.follows:,} follows, {summary.suspensions:,} suspensions, {summary.successions:,} re-entries, "
        f"{summary.decoys:,} decoys, {summary.renames:,} renames, {len(summary.files)} data files "
        f"in {summary.seconds:.1f} s ({summary.posts / max(summary.seconds, 1e-9):,.0f} posts/s)",
        highlight=False)
