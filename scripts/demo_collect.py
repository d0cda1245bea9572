"""The collect demo on the platform simulator: start from 10 verified seeds and a budget,
collect, score, link and show what was found.

    .venv/bin/python scripts/demo_collect.py [--world DIR] [--seeds 10] [--budget 300]
    .venv/bin/python scripts/demo_collect.py --world DIR --serve 8787

``--serve`` only serves the world's collection endpoints (profiles, posts, follower lists)
on 127.0.0.1:PORT, for ``hydrawatch collect`` run by hand with HYDRAWATCH_X_API_URL,
HYDRAWATCH_MASTODON_URL and HYDRAWATCH_BSKY_URL pointing at it (and any bearer token).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hydrawatch.evaluate import load_truth  # noqa: E402
from hydrawatch.sim import generate_world  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", default=None, help="a `sim generate` world (default: generate 2000 accounts)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--budget", type=int, default=300)
    ap.add_argument("--serve", type=int, default=None, metavar="PORT")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="demo_collect_"))
    world = Path(args.world) if args.world else tmp / "world"
    if not args.world:
        generate_world(world, seed=args.seed, accounts=2000)
    if args.serve is not None:
        return serve(world, tmp, args.serve)
    from hydrawatch.collect.simrun import sim_collect

    truth = load_truth(world)
    movement = sorted(k for k, a in truth["accounts"].items() if a["movement"] and a["original"])
    seeds = sorted(random.Random(args.seed).sample(movement, min(args.seeds, len(movement))))
    store = open_store(f"sqlite:///{tmp}/demo.db")
    res = sim_collect(world, store, seeds=seeds, budget=args.budget, out=tmp / "collection", progress=True)
    d = res.as_dict()
    print(f"from {res.seeds} seeds, budget {res.budget}: {res.collected_accounts} accounts collected in "
          f"{res.requests} requests; {res.collected}/{res.movement} of the movement ({d['share_collected']:.0%})")
    print(f"P@K {res.p_at_k:.3f} (K={res.k}), hard negatives in top K: {res.hard_negatives_top_k}")
    print(f"nominated \"found by collection\" for review ({res.nominated_movement} truly movement):")
    for key in res.nominated:
        acc = truth["accounts"].get(key, {})
        print(f"  {key}  @{acc.get('handle')}  ({acc.get('role')})")
    print(f"store: {tmp}/demo.db   raw pages: {tmp}/collection/pages/")


def serve(world: Path, tmp: Path, port: int) -> None:
    from hydrawatch.sim.platform_data import collection_world
    from hydrawatch.sim.platform_server import running

    side = open_store(f"sqlite:///{tmp}/platforms.db")
    sim_world = collection_world(world, side)
    with running(sim_world, port=port) as server:
        print(f"platform simulator with collection endpoints on {server.url}; Ctrl-C stops it")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
