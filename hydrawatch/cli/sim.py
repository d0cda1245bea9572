"""`hydrawatch sim generate`: write a synthetic world with ground truth."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.output import console
from hydrawatch.cli.app import app
from hydrawatch.cli.common import print_json

sim_app = typer.Typer(help="The synthetic world: a seeded simulator with ground truth.")
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
    console().print(
        f"world written to [bold]{summary.path}[/]: {summary.accounts:,} accounts, {summary.posts:,} posts, "
        f"{summary.follows:,} follows, {summary.suspensions:,} suspensions, {summary.successions:,} re-entries, "
        f"{summary.decoys:,} decoys, {summary.renames:,} renames, {len(summary.files)} data files "
        f"in {summary.seconds:.1f} s ({summary.posts / max(summary.seconds, 1e-9):,.0f} posts/s)",
        highlight=False)


@sim_app.command("platform")
def platform(world: Path = typer.Option(None, "--world", help="A `sim generate` world directory."),
             db: str = typer.Option(None, "--db", envvar="HYDRAWATCH_DB",
                                    help="Or: serve the accounts of this store."),
             port: int = typer.Option(8787, "--port", help="Port on 127.0.0.1 (0: any free port)."),
             removal_rate: float = typer.Option(0.7, "--removal-rate", help="Share of reported accounts removed."),
             delay_hours: float = typer.Option(36.0, "--delay-median-hours", help="Median removal delay (virtual hours)."),
             delay_sigma: float = typer.Option(0.8, "--delay-sigma", help="Log-normal shape of the delay."),
             rate_limit: int = typer.Option(300, "--rate-limit", help="Requests per second per platform."),
             fail_rate: float = typer.Option(0.0, "--fail-rate", help="Share of requests answered 503."),
             stall_rate: float = typer.Option(0.0, "--stall-rate", help="Share of requests that stall."),
             seed: int = typer.Option(0, "--seed", help="Random seed.")) -> None:
    """Serve the platforms' endpoints (X v2, Mastodon, Bluesky) over a simulated world on
    127.0.0.1, removing reported accounts after a delay; POST /_sim/clock advances time."""
    from hydrawatch.sim.platform_server import ServerConfig, running
    from hydrawatch.sim.platform_world import Moderation, PlatformWorld
    from hydrawatch.store import open_store

    mod = Moderation(removal_rate, delay_hours, delay_sigma, seed)
    sim_world = PlatformWorld.from_world_dir(world, mod) if world else PlatformWorld.from_store(open_store(db), mod)
    config = ServerConfig(rate_limit=rate_limit, fail_rate=fail_rate, stall_rate=stall_rate, seed=seed)
    with running(sim_world, config, port) as server:
        console().print(f"platform simulator on {server.url} ({len(sim_world.accounts):,} accounts); "
                        f"export HYDRAWATCH_X_API_URL={server.url} HYDRAWATCH_MASTODON_URL={server.url} "
                        f"HYDRAWATCH_BSKY_URL={server.url}; Ctrl-C stops it", highlight=False)
        try:
            import threading

            threading.Event().wait()
        except KeyboardInterrupt:
            pass
