"""Fit the link confidence model on simulated worlds and write hydrawatch/link_model.json.

    python scripts/fit_link_model.py                       # seeds 101-104, mixed sizes
    python scripts/fit_link_model.py --worlds 101:1000 102:2000 --out /tmp/model.json

Each world is generated (cached under --cache), ingested into a temporary SQLite store,
and run through the same candidate generators and features as `hydrawatch link`; a pair
is positive when truth.json lists it as a succession. A logistic regression is fitted on
all worlds together and the threshold is the lowest one keeping training precision of
the best-ranked pairs at or above --precision. Evaluation seeds (1-99) are never used here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402
import orjson  # noqa: E402

from hydrawatch.linking import storeio  # noqa: E402
from hydrawatch.linking.candidates import SuspendedIndex  # noqa: E402
from hydrawatch.linking.engine import rank_within  # noqa: E402
from hydrawatch.linking.features import FEATURES, pair_features  # noqa: E402
from hydrawatch.linking.model import MODEL_PATH, LinkModel  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
from bench_link_quality import ingested_store, world  # noqa: E402

DEFAULT_WORLDS = ("101:1000", "102:2000", "103:1500", "104:2500")


def world_pairs(store, truth: dict):
    """(features, labels, successor keys) of every candidate pair in the store."""
    succ = {tuple(s["successor"].split(":", 1)): tuple(s["predecessor"].split(":", 1))
            for s in truth["successions"]}
    xs, ys, qs = [], [], []
    with store.session() as db:
        for platform, intern, sus, new in storeio.platform_batches(db):
            if not len(new):
                continue
            cand = SuspendedIndex(sus, len(intern)).candidates(new)
            storeio.fill_suspended_posts(db, platform, sus, np.unique(cand.s))
            xs.append(pair_features(new, sus, cand.q, cand.s, len(intern)))
            ys.append(np.array([succ.get((platform, new.ids[q])) == (platform, sus.ids[s])
                                for q, s in zip(cand.q, cand.s)], bool))
            qs.append(np.array([f"{platform}:{new.ids[q]}" for q in cand.q], object))
    found = int(sum(y.sum() for y in ys))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(qs), found, len(succ)


def choose_threshold(p: np.ndarray, y: np.ndarray, q: np.ndarray, precision: float) -> float:
    """The middle of the thresholds that keep training precision (best-ranked pairs) at or
    above ``precision`` with the best recall: a margin on both sides, not an edge."""
    _, qi = np.unique(q, return_inverse=True)
    _, rank = rank_within(qi, p)
    best = rank == 1
    total = max(int(y.sum()), 1)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    stats = []
    for t in grid:
        out = best & (p >= t)
        stats.append((y[out].sum() / max(out.sum(), 1), y[out].sum() / total))
    ok = [(t, r) for t, (pr, r) in zip(grid, stats) if pr >= precision]
    if not ok:
        return 0.95
    top = max(r for _, r in ok)
    chosen = [t for t, r in ok if r >= top - 0.005]
    t = float(chosen[len(chosen) // 2])
    pr, r = stats[list(grid).index(t)]
    print(f"threshold {t} (range {chosen[0]}-{chosen[-1]}): training precision {pr:.4f}, "
          f"recall of candidates {r:.4f}")
    return t


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", nargs="+", default=list(DEFAULT_WORLDS), help="SEED:ACCOUNTS ...")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hydrawatch-worlds")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--precision", type=float, default=0.985)
    ap.add_argument("--c", type=float, default=0.3, help="inverse L2 regularisation strength")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    xs, ys, qs, meta_worlds = [], [], [], []
    for spec in args.worlds:
        seed, accounts = (int(v) for v in spec.split(":"))
        if seed < 100:
            raise SystemExit("training seeds must be >= 100 (1-99 are for evaluation)")
        wd = world(args.cache, seed, accounts)
        store = ingested_store(wd, args.cache)
        x, y, q, found, total = world_pairs(store, orjson.loads((wd / "truth.json").read_bytes()))
        store.dispose()
        print(f"world seed {seed} ({accounts} accounts): {len(y):,} candidate pairs, "
              f"{found}/{total} true successions among them")
        xs.append(x), ys.append(y), qs.append(np.char.add(f"{seed}/", q.astype(str)))
        meta_worlds.append({"seed": seed, "accounts": accounts, "pairs": int(len(y)),
                            "positives": int(y.sum()), "successions": total})
    x, y, q = np.vstack(xs), np.concatenate(ys), np.concatenate(qs)
    model = LinkModel.fit(x, y, c=args.c)
    model.threshold = choose_threshold(model.predict(x), y, q, args.precision)
    model.meta = {"fitted_by": "scripts/fit_link_model.py", "worlds": meta_worlds,
                  "regularisation_c": args.c, "target_training_precision": args.precision}
    model.save(args.out)
    print(f"wrote {args.out}")
    for f, c in sorted(zip(FEATURES, model.coef), key=lambda t: -abs(t[1])):
        print(f"  {f:>18} {c:+.3f}")


if __name__ == "__main__":
    main()
