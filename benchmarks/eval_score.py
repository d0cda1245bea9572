"""Scoring quality on simulated worlds (DESIGN.md "Quality metrics"), until and besides
`hydrawatch eval`: for each (seed, size), generate a world, ingest it into a fresh SQLite
store, verify 25% of the movement's original accounts as seeds, load the policy pack,
score, and print p_at_k, hard_negatives_top_k and auc from accounts.score.

    python benchmarks/eval_score.py [--seeds 0,1,2] [--sizes 1000,3000] [--world DIR ...]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hydrawatch.verification.cases import open_case  # noqa: E402
from hydrawatch.ingest import ingest_paths  # noqa: E402
from hydrawatch.scoring.policy import load_policy  # noqa: E402
from hydrawatch.scoring.pipeline import score_store  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store import schema as s  # noqa: E402

HARD = {"journalist", "researcher", "counter_speech"}


def data_files(world: Path) -> list[Path]:
    meta = json.loads((world / "world.json").read_text())
    return [world / f for f in meta["files"]]


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    # average ranks for ties
    _, first, counts = np.unique(sorted_v, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def evaluate(world: Path, seeds_fraction: float = 0.25, verbose: bool = False,
             reuse: bool = False) -> dict:
    truth = json.loads((world / "truth.json").read_text())["accounts"]
    tmp = tempfile.mkdtemp(prefix="hw-eval-")
    cached = world / ".eval-ingested.db"
    if reuse and cached.exists():  # scoring experiments: skip re-ingesting the same world
        shutil.copy(cached, f"{tmp}/eval.db")
    store = open_store(f"sqlite:///{tmp}/eval.db")
    t0 = time.perf_counter()
    if not (reuse and cached.exists()):
        ingest_paths(store, data_files(world))
        if reuse:
            shutil.copy(f"{tmp}/eval.db", cached)
    t_ingest = time.perf_counter() - t0
    originals = sorted(k for k, v in truth.items() if v["movement"] and v["original"])
    rng = random.Random(0)
    seeds = set(rng.sample(originals, round(len(originals) * seeds_fraction)))
    with store.session() as db:
        for key in sorted(seeds):
            platform, aid = key.split(":", 1)
            open_case(db, platform, aid, state="verified", reason="eval seed")
    load_policy(store, world / "policy.json")
    t0 = time.perf_counter()
    summary = score_store(store)
    t_score = time.perf_counter() - t0
    with store.session() as db:
        rows = db.query(s.Account.platform, s.Account.account_id, s.Account.score,
                        s.Account.score_reasons).all()
    scored = {f"{p}:{a}": (sc if sc is not None else 0.0, r) for p, a, sc, r in rows}
    keys = [k for k in truth if k not in seeds]
    score = np.array([scored.get(k, (0.0, None))[0] for k in keys])
    target = np.array([truth[k]["movement"] for k in keys])
    hard = np.array([truth[k]["role"] in HARD for k in keys])
    k = int(target.sum())
    order = np.argsort(-score, kind="stable")
    top = order[:k]
    result = {"world": str(world), "accounts": len(truth), "seeds": len(seeds), "k": k,
              "p_at_k": round(float(target[top].mean()), 4),
              "hard_negatives_top_k": int(hard[top].sum()),
              "auc": round(auc(score[target], score[~target]), 4),
              "mode": summary.mode, "ingest_s": round(t_ingest, 1), "score_s": round(t_score, 1)}
    if verbose:
        misses = [keys[i] for i in top if not target[i]]
        for key in misses[:15]:
            print("  false positive", key, truth[key]["role"], round(scored[key][0], 3), scored[key][1][:3])
        missed = [keys[i] for i in order[k:] if target[i]][:15]
        for key in missed:
            print("  missed", key, truth[key]["role"], "original" if truth[key]["original"] else "successor",
                  round(scored.get(key, (0, None))[0], 3), (scored.get(key, (0, []))[1] or [])[:3])
    store.dispose()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--sizes", default="1000,3000")
    ap.add_argument("--world", action="append", help="evaluate existing world directories")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="cache the ingested store in the world dir")
    args = ap.parse_args()
    worlds = [Path(w) for w in args.world or []]
    if not worlds:
        from hydrawatch.sim import generate_world

        for size in map(int, args.sizes.split(",")):
            for seed in map(int, args.seeds.split(",")):
                out = Path(tempfile.mkdtemp(prefix=f"hw-world-{size}-{seed}-"))
                generate_world(out, seed=seed, accounts=size)
                worlds.append(out)
    results = []
    for w in worlds:
        r = evaluate(w, verbose=args.verbose, reuse=args.reuse)
        results.append(r)
        print(json.dumps(r), flush=True)
    ok = all(r["p_at_k"] >= 0.95 and r["hard_negatives_top_k"] == 0 and r["auc"] >= 0.98 for r in results)
    print(f"worlds {len(results)}: min p_at_k {min(r['p_at_k'] for r in results):.3f}, "
          f"max hard_negatives_top_k {max(r['hard_negatives_top_k'] for r in results)}, "
          f"min auc {min(r['auc'] for r in results):.4f} -> {'targets met' if ok else 'targets NOT met'}")


if __name__ == "__main__":
    main()
