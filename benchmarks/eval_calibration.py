"""Discovery calibration (issue 13): precision and recall at score >= 0.5, P@K, AUC and
hard negatives in the top K, before and after the store calibration, per world.

    python benchmarks/eval_calibration.py eval:10021:2000 eval:10022:2500 default:1:2000 hard:1:2000

Each spec is PRESET:SEED:ACCOUNTS (``default`` / ``hard`` presets, or ``eval`` / ``fit``
randomised worlds, sim/randomise.py). Seeds 1-999 are development worlds; test figures
come from seeds 10,000+ looked at once, when the work is done (docs/scoring.md).

Per world, the pipeline of ``hydrawatch eval`` (ingest, policy, 25 % of the movement's
originals as verified seeds, link, score) runs once on a fresh SQLite store; the scores are
measured ("after"), then the same store is scored again the way it was before the
calibration (``P(seed) / c`` capped at 1, no store calibration) and measured ("before").
Also printed: the members the calibration expects among the unlabelled accounts
(the sum of its probabilities) and how many there are.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402


def world_dir(cache: Path, spec: str) -> Path:
    from hydrawatch.sim import generate_world

    preset, seed, accounts = spec.split(":")
    out = cache / f"{preset}{seed}_{accounts}"
    if not (out / "truth.json").exists():
        kwargs = {"randomise": preset} if preset in ("eval", "fit") else {"preset": preset}
        generate_world(out, seed=int(seed), accounts=int(accounts), **kwargs)
    return out


def _old_learned(comb, F):
    logit = comb.contributions(F).sum(axis=1) + comb.intercept
    return np.minimum(1.0, 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50))) / comb.label_frequency)


def measure_scores(store, truth: dict, seeds) -> dict:
    from hydrawatch.evaluate import measure
    from hydrawatch.store.schema import Account

    m = measure(store, truth, seeds, linked=False)
    seed_set = set(seeds)
    with store.session(readonly=True) as db:
        rows = db.query(Account.platform, Account.account_id, Account.score).all()
    scores = {f"{p}:{a}": s or 0.0 for p, a, s in rows if f"{p}:{a}" in truth["accounts"]
              and f"{p}:{a}" not in seed_set}
    m["expected"] = sum(scores.values())
    m["members"] = sum(truth["accounts"][k]["movement"] for k in scores)
    m["flagged"] = sum(v >= 0.5 for v in scores.values())
    return m


def run(spec: str, cache: Path) -> dict:
    from hydrawatch.evaluate import load_truth, run_pipeline, seed_accounts
    from hydrawatch.scoring import combine
    from hydrawatch.scoring.pipeline import score_store
    from hydrawatch.store import open_store

    world = world_dir(cache, spec)
    truth = load_truth(world)
    seeds = seed_accounts(truth, 0.25)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/eval.db")
        t0 = time.perf_counter()
        run_pipeline(store, world, truth, seeds)
        after = measure_scores(store, truth, seeds)
        summary = score_store(store)  # again, to read its calibration
        saved = combine.learned_scores, combine.calibrate_to_store
        combine.learned_scores, combine.calibrate_to_store = _old_learned, lambda *a, **k: None
        try:
            score_store(store)
        finally:
            combine.learned_scores, combine.calibrate_to_store = saved
        before = measure_scores(store, truth, seeds)
        store.dispose()
    return {"spec": spec, "accounts": len(truth["accounts"]), "before": before, "after": after,
            "calibration": summary.calibration, "seconds": round(time.perf_counter() - t0, 1)}


def _f(v, digits=3):
    return "n/a" if v is None else f"{v:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("specs", nargs="+")
    ap.add_argument("--cache", default="/tmp/hydrawatch-worlds")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    print("| world | accounts | members (non-seed) | flagged at 0.5 | precision at 0.5 | recall at 0.5 "
          "| expected members | P@K | AUC | hard neg. top K |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = []
    for spec in args.specs:
        r = run(spec, cache)
        rows.append(r)
        b, a = r["before"], r["after"]
        print(f"| {spec.rsplit(':', 1)[0].replace(':', ' ')} | {r['accounts']:,} | {a['members']} "
              f"| {b['flagged']} → {a['flagged']} "
              f"| {_f(b['score_precision'])} → {_f(a['score_precision'])} "
              f"| {_f(b['score_recall'])} → {_f(a['score_recall'])} "
              f"| {a['expected']:.1f} "
              f"| {_f(b['p_at_k'])} → {_f(a['p_at_k'])} | {_f(b['auc'], 4)} → {_f(a['auc'], 4)} "
              f"| {b['hard_negatives_top_k']} → {a['hard_negatives_top_k']} |", flush=True)
    def pooled(key):
        tp = sum(round((r[key]["score_precision"] or 0) * r[key]["flagged"]) for r in rows)
        fl = sum(r[key]["flagged"] for r in rows)
        pos = sum(r[key]["members"] for r in rows)
        return (tp / fl if fl else None), (tp / pos if pos else None)
    (pb, rb), (pa, ra) = pooled("before"), pooled("after")
    print(f"| all {len(rows)} | | {sum(r['after']['members'] for r in rows)} "
          f"| {sum(r['before']['flagged'] for r in rows)} → {sum(r['after']['flagged'] for r in rows)} "
          f"| {_f(pb)} → {_f(pa)} | {_f(rb)} → {_f(ra)} | {sum(r['after']['expected'] for r in rows):.1f} | | | |")


if __name__ == "__main__":
    main()
