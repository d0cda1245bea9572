"""Blocking vs all pairs on a small world: the same links, and the speed ratio.

The baseline scores every (new, suspended) pair that passes the identity and timing
rules with the same features and model; the linker scores only the pairs its blocking
generators propose. Prints both link sets' agreement and the time of each.

    python benchmarks/bench_link_allpairs.py                      # synthetic, 1,000 x 5,000
    python benchmarks/bench_link_allpairs.py --world /tmp/hydrawatch-worlds/w1_2000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402

from hydrawatch.linking.candidates import MAX_CANDIDATES, SuspendedIndex, combine  # noqa: E402
from hydrawatch.linking.engine import find_links, rank_within  # noqa: E402
from hydrawatch.linking.features import FEATURES, latest_suspension, pair_features  # noqa: E402
from hydrawatch.linking.model import default_model  # noqa: E402


def all_pairs(new, sus, n_ids, chunk: int = 200_000):
    model = default_model()
    nq, ns = len(new), len(sus)
    q = np.repeat(np.arange(nq, dtype=np.int64), ns)
    s = np.tile(np.arange(ns, dtype=np.int64), nq)
    cand = combine(q, s, np.zeros(len(q), np.int64), new, sus, max_candidates=ns)
    x = np.vstack([pair_features(new, sus, cand.q[lo: lo + chunk], cand.s[lo: lo + chunk], n_ids)
                   for lo in range(0, len(cand.q), chunk)] or [np.zeros((0, len(FEATURES)))])
    # latest_suspension compares a pair with the others of its new account: recompute it
    # over all pairs (a chunk may split an account's pairs)
    x[:, FEATURES.index("latest_suspension")] = latest_suspension(cand.q, sus.suspended_at[cand.s])
    # every pair scored by the base model; as blocking keeps at most MAX_CANDIDATES per new
    # account, the best MAX_CANDIDATES by base score are the rivals the context model sees
    base = model.base_logit(x)
    _, brank = rank_within(cand.q, base)
    top = brank <= MAX_CANDIDATES
    q, s, x = cand.q[top], cand.s[top], x[top]
    conf = model.predict(x, q, s)
    _, rank = rank_within(q, conf)
    ok = (rank == 1) & (conf >= model.threshold)
    return {(int(a), int(b)) for a, b in zip(q[ok], s[ok])}, len(cand.q)


def store_batches(world_dir: Path):
    from bench_link_quality import ingested_store

    from hydrawatch.linking import storeio

    store = ingested_store(world_dir, world_dir.parent)
    with store.session() as db:
        for platform, intern, sus, new in storeio.platform_batches(db):
            storeio.fill_suspended_posts(db, platform, sus, np.arange(len(sus)))
            yield platform, new, sus, len(intern)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", type=Path, help="a simulated world directory (default: synthetic)")
    ap.add_argument("--new", type=int, default=1000)
    ap.add_argument("--suspended", type=int, default=5000)
    args = ap.parse_args(argv)
    if args.world:
        runs = list(store_batches(args.world))
    else:
        from bench_link_scale import make_world

        new, sus, _truth, _decoys, _s, pool = make_world(args.new, args.suspended, seed=1)
        runs = [("synthetic", new, sus, pool)]
    default_model()  # load once, outside the timings
    for name, new, sus, n_ids in runs:
        t0 = time.perf_counter()
        res = find_links(new, sus, n_ids=n_ids, index=SuspendedIndex(sus, n_ids), date_links=False)
        t_block = time.perf_counter() - t0
        acc = res.accepted()
        blocked = {(int(a), int(b)) for a, b in zip(res.q[acc], res.s[acc])}
        t0 = time.perf_counter()
        brute, n_pairs = all_pairs(new, sus, n_ids)
        t_all = time.perf_counter() - t0
        same = len(blocked & brute)
        print(f"{name}: {len(new):,} new x {len(sus):,} suspended")
        print(f"  all pairs: {n_pairs:,} pairs scored in {t_all:.2f} s -> {len(brute)} links")
        print(f"  blocking : {res.candidates:,} pairs scored in {t_block:.2f} s -> {len(blocked)} links")
        print(f"  same links: {same} of {len(brute | blocked)} "
              f"(only all-pairs: {len(brute - blocked)}, only blocking: {len(blocked - brute)}); "
              f"speed ratio {t_all / max(t_block, 1e-9):.1f}x, pairs ratio {n_pairs / max(res.candidates, 1):.0f}x")


if __name__ == "__main__":
    main()
