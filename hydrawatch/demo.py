"""`hydrawatch demo`: a newcomer's first run. Generates a small world, runs every stage of
the pipeline that exists on the store, and summarises what it found against the truth."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hydrawatch.evaluate import (METRICS, SEED_ORG, load_truth, measure, pipeline_admin,
                                 run_pipeline, seed_accounts)

DEMO_WORLD = {"accounts": 600, "days": 14}


def run_demo(out, *, seed: int = 0, db_url: str | None = None, console: Console | None = None,
             progress: Console | None = None) -> dict:
    """Run the demo; results print on ``console``, the spinners of the long steps on
    ``progress`` (the CLI's stderr)."""
    from hydrawatch.linking.pipeline import list_links
    from hydrawatch.scoring.pipeline import ranked_accounts
    from hydrawatch.sim import generate_world, load_manifest
    from hydrawatch.store import open_store
    from hydrawatch.verification.lists import import_list
    from hydrawatch.verification.people import ensure_org

    console = console or Console()
    progress = progress or console
    out = Path(out)
    t0 = time.perf_counter()
    with progress.status("generating a synthetic world..."):
        world = generate_world(out, seed=seed, **DEMO_WORLD)
    console.print(f"world: {world.accounts:,} accounts, {world.posts:,} posts, {world.suspensions} suspensions, "
                  f"{world.successions} re-entries, written to {escape(str(out))}", highlight=False)
    truth = load_truth(out)
    seeds = seed_accounts(truth, 0.25)
    store = open_store(db_url)
    try:
        with progress.status("running the pipeline..."):
            timings = run_pipeline(store, out, truth, seeds)
            imported = []
            admin = pipeline_admin(store)
            for entry in load_manifest(out)["lists"]:
                with store.session() as db:
                    ensure_org(db, entry["org"], by_user=admin)
                summary = import_list(store, out / entry["file"], org=entry["org"],
                                      name=entry["name"], by_user=admin)
                imported.append((entry["org"], entry["name"], summary.rows))
            metrics = measure(store, truth, seeds)
        top = ranked_accounts(store, limit=10)
        links = list_links(store)[:10]
        with progress.status("reporting and tracking against the platform simulator..."):
            outcomes = run_outcome_loop(store, out, truth, seed)
        from hydrawatch.store.stats import collect_stats

        stats = collect_stats(store)
        url = store.engine.url.render_as_string(hide_password=True)
    finally:
        store.dispose()
    return {"world": world, "truth": truth, "timings": timings, "metrics": metrics, "top": top,
            "links": links, "lists": imported, "stats": stats, "db": url, "seconds": time.perf_counter() - t0,
            "seeds": len(seeds), "outcomes": outcomes}


def run_outcome_loop(store, out: Path, truth: dict, seed: int):
    """Report the verified cases to the platform simulator (removing 70 % of reported
    accounts after a median of 36 virtual hours, failing 2 % of requests), then track them
    for 14 virtual days."""
    from hydrawatch.act.loop import run_loop, schedule
    from hydrawatch.sim.platform_server import ServerConfig
    from hydrawatch.sim.platform_world import Moderation, PlatformWorld
    from hydrawatch.timeutil import parse_time, utcnow

    start = parse_time(truth.get("end")) or utcnow()
    world = PlatformWorld.from_store(store, Moderation(seed=seed), now=start)
    checks = schedule(start, 14, dense_days=4, dense_hours=4, sparse_hours=24)
    return run_loop(store, world, checks=checks, pack_dir=out / "report-packs",
                    config=ServerConfig(fail_rate=0.02, seed=seed))


def _role(truth: dict, platform: str, account_id: str) -> str:
    acc = truth["accounts"].get(f"{platform}:{account_id}")
    return acc["role"] if acc else "?"


def print_summary(report: dict, console: Console) -> None:
    truth = report["truth"]
    stats = report["stats"]
    console.print(f"\n[bold]store[/] {escape(report['db'])}: {stats.get('accounts', 0):,} accounts, "
                  f"{stats.get('posts', 0):,} posts, {stats.get('edges', 0):,} edges, "
                  f"{stats.get('suspended_accounts', 0):,} suspended; {report['seeds']} verified seeds "
                  f"(org {SEED_ORG})", highlight=False)
    for org, name, rows in report["lists"]:
        console.print(f"list imported: {escape(org)} / {escape(name)} ({rows} rows)", highlight=False)
    if report["top"]:
        table = Table("score", "account", "truth", "reasons", title="top-scored accounts (seeds included)")
        for row in report["top"]:
            role = _role(truth, row["platform"], row["id"])
            table.add_row(f"{row['score']:.2f}", escape(f"{row['platform']}:@{row['handle']}"),
                          role + (" (seed)" if row.get("verified") else ""),
                          escape("; ".join(row["reasons"][:3])))
        console.print(table)
    if report["links"]:
        table = Table("conf.", "successor", "predecessor", "right?", "reasons", title="re-entries linked")
        pairs = {(s["successor"], s["predecessor"]) for s in truth["successions"]}
        for row in report["links"]:
            s, p = row["successor"], row["predecessor"]
            right = (f"{s['platform']}:{s['id']}", f"{p['platform']}:{p['id']}") in pairs
            table.add_row(f"{row['confidence']:.2f}", escape(f"@{s['handle']}"), escape(f"@{p['handle']}"),
                          "yes" if right else "no", escape("; ".join(row["reasons"][:3])))
        console.print(table)
    table = Table("metric", "value", title="quality against the truth")
    for key in METRICS:
        value = report["metrics"][key]
        table.add_row(key, "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value)))
    console.print(table)
    loop = report.get("outcomes")
    if loop is not None:
        r = loop.reports
        console.print(f"\nreports to the platform simulator: {r['sent']} through report APIs, {r['prepared']} "
                      f"in {len(r['packs'])} report pack(s) (marked sent), {r['failed']} failed; "
                      f"{loop.track_runs} track runs over 14 virtual days", highlight=False)
        table = Table("platform", "reported", "removed", "removal rate", "median hours to removal",
                      "truth: rate / median", title="outcomes (measured by track; truth from the simulator)")
        for p, m in loop.measured.items():
            t = loop.truth.get(p, {})
            table.add_row(p, str(m["reported"]), str(m["removed"]), _pct(m["removal_rate"]),
                          _hours(m["median_hours"]),
                          f"{_pct(t.get('removal_rate'))} / {_hours(t.get('median_hours'))}")
        console.print(table)
    stages = ", ".join(f"{k} {'n/a' if v is None else f'{v:.1f}s'}" for k, v in report["timings"].items())
    console.print(f"stages: {stages}; total {report['seconds']:.1f}s", highlight=False)


def _pct(x) -> str:
    return "n/a" if x is None else f"{x * 100:.0f} %"


def _hours(x) -> str:
    return "n/a" if x is None else f"{x:.1f}"


DEMO_REVIEWERS = (("demo-reviewer-1", "Sentinel Trust"), ("demo-reviewer-2", "Civic Watch Network"))


def demo_reviewers(db_url: str | None) -> list[tuple[str, str, str]]:
    """Two reviewers from different organisations with fresh random passwords, so the
    web app can be tried at once: [(name, organisation, password)]."""
    import secrets

    from sqlalchemy import select

    from hydrawatch.verification import people as orgs
    from hydrawatch.store import open_store
    from hydrawatch.store.schema import User

    from hydrawatch.evaluate import pipeline_admin

    store = open_store(db_url)
    out = []
    try:
        admin = pipeline_admin(store)
        with store.session() as db:
            for name, org in DEMO_REVIEWERS:
                password = secrets.token_urlsafe(9)
                orgs.ensure_org(db, org, by_user=admin)
                if db.scalars(select(User).where(User.name == name)).first() is None:
                    orgs.add_user(db, name, org=org, role="reviewer", password=password, by_user=admin)
                else:
                    orgs.set_password(db, name, password, actor="demo")
                out.append((name, org, password))
    finally:
        store.dispose()
    return out
