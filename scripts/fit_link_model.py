"""Fit the link confidence model on simulated worlds and write hydrawatch/link_model.json.

    python scripts/fit_link_model.py                  # the shipped model (DEFAULT_WORLDS)
    python scripts/fit_link_model.py --worlds 101:1000 102:2000 --out /tmp/model.json
    python scripts/fit_link_model.py --hard-worlds 111:2000 112:2000   # add hard-preset worlds

Each world is generated (cached under --cache), ingested into a temporary SQLite store,
and run through the same candidate generators and features as `hydrawatch link`; a pair
is positive when truth.json lists it as a succession. Two logistic regressions are fitted
(hydrawatch/linking/model.py): the base model on every world's pair features (log-loss
plus --rank-weight x a conditional-logit loss over each new account's candidates: which
one is its predecessor), the context model on out-of-fold base log-odds compared with
each pair's rivals. The threshold is chosen on leave-one-world-out predictions (each
world scored by a pipeline fitted on the others) and leave-one-regime-out predictions
(each world scored by a pipeline fitted on the other regimes): the highest of the
thresholds whose held-out precision of best-ranked pairs is at least --precision on both,
with the best recall (within 0.005). Development (1-99, 300-999) and test seeds (10,000+) are never
used here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402
import orjson  # noqa: E402

from hydrawatch.linking import storeio  # noqa: E402
from hydrawatch.linking.candidates import SuspendedIndex  # noqa: E402
from hydrawatch.linking.engine import avatar_density, rank_within  # noqa: E402
from hydrawatch.linking.features import FEATURES, identity_evidence, pair_features  # noqa: E402
from hydrawatch.linking.model import (BOUNDS, CONTEXT, CONTEXT_BOUNDS, MODEL_PATH,  # noqa: E402
                                      LinkModel, Logistic, context_features, rivals,
                                      shared_claims_capped)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
from bench_link_quality import ingested_store, world  # noqa: E402

# PRESET:SEED:ACCOUNTS. "fit" worlds are randomised worlds of the fit regime
# (sim/randomise.py): their parameters come from inner ranges that the eval regime, on
# which figures are reported, never draws from. Seeds 1-999 are development worlds and
# 10,000+ test worlds: neither is ever fitted on.
# The shipped model (hydrawatch/link_model.json) is exactly `python scripts/fit_link_model.py`
# with these worlds: twelve randomised fit-regime worlds, one hard and one default world.
DEFAULT_WORLDS = ("fit:201:2000", "fit:202:2000", "fit:206:3000", "fit:207:1000", "hard:111:2000",
                  "default:101:1000", "fit:208:2000", "fit:209:2000", "fit:210:2000", "fit:211:2000",
                  "fit:212:3000", "fit:213:2000", "fit:214:2000", "fit:215:3000")


def world_pairs(store, truth: dict):
    """(features, labels, successor rows, predecessor rows, found, total) of every
    candidate pair in the store; rows are per-world integers (platform-qualified)."""
    succ = {tuple(s["successor"].split(":", 1)): tuple(s["predecessor"].split(":", 1))
            for s in truth["successions"]}
    xs, ys, qs, ss = [], [], [], []
    q_off = s_off = 0
    with store.session() as db:
        for platform, intern, sus, new in storeio.platform_batches(db):
            if not len(new):
                continue
            index = SuspendedIndex(sus, len(intern))
            cand = index.candidates(new)
            storeio.fill_suspended_posts(db, platform, sus, np.unique(cand.s))
            freq = storeio.frequencies(db, platform)  # as link_store does
            freq.avatar_near = avatar_density(index, sus, np.unique(cand.s))
            freq.skeleton_rarity = index.skeleton_rarity
            xs.append(pair_features(new, sus, cand.q, cand.s, len(intern), freq))
            ys.append(np.array([succ.get((platform, new.ids[q])) == (platform, sus.ids[s])
                                for q, s in zip(cand.q, cand.s)], bool))
            qs.append(cand.q + q_off)
            ss.append(cand.s + s_off)
            q_off += len(new)
            s_off += len(sus)
    found = int(sum(y.sum() for y in ys))
    if not xs:
        z = np.zeros(0, np.int64)
        return np.zeros((0, len(FEATURES))), np.zeros(0, bool), z, z, 0, len(succ)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(qs), np.concatenate(ss), found, len(succ)


@dataclass
class World:
    seed: int
    accounts: int
    preset: str
    x: np.ndarray
    y: np.ndarray
    q: np.ndarray
    s: np.ndarray
    successions: int


def _code_version() -> str:
    """A short digest of the code that makes candidate pairs and their features, so a
    cached world's pairs are recomputed whenever that code changes."""
    import hashlib

    from hydrawatch.linking import candidates, features, handles, minhash, storeio

    h = hashlib.sha256()
    for mod in (candidates, features, handles, minhash, storeio):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:10]


def load_world(cache: Path, seed: int, accounts: int, preset: str = "default") -> World:
    """A training world's candidate pairs (cached next to the world, keyed by the code
    version; --fresh recomputes)."""
    tag = "" if preset == "default" else f"{preset}_"
    path = cache / f"pairs_{tag}{seed}_{accounts}_{_code_version()}.npz"
    if path.exists() and not FRESH and CACHE_PAIRS:
        d = np.load(path)
        return World(seed, accounts, preset, d["x"], d["y"], d["q"], d["s"], int(d["total"]))
    wd = world(cache, seed, accounts, preset)
    store = ingested_store(wd, cache)
    x, y, q, s, found, total = world_pairs(store, orjson.loads((wd / "truth.json").read_bytes()))
    store.dispose()
    if CACHE_PAIRS:
        np.savez(path, x=x, y=y, q=q, s=s, total=total)
    return World(seed, accounts, preset, x, y, q, s, total)


def _stack(worlds: list[World]):
    """Concatenate worlds, keeping successor/predecessor rows distinct across worlds."""
    x = np.vstack([w.x for w in worlds])
    y = np.concatenate([w.y for w in worlds])
    q = np.concatenate([w.q + k * (1 << 40) for k, w in enumerate(worlds)])
    s = np.concatenate([w.s + k * (1 << 40) for k, w in enumerate(worlds)])
    return x, y, q, s


def pairs_digest(w: World) -> str:
    """sha256 of a world's candidate pairs and labels: the same worlds give the same pairs."""
    import hashlib

    h = hashlib.sha256()
    for a in (np.round(np.nan_to_num(w.x, nan=-9.0), 6), w.y.astype(np.int8), w.q, w.s):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


# Weight of the conditional-logit (ranking) term in the base model's loss: which of a new
# account's candidates is its predecessor, beside how link-like each pair is on its own
# (--rank-weight; 0 = plain logistic regression).
RANK_WEIGHT = 1.0


def _base_fit(x, y, c, q=None):
    return Logistic.fit(x, y, c, bounds=[BOUNDS[f] for f in FEATURES], groups=q, rank_weight=RANK_WEIGHT)


def fit_pipeline(worlds: list[World], c: float, context: bool = True) -> LinkModel:
    """Base model on every world's pairs; context model on out-of-fold base log-odds
    (each world scored by a base model fitted on the others). Both sign-constrained
    (model.BOUNDS, CONTEXT_BOUNDS): more evidence never lowers a pair's confidence."""
    x, y, q, s = _stack(worlds)
    base = _base_fit(x, y, c, q)
    ctx = None
    rate = min(max(float(y.mean()), 1e-3), 0.5)
    null = float(np.log(rate / (1 - rate)))  # the null rival: the base rate of links among candidates
    if context:
        if len(worlds) > 1:
            oof = np.concatenate([_base_fit(*_stack([o for o in worlds if o is not w])[:2], c,
                                            _stack([o for o in worlds if o is not w])[2]).logit(w.x)
                                  for w in worlds])
        else:
            oof = base.logit(x)
        # calibrated on the pairs that can be links at all (the rule caps the others), so a
        # confidence reads as the chance that such a pair is right
        ok = identity_evidence(x)
        ctx = Logistic.fit(context_features(oof, rivals(q, s, oof), null)[ok], y[ok], c,
                           bounds=CONTEXT_BOUNDS)
    return LinkModel(FEATURES, base, ctx, 0.5, null_logit=null)


def held_out(worlds: list[World], c: float, context: bool = True):
    """Confidence of each world's pairs from a pipeline fitted on the other worlds, and
    which of them that pipeline would let be automatic links (LinkModel.eligible)."""
    out, ok = [], []
    for w in worlds:
        m = fit_pipeline([o for o in worlds if o is not w], c, context)
        lg = m.base_logit(w.x)
        out.append(m.confidence(lg, rivals(w.q, w.s, lg)))  # uncapped: the cap is applied per threshold
        ok.append(m.eligible(w.x, w.q))
    return out, ok


def held_out_regimes(worlds: list[World], c: float, context: bool = True):
    """As ``held_out``, each world scored by a pipeline fitted on the worlds of the *other*
    regimes (presets or randomisation regimes) only; (None, None) with a single regime."""
    regimes = {w.preset for w in worlds}
    if len(regimes) < 2:
        return None, None
    models = {r: fit_pipeline([o for o in worlds if o.preset != r], c, context) for r in regimes}
    out, ok = [], []
    for w in worlds:
        m = models[w.preset]
        lg = m.base_logit(w.x)
        out.append(m.confidence(lg, rivals(w.q, w.s, lg)))
        ok.append(m.eligible(w.x, w.q))
    return out, ok


def leave_one_regime_out(worlds: list[World], c: float, auto: float, suggest: float) -> dict:
    """Per regime (preset or randomisation regime): fitted on the worlds of the others,
    scored on its own — how the model does on worlds whose parameters it never saw."""
    out = {}
    for regime in sorted({w.preset for w in worlds}):
        train = [w for w in worlds if w.preset != regime]
        test = [w for w in worlds if w.preset == regime]
        if not train:
            continue
        m = fit_pipeline(train, c)
        m.threshold = auto  # the cap keeps pairs that may not be links under *this* threshold
        tp_a = n_a = tp_s = n_s = total = 0
        for w in test:
            lg = m.base_logit(w.x)
            p = m.cap(m.confidence(lg, rivals(w.q, w.s, lg)), w.x, w.q)
            _, rank = rank_within(w.q, p)
            p = shared_claims_capped(p, rank, w.s, auto)
            a = (rank == 1) & (p >= auto)
            sg = (rank == 1) & (p >= suggest)
            tp_a += int(w.y[a].sum())
            n_a += int(a.sum())
            tp_s += int(w.y[sg].sum())
            n_s += int(sg.sum())
            total += w.successions
        out[regime] = {"worlds": len(test), "successions": total,
                       "precision_auto": round(tp_a / max(n_a, 1), 4), "recall_auto": round(tp_a / max(total, 1), 4),
                       "precision_all": round(tp_s / max(n_s, 1), 4), "recall_all": round(tp_s / max(total, 1), 4)}
        print(f"  leave-one-regime-out {regime}: {out[regime]}")
    return out


def report(worlds: list[World], preds: list[np.ndarray], oks: list[np.ndarray], t: float) -> None:
    for w, p, ok in zip(worlds, preds, oks):
        p = np.where(ok, p, np.minimum(p, t - 1e-4))
        _, rank = rank_within(w.q, p)
        p = shared_claims_capped(p, rank, w.s, t)
        out = (rank == 1) & (p >= t)
        tp = int(w.y[out].sum())
        print(f"  held-out seed {w.seed} ({w.preset}, {w.accounts}): precision {tp / max(out.sum(), 1):.3f}, "
              f"recall {tp / max(w.successions, 1):.3f} ({tp}/{w.successions}), "
              f"false links {int(out.sum()) - tp}")


def choose_suggest(p: np.ndarray, y: np.ndarray, q: np.ndarray, precision: float, auto: float) -> float:
    """The review queue's threshold: the lowest on the grid (at most ``auto``) at which the
    held-out best-ranked pairs from it up (auto links and the queue, with or without
    identity evidence) still have ``precision``: the queue is for the uncertain, not junk."""
    _, qi = np.unique(q, return_inverse=True)
    _, rank = rank_within(qi, p)
    best = rank == 1
    grid = [t for t in np.round(np.arange(0.02, 0.951, 0.01), 2) if t <= auto]
    total = max(int(y.sum()), 1)
    chosen = auto
    for t in sorted(grid, reverse=True):
        out = best & (p >= t)
        if y[out].sum() / max(out.sum(), 1) >= precision:
            chosen = float(t)
    out = best & (p >= chosen)
    print(f"suggest threshold {chosen}: held-out precision {y[out].sum() / max(out.sum(), 1):.4f}, "
          f"recall {y[out].sum() / total:.4f} (auto links and review queue)")
    return chosen


def _threshold_stats(p, y, qi, evidence, grid, si=None) -> list[tuple[float, float]]:
    """(precision, recall) of the best-ranked pairs at each threshold of ``grid``."""
    total = max(int(y.sum()), 1)
    stats = []
    for t in grid:
        # as the engine: pairs that may not be auto links are capped under t, then ranked;
        # a predecessor two new accounts claim is for a reviewer
        pt = np.where(evidence, p, np.minimum(p, t - 1e-4))
        _, rank = rank_within(qi, pt)
        if si is not None:
            pt = shared_claims_capped(pt, rank, si, t)
        out = (rank == 1) & (pt >= t)
        stats.append((y[out].sum() / max(out.sum(), 1), y[out].sum() / total))
    return stats


def choose_threshold(p: np.ndarray, y: np.ndarray, q: np.ndarray, precision: float,
                     evidence: np.ndarray, regimes: tuple[np.ndarray, np.ndarray] | None = None,
                     s: np.ndarray | None = None) -> float:
    """The highest of the thresholds that keep held-out precision (best-ranked pairs) at or
    above ``precision`` with the best recall (within 0.005): precision first -- where
    recall is flat, a higher threshold costs nothing on the training worlds and keeps
    coincidences out on worlds unlike them (the review queue takes what it leaves).
    ``regimes``: the (confidence, eligibility) of every pair from pipelines fitted on the
    other regimes only (``held_out_regimes``); a threshold must keep ``precision`` on
    those too, so it holds on worlds whose parameters the model never saw, not only on
    unseen worlds of familiar regimes."""
    _, qi = np.unique(q, return_inverse=True)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    stats = _threshold_stats(p, y, qi, evidence, grid, s)
    regime_stats = _threshold_stats(regimes[0], y, qi, regimes[1], grid, s) if regimes is not None else None
    for k, (t, (pr, r)) in enumerate(zip(grid, stats)):
        if round(t * 100) % 5 == 0:
            extra = (f"; other regimes: precision {regime_stats[k][0]:.4f} recall {regime_stats[k][1]:.4f}"
                     if regime_stats else "")
            print(f"    held-out t={t:.2f}: precision {pr:.4f} recall {r:.4f}{extra}")
    ok = [(t, r) for k, (t, (pr, r)) in enumerate(zip(grid, stats))
          if pr >= precision and (regime_stats is None or regime_stats[k][0] >= precision)]
    if not ok:
        return 0.95
    top = max(r for _, r in ok)
    chosen = [t for t, r in ok if r >= top - 0.005]
    t = float(chosen[-1])
    pr, r = stats[list(grid).index(t)]
    print(f"threshold {t} (range {chosen[0]}-{chosen[-1]}): held-out precision {pr:.4f}, "
          f"recall {r:.4f}")
    return t


FRESH = False
CACHE_PAIRS = True


def main(argv=None) -> None:
    global FRESH, CACHE_PAIRS, RANK_WEIGHT
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", nargs="+", default=list(DEFAULT_WORLDS),
                    help="PRESET:SEED:ACCOUNTS ... (preset default, hard or fit; SEED:ACCOUNTS = default)")
    ap.add_argument("--hard-worlds", nargs="*", default=[],
                    help="SEED:ACCOUNTS ... of hard-preset worlds (docs/simulator.md) to fit on as well")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep generated worlds and their pairs here (default: regenerate every "
                         "world in a temporary directory, as a reproduction must)")
    ap.add_argument("--suggest-precision", type=float, default=0.7,
                    help="held-out precision of auto links plus the review queue")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--precision", type=float, default=0.99,
                    help="held-out precision the threshold must keep")
    ap.add_argument("--c", type=float, default=0.3, help="inverse L2 regularisation strength")
    ap.add_argument("--no-context", action="store_true", help="base model only (for comparison)")
    ap.add_argument("--fresh", action="store_true", help="recompute cached candidate pairs")
    ap.add_argument("--rank-weight", type=float, default=RANK_WEIGHT,
                    help="weight of the ranking (conditional-logit) term in the base model's loss")
    args = ap.parse_args(argv)
    FRESH = args.fresh
    RANK_WEIGHT = args.rank_weight
    tmp = None
    if args.cache is None:
        tmp = tempfile.TemporaryDirectory(prefix="hydrawatch-fit-")
        args.cache = Path(tmp.name)
        CACHE_PAIRS = False
    args.cache.mkdir(parents=True, exist_ok=True)
    worlds = []
    specs = [(s if s.count(":") == 1 else s.split(":", 1)[1], "default" if s.count(":") == 1 else s.split(":")[0])
             for s in args.worlds] + [(s, "hard") for s in args.hard_worlds]
    for spec, preset in specs:
        seed, accounts = (int(v) for v in spec.split(":"))
        if seed < 100 or 300 <= seed < 1000 or seed >= 10_000:
            raise SystemExit("training seeds are 100-299 (1-99 and 300-999: development evaluation; "
                             "10,000+: test worlds)")
        if preset not in ("default", "hard", "fit"):
            raise SystemExit(f"cannot fit on preset {preset!r} (eval-regime worlds are for evaluation)")
        w = load_world(args.cache, seed, accounts, preset)
        print(f"world seed {seed} ({preset}, {accounts} accounts): {len(w.y):,} candidate pairs, "
              f"{int(w.y.sum())}/{w.successions} true successions among them")
        worlds.append(w)
    context = not args.no_context
    # The threshold is chosen on held-out worlds: each scored by a pipeline fitted on the others.
    preds, oks = held_out(worlds, args.c, context)
    x, y, q, s = _stack(worlds)
    r_preds, r_oks = held_out_regimes(worlds, args.c, context)
    regimes = None if r_preds is None else (np.concatenate(r_preds), np.concatenate(r_oks))
    threshold = choose_threshold(np.concatenate(preds), y, q, args.precision, np.concatenate(oks), regimes, s)
    suggest = choose_suggest(np.concatenate(preds), y, q, args.suggest_precision, threshold)
    report(worlds, preds, oks, threshold)
    loro = leave_one_regime_out(worlds, args.c, threshold, suggest) if context else {}
    model = fit_pipeline(worlds, args.c, context)
    model.threshold = threshold
    model.suggest = suggest
    model.meta = {"fitted_by": "scripts/fit_link_model.py",
                  "worlds": [{"seed": w.seed, "preset": w.preset, "accounts": w.accounts, "pairs": int(len(w.y)),
                              "positives": int(w.y.sum()), "successions": w.successions,
                              "pairs_sha256": pairs_digest(w)}
                             for w in worlds],
                  "suggest_precision": args.suggest_precision,
                  "regularisation_c": args.c, "target_held_out_precision": args.precision,
                  "rank_weight": args.rank_weight,
                  "threshold_chosen_on": "leave-one-world-out and leave-one-regime-out predictions",
                  "leave_one_regime_out": loro}
    model.save(args.out)
    print(f"wrote {args.out}")
    if tmp is not None:
        tmp.cleanup()
    for f, c in sorted(zip(FEATURES, model.base.coef), key=lambda t: -abs(t[1])):
        print(f"  base {f:>18} {c:+.3f}")
    if model.context is not None:
        for f, c in zip(CONTEXT, model.context.coef):
            print(f"  context {f:>15} {c:+.3f}")


if __name__ == "__main__":
    main()
