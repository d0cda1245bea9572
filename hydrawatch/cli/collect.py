"""`hydrawatch collect`: expand from verified seeds through the platforms' APIs."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import console
from hydrawatch.errors import InputError


@app.command()
def collect(platform: list[str] = typer.Option(None, "--platform",
                                               help="x, mastodon or bluesky (repeat for more; default all)."),
            source: str = typer.Option("verified", "--from",
                                       help="Seeds: 'verified' (verified cases in the store) or a list FILE."),
            hops: int = typer.Option(2, "--hops", min=1, max=2, help="How far from the seeds: 1 or 2."),
            max_accounts: int = typer.Option(1000, "--max-accounts", min=1,
                                             help="Budget: accounts fetched at most (seeds included)."),
            since: str = typer.Option(None, "--since",
                                      help="Score, link and nominate only the new accounts first seen "
                                           "since TIME (default: every account new to the store)."),
            out: Path = typer.Option(Path("collection"), "--out",
                                     help="Collection folder (raw pages); the same folder resumes a crawl."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan and the request estimate."),
            posts_pages: int = typer.Option(1, "--posts-pages", min=1, help="Pages of recent posts an account."),
            list_pages: int = typer.Option(5, "--list-pages", min=1,
                                           help="Pages of followers (and of followees) an account."),
            page_size: int = typer.Option(None, "--page-size", min=1,
                                          help="Items a page (default: each platform's maximum)."),
            nominate: int = typer.Option(20, "--nominate", min=0,
                                         help="Nominate at most this many top-scoring new accounts."),
            min_score: float = typer.Option(0.5, "--min-score", min=0.0, max=1.0,
                                            help="Nominate only accounts scoring at least this."),
            rescore_every: int = typer.Option(None, "--rescore-every", min=0,
                                              help="Score what was collected and re-order the queue every N "
                                                   "accounts (default: budget/20, at least 5; 0: never)."),
            after: bool = typer.Option(True, "--after/--no-after", help="Score, link and nominate afterwards."),
            progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
            as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
            db: str = DbOption) -> None:
    """Crawl from seeds: each account's profile, recent posts, followers and followees,
    every page kept raw in --out and ingested; then score, link and nominate what is new."""
    from hydrawatch.collect import (CollectConfig, Limits, collect as run, make_fetchers, make_plan,
                                    score_link_nominate, seeds_from_file, seeds_from_store)
    from hydrawatch.collect.plan import COLLECTABLE
    from hydrawatch.timeutil import parse_time

    platforms = tuple(p.strip().lower() for ps in (platform or list(COLLECTABLE)) for p in ps.split(","))
    bad = [p for p in platforms if p not in COLLECTABLE]
    if bad:
        raise InputError(f"cannot collect from {', '.join(bad)} (one of {', '.join(COLLECTABLE)})")
    store = store_for(db)
    seeds = seeds_from_store(store, platforms) if source == "verified" else seeds_from_file(source, platforms)
    limits = Limits(posts_pages=posts_pages, list_pages=list_pages, posts_size=page_size, list_size=page_size)
    config = CollectConfig(out=out, hops=hops, max_accounts=max_accounts, platforms=platforms,
                           limits=limits, progress=progress and not as_json, rescore_every=rescore_every)
    if dry_run:
        import httpx

        with httpx.Client() as http:
            plan = make_plan(store, seeds, budget=max_accounts, hops=hops, limits=limits,
                             fetchers=make_fetchers(platforms, http, {}, limits))
        if as_json:
            print_json(plan.as_dict())
        else:
            for line in plan.lines():
                console().print(line)
        return
    if not seeds and not (out / "pages").is_dir():
        raise InputError("no seeds: verify some cases first, or give --from FILE")
    summary = run(store, seeds, config)
    result = {"collect": summary.as_dict()}
    if after:
        when = parse_time(since) if since else None
        result["after"] = score_link_nominate(store, summary.new_accounts, since=when, top=nominate,
                                              min_score=min_score).as_dict()
    if as_json:
        print_json(result)
        return
    con = console()
    for p, c in summary.accounts.items():
        states = ", ".join(f"{n} {s}" for s, n in sorted(c["accounts"].items()))
        con.print(f"{p}: {states}; {c['pages']} pages", highlight=False)
    con.print(f"{summary.fetched} pages fetched now, {summary.recovered} recovered from disk; "
              f"raw pages in {out}/pages", highlight=False)
    if after:
        a = result["after"]
        con.print(f"scored {a['scored']} new accounts; nominated {len(a['nominated'])} "
                  f"(\"found by collection\", for review)", highlight=False)
