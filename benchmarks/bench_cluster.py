"""Scoring and linking on a Dask LocalCluster: per-partition throughput, against the
single-process run of the same store in the same process, and a check that both give the
same links and scores.

Generates a world (or takes --world DIR), ingests it into a fresh SQLite store (or --db),
loads its policy pack and verifies 25 % of its targets as seeds (as `hydrawatch eval`),
then: link and score in this process (timed), link and score on a LocalCluster of
--workers single-threaded worker processes (timed), and prints each partition's work and
seconds (wall and the worker thread's CPU) from ``hydrawatch.cluster.LAST_RUN``.

    python benchmarks/bench_cluster.py [--accounts 3000] [--days 30] [--workers 2] [--partitions P]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _snapshot(store):
    from sqlalchemy import select

    from hydrawatch.store import schema as s

    with store.session() as db:
        links = [tuple(r) for r in db.execute(
            select(s.Link.platform, s.Link.successor_id, s.Link.predecessor_id, s.Link.confidence,
                   s.Link.rank, s.Link.reasons, s.Link.linkable_at)
            .order_by(s.Link.platform, s.Link.successor_id, s.Link.predecessor_id)).all()]
        scores = dict(((p, a), sc) for p, a, sc in db.execute(
            select(s.Account.platform, s.Account.account_id, s.Account.score)).all())
    return links, scores


def _warm() -> None:
    import hydrawatch.cluster.link  # noqa: F401
    import hydrawatch.cluster.score  # noqa: F401
    import hydrawatch.linking.engine  # noqa: F401
    import hydrawatch.linking.storeio  # noqa: F401
    import hydrawatch.scoring.pipeline  # noqa: F401
    from hydrawatch.scoring.content import char_ngrams

    char_ngrams(["warm up"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--world")
    ap.add_argument("--db")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int)
    args = ap.parse_args()

    from hydrawatch import cluster
    from hydrawatch.evaluate import load_truth, pipeline_admin, seed_accounts, write_seed_list
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.linking.pipeline import link_store
    from hydrawatch.scoring.pipeline import score_store
    from hydrawatch.scoring.policy import load_policy
    from hydrawatch.sim import data_files, generate_world
    from hydrawatch.store import open_store
    from hydrawatch.verification.lists import import_list

    tmp = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    world = Path(args.world) if args.world else tmp / "world"
    if not args.world:
        _, t, _ = _timed(lambda: generate_world(world, seed=args.seed, accounts=args.accounts,
                                                days=args.days, formats=("canonical",)))
        print(f"world: {args.accounts} accounts, {args.days} days ({t:.0f} s)", flush=True)
    store = open_store(args.db or f"sqlite:///{tmp}/bench.db")
    _, t, _ = _timed(lambda: ingest_paths(store, data_files(world)))
    load_policy(store, world / "policy.json")
    truth = load_truth(world)
    write_seed_list(truth, seed_accounts(truth, 0.25), tmp / "seeds.txt")
    import_list(store, tmp / "seeds.txt", org="eval-seeds", name="seeds", verified=True,
                by_user=pipeline_admin(store))
    print(f"ingest {t:.0f} s", flush=True)

    one_link, link_wall, link_cpu = _timed(lambda: link_store(store))
    one_score, score_wall, score_cpu = _timed(lambda: score_store(store))
    single = _snapshot(store)
    print(f"single process: link {link_wall:.1f} s wall / {link_cpu:.1f} s CPU "
          f"({one_link.new_accounts} new x {one_link.suspended} suspended, {one_link.candidates} pairs); "
          f"score {score_wall:.1f} s wall / {score_cpu:.1f} s CPU ({one_score.posts} posts, "
          f"stages {json.dumps(one_score.seconds)})", flush=True)

    with cluster.client_for(workers=args.workers) as client:
        client.run(_warm)  # imports and compiled kernels loaded before anything is timed
        cluster.LAST_RUN.clear()
        many_link, c_link_wall, c_link_cpu = _timed(lambda: link_store(store, client=client,
                                                                       partitions=args.partitions))
        link_parts = list(cluster.LAST_RUN)
        cluster.LAST_RUN.clear()
        many_score, c_score_wall, c_score_cpu = _timed(lambda: score_store(store, client=client,
                                                                          partitions=args.partitions))
        score_parts = list(cluster.LAST_RUN)
    links, scores = _snapshot(store)
    diff = max((abs(scores[k] - v) for k, v in single[1].items() if v is not None), default=0.0)
    print(f"cluster ({args.workers} workers): link {c_link_wall:.1f} s wall / driver CPU {c_link_cpu:.1f} s; "
          f"score {c_score_wall:.1f} s wall / driver CPU {c_score_cpu:.1f} s (stages "
          f"{json.dumps(many_score.seconds)})")
    print(f"same links: {links == single[0]} ({len(links)} rows); max |score difference| {diff:.2e}")
    for r in link_parts:
        work = r["propose_cpu"] + r["describe_cpu"]
        print(f"  link partition {r['platform']}/{r['part']}: {r['new']} new accounts, {r['pairs']} pairs, "
              f"{r['kept']} kept; load {r['load_s']:.1f} s, index {r['index_s']:.1f} s, "
              f"stage 1 {r['propose_s']:.1f} s wall / {r['propose_cpu']:.1f} s CPU, "
              f"stage 3 {r['describe_s']:.1f} s / {r['describe_cpu']:.1f} s CPU: "
              f"{r['new'] / max(work, 1e-9):,.0f} new accounts per CPU-second")
    for r in score_parts:
        work = r["pass1_cpu"] + r["pass2_cpu"]
        wall = r["pass1_s"] + r["pass2_s"]
        print(f"  score partition {r['part']}: {r['accounts']} accounts, {r['posts']} posts; "
              f"pass 1 {r['pass1_s']:.1f} s wall / {r['pass1_cpu']:.1f} s CPU, pass 2 {r['pass2_s']:.1f} s / "
              f"{r['pass2_cpu']:.1f} s CPU: {r['posts'] / max(work, 1e-9):,.0f} posts per CPU-second, "
              f"{r['posts'] / max(wall, 1e-9):,.0f} per wall second")
    assert links == single[0] and not math.isnan(diff) and diff < 1e-6


if __name__ == "__main__":
    main()
