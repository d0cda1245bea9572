"""Collect on the platform simulator: from 10 % of the movement as verified seeds and a
budget of 3x the movement's size, how much of the movement a 2-hop crawl collects, and the
P@K and hard negatives of the ranking the collected store gives.

    .venv/bin/python benchmarks/bench_collect.py [--accounts 2000] [--seed 10007]

The world is generated with ``--seed`` (use one >= 10000 for reported figures: seeds
below were used while developing). The simulator serves the world's accounts, posts and
follow lists through the X v2 and Mastodon endpoints; the crawl writes raw pages to a
temporary folder and ingests them; then the seeds are imported as verified, and score,
link and nominate run on the collected accounts. Printed: the share of the movement
(seeds excluded) collected, and of the part of it within 2 hops of a seed; P@K over the
collected accounts (K = movement accounts among them); hard negatives (journalists,
researchers, counter-speech) in the top K; requests made, pages written, seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hydrawatch.collect.fetch import Limits  # noqa: E402
from hydrawatch.collect.simrun import sim_collect  # noqa: E402
from hydrawatch.evaluate import load_truth, seed_accounts  # noqa: E402
from hydrawatch.sim import generate_world  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=10007)
    ap.add_argument("--seeds-fraction", type=float, default=0.10)
    ap.add_argument("--budget-factor", type=float, default=3.0)
    ap.add_argument("--hops", type=int, default=2)
    ap.add_argument("--world", default=None, help="an existing world directory (else one is generated)")
    ap.add_argument("--rescore-every", type=int, default=None,
                    help="re-prioritise the queue every N finished accounts (default: budget/20, at least 5; 0: never)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_collect_"))
    world = Path(args.world) if args.world else tmp / "world"
    t0 = time.perf_counter()
    if not args.world:
        generate_world(world, seed=args.seed, accounts=args.accounts, days=args.days)
    truth = load_truth(world)
    movement = [k for k, a in truth["accounts"].items() if a["movement"]]
    seeds = seed_accounts(truth, args.seeds_fraction)
    budget = int(round(args.budget_factor * len(movement)))
    store = open_store(f"sqlite:///{tmp}/collect.db")
    t1 = time.perf_counter()
    res = sim_collect(world, store, seeds=seeds, budget=budget, out=tmp / "collection", hops=args.hops,
                      limits=Limits(posts_pages=1, list_pages=5), rescore_every=args.rescore_every)
    t2 = time.perf_counter()
    d = res.as_dict()
    world_seed, n_accounts = truth.get("seed", args.seed), len(truth["accounts"])
    d.update(world_seed=world_seed, accounts=n_accounts, movement_total=len(movement),
             seconds_world=round(t1 - t0, 1), seconds_collect_score=round(t2 - t1, 1))
    if args.json:
        print(json.dumps(d, indent=1))
        return
    print(f"world seed {world_seed}: {n_accounts} accounts, movement {len(movement)} "
          f"({res.seeds} seeds), budget {budget} accounts, {args.hops} hops")
    print(f"collected {res.collected_accounts} accounts in {res.requests} requests ({res.pages} pages kept)")
    print(f"movement collected: {res.collected}/{res.movement} = {d['share_collected']:.1%} "
          f"(of the {res.reachable} within {args.hops} hops: {d['share_of_reachable']:.1%}; of the "
          f"{res.reachable_live} a crawler can reach, not suspended: "
          f"{d['share_of_reachable_live'] or 0:.1%})")
    p = "n/a" if res.p_at_k is None else f"{res.p_at_k:.3f}"
    print(f"ranking of the collected accounts: P@K {p} (K={res.k}), hard negatives in top K: "
          f"{res.hard_negatives_top_k}")
    print(f"nominated \"found by collection\": {len(res.nominated)} ({res.nominated_movement} movement)")
    print(f"seconds: world {t1 - t0:.1f}, collect + score + link {t2 - t1:.1f}")


if __name__ == "__main__":
    main()
