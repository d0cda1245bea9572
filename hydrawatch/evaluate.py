"""Judging the pipeline on a simulated world (DESIGN.md, "Quality metrics").

The metric functions at the top are pure (plain Python values in, numbers out).
``evaluate_world`` runs the pipeline on a fresh temporary store and measures it against
``truth.json``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import orjson

from hydrawatch.errors import ConfigError

METRICS = ("p_at_k", "hard_negatives_top_k", "auc", "score_precision", "score_recall",
           "link_precision", "link_recall", "link_recall_queue", "link_mrr", "posts_to_flag_median")
# ``score_precision`` / ``score_recall``: of the non-seed accounts scoring at least this,
# the share that are the movement's, and the share of the movement's that do (scores are
# calibrated probabilities, so 0.5 is "more likely a member than not").
# ``link_recall_queue``: the share of true successions whose predecessor is the successor's
# best candidate at or above the *suggest* threshold — an automatic link or a review-queue entry.
SCORE_THRESHOLD = 0.5
SEED_ORG = "eval-seeds"
PIPELINE_ADMIN = "hydrawatch-eval"  # the admin eval and demo act as on their own stores


def pipeline_admin(store) -> str:
    """The admin that imports the verified seed list: created (with SEED_ORG) on a store
    that has no admin yet; reused on a store where it already exists. A store with other
    admins is refused: eval and demo do not act for someone else's admins."""
    from sqlalchemy import select

    from hydrawatch.verification import people as orgs
    from hydrawatch.store.schema import Organization, User

    with store.session() as db:
        user = db.scalars(select(User).where(User.name == PIPELINE_ADMIN)).first()
        if user is None and orgs.has_admin(db):
            raise ConfigError("this database already has admins; run eval or demo on a fresh "
                              "database (--db)")
        if user is None:
            orgs.bootstrap_admin(db, PIPELINE_ADMIN, org=SEED_ORG)
        elif user.role != "admin" or not user.active:
            raise ConfigError(f"user {PIPELINE_ADMIN!r} exists but is not an active admin")
        if db.scalar(select(Organization.id).where(Organization.name == SEED_ORG)) is None:
            orgs.add_org(db, SEED_ORG, by_user=PIPELINE_ADMIN)
    return PIPELINE_ADMIN


# -- pure metrics ---------------------------------------------------------------------------

def rank_accounts(scores: Mapping[str, float | None]) -> list[str]:
    """Keys by score, best first (a missing score counts as 0; ties broken by key)."""
    return sorted(scores, key=lambda k: (-(scores[k] or 0.0), k))


def precision_at_k(ranked: Sequence[str], positives: set[str], k: int) -> float | None:
    if k <= 0:
        return None
    return sum(1 for key in ranked[:k] if key in positives) / k


def hard_negatives_in_top_k(ranked: Sequence[str], hard_negatives: set[str], k: int) -> int:
    return sum(1 for key in ranked[:max(k, 0)] if key in hard_negatives)


def roc_auc(scores: Mapping[str, float | None], positives: set[str]) -> float | None:
    """Probability that a random positive outscores a random negative (ties count half)."""
    from scipy.stats import rankdata

    keys = list(scores)
    pos = np.array([k in positives for k in keys])
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata([scores[k] or 0.0 for k in keys])
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_recall_at(scores: Mapping[str, float | None], positives: set[str], threshold: float
                        ) -> tuple[float | None, float | None]:
    """Of the keys scoring at least ``threshold`` (a missing score counts as 0), the share
    in ``positives`` (None when none does), and the share of ``positives`` that do."""
    flagged = {k for k, v in scores.items() if (v or 0.0) >= threshold}
    hits = len(flagged & positives)
    return (hits / len(flagged) if flagged else None, hits / len(positives) if positives else None)


def link_precision_recall(output: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]
                          ) -> tuple[float | None, float | None]:
    """Over (successor, predecessor) pairs: precision is None when nothing was output."""
    out, true = set(output), set(truth)
    hits = len(out & true)
    return (hits / len(out) if out else None, hits / len(true) if true else None)


def mean_reciprocal_rank(candidates: Mapping[str, Mapping[str, int]], truth: Mapping[str, str]
                         ) -> float | None:
    """``candidates``: successor -> {predecessor: rank (1 = best)}; ``truth``: successor ->
    true predecessor. A successor whose true predecessor is not a candidate scores 0."""
    if not truth:
        return None
    total = 0.0
    for succ, pred in truth.items():
        rank = candidates.get(succ, {}).get(pred)
        total += 1.0 / rank if rank else 0.0
    return total / len(truth)


def posts_before(post_times: Sequence[datetime], moment: datetime) -> int:
    """How many posts were made strictly before ``moment``."""
    return sum(1 for t in post_times if t < moment)


def median_or_none(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


# -- running the pipeline on a world --------------------------------------------------------

@dataclass
class EvalResult:
    metrics: dict = field(default_factory=lambda: dict.fromkeys(METRICS))
    timings: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)  # naive policy-hashtag ranking (human output only)

    def as_json(self) -> dict:
        return {k: self.metrics[k] for k in METRICS}


def load_truth(world_dir) -> dict:
    path = Path(world_dir) / "truth.json"
    if not path.is_file():
        raise ConfigError(f"{world_dir} is not a world directory (no truth.json)")
    return orjson.loads(path.read_bytes())


def seed_accounts(truth: dict, fraction: float) -> list[str]:
    """A deterministic ``fraction`` of the movement's original accounts."""
    originals = sorted(k for k, a in truth["accounts"].items() if a["movement"] and a["original"])
    k = max(1, int(round(len(originals) * fraction))) if fraction > 0 else 0
    return sorted(random.Random(truth["seed"] * 7 + 1).sample(originals, min(k, len(originals))))


def write_seed_list(truth: dict, keys: Sequence[str], path: Path) -> None:
    lines = ["# hydrawatch eval: verified seeds"]
    for key in keys:
        platform, account_id = key.split(":", 1)
        if platform == "x":
            lines.append(f"x:id:{account_id}")
        else:
            lines.append("@" + truth["accounts"][key]["handle"])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_pipeline(store, world_dir, truth: dict, seeds: Sequence[str], *, progress: bool = False) -> dict:
    """Ingest, policy, seed list, link, score. Returns each stage's time in seconds."""
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.linking.pipeline import link_store
    from hydrawatch.scoring.pipeline import score_store
    from hydrawatch.scoring.policy import load_policy
    from hydrawatch.sim import data_files
    from hydrawatch.verification.lists import import_list

    world = Path(world_dir)
    timings: dict[str, float] = {}

    def timed(name: str, run) -> None:
        t0 = time.perf_counter()
        run()
        timings[name] = time.perf_counter() - t0

    def seed_list() -> None:
        path = Path(tmp) / "eval-seeds.txt"
        write_seed_list(truth, seeds, path)
        import_list(store, path, org=SEED_ORG, name="eval-seeds", verified=True,
                    by_user=pipeline_admin(store))

    with tempfile.TemporaryDirectory() as tmp:
        timed("ingest", lambda: ingest_paths(store, data_files(world), progress=progress))
        timed("policy", lambda: (world / "policy.json").is_file()
              and load_policy(store, world / "policy.json"))
        timed("seeds", seed_list)
        # Linking runs before scoring so that successors of verified accounts inherit their
        # standing (the score's re-entry signal reads the links).
        timed("link", lambda: link_store(store, progress=progress))
        timed("score", lambda: score_store(store, progress=progress))
    return timings


def measure(store, truth: dict, seeds: Sequence[str], *, scored: bool = True,
            linked: bool = True) -> dict:
    """The metrics (METRICS), read from the store and compared with the truth."""
    from sqlalchemy import select

    from hydrawatch.store.schema import Account, Link, Post
    from hydrawatch.timeutil import as_utc

    metrics = dict.fromkeys(METRICS)
    accounts = truth["accounts"]
    seed_set = set(seeds)
    with store.session(readonly=True) as db:
        stored = {f"{p}:{a}": s for p, a, s in db.execute(select(Account.platform, Account.account_id,
                                                                 Account.score))}
    if scored:
        scores = {k: s for k, s in stored.items() if k not in seed_set and k in accounts}
        positives = {k for k in scores if accounts[k]["movement"]}
        hard = {k for k in scores if accounts[k]["hard_negative"]}
        ranked = rank_accounts(scores)
        k = len(positives)
        metrics["p_at_k"] = precision_at_k(ranked, positives, k)
        metrics["hard_negatives_top_k"] = hard_negatives_in_top_k(ranked, hard, k)
        metrics["auc"] = roc_auc(scores, positives)
        metrics["score_precision"], metrics["score_recall"] = precision_recall_at(
            scores, positives, SCORE_THRESHOLD)
    if linked:
        from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD as threshold

        true_pairs = {s["successor"]: s["predecessor"] for s in truth["successions"]
                      if s["successor"] in stored}
        with store.session(readonly=True) as db:
            links = db.execute(select(Link.platform, Link.successor_id, Link.predecessor_id, Link.confidence,
                                      Link.rank, Link.linkable_at)).all()
        from hydrawatch.linking.queue import thresholds

        suggest = thresholds()[0]
        output, candidates, linkable, queued = set(), {}, {}, set()
        for platform, succ, pred, conf, rank, at in links:
            s_key, p_key = f"{platform}:{succ}", f"{platform}:{pred}"
            candidates.setdefault(s_key, {})[p_key] = rank or 1
            if conf is not None and (rank or 1) == 1 and conf >= suggest and true_pairs.get(s_key) == p_key:
                queued.add(s_key)
            if conf is not None and conf >= threshold:
                output.add((s_key, p_key))
                if true_pairs.get(s_key) == p_key and at is not None:
                    linkable[s_key] = as_utc(at)
        metrics["link_precision"], metrics["link_recall"] = link_precision_recall(output, true_pairs.items())
        metrics["link_recall_queue"] = len(queued) / len(true_pairs) if true_pairs else 1.0
        metrics["link_mrr"] = mean_reciprocal_rank(candidates, true_pairs)
        counts = []
        with store.session(readonly=True) as db:
            for s_key, moment in sorted(linkable.items()):
                platform, account_id = s_key.split(":", 1)
                times = db.scalars(select(Post.created_at).where(Post.platform == platform,
                                                                 Post.account_id == account_id)).all()
                counts.append(posts_before([as_utc(t) for t in times if t is not None], moment))
        metrics["posts_to_flag_median"] = median_or_none(counts)
    return metrics


def hashtag_baseline(store, truth: dict, seeds: Sequence[str], policy_tags: Iterable[str]) -> dict:
    """The 2015-style list: rank accounts by how many of their posts carry a policy hashtag,
    matched exactly (case-insensitive, no other normalisation). Same K, same exclusions as
    ``p_at_k``; accounts that never used a tag rank last."""
    from sqlalchemy import select

    from hydrawatch.store.schema import Account, Post

    tags = {t.lower() for t in policy_tags}
    accounts = truth["accounts"]
    seed_set = set(seeds)
    counts: dict[str, float] = {}
    with store.session(readonly=True) as db:
        for platform, account_id in db.execute(select(Account.platform, Account.account_id)):
            counts[f"{platform}:{account_id}"] = 0.0
        for platform, account_id, hashtags in db.execute(
                select(Post.platform, Post.account_id, Post.hashtags).where(Post.hashtags.is_not(None))):
            if any(isinstance(h, str) and h.lower().lstrip("#") in tags for h in hashtags or ()):
                key = f"{platform}:{account_id}"
                counts[key] = counts.get(key, 0.0) + 1.0
    scores = {k: v for k, v in counts.items() if k not in seed_set and k in accounts}
    positives = {k for k in scores if accounts[k]["movement"]}
    hard = {k for k in scores if accounts[k]["hard_negative"]}
    ranked = rank_accounts(scores)
    k = len(positives)
    return {"p_at_k": precision_at_k(ranked, positives, k), "hard_negatives_top_k": hard_negatives_in_top_k(ranked, hard, k),
            "flagged": sum(1 for v in scores.values() if v > 0),
            "flagged_movement": sum(1 for key, v in scores.items() if v > 0 and key in positives)}


def evaluate_world(world_dir, *, seeds_fraction: float = 0.25, db_url: str | None = None,
                   progress: bool = False) -> EvalResult:
    """Run the pipeline on ``world_dir`` in a fresh temporary SQLite store (or ``db_url``,
    which should be empty) and measure it."""
    from hydrawatch.store import open_store

    if not 0 <= seeds_fraction <= 1:
        raise ConfigError("--seeds-fraction must be between 0 and 1")
    truth = load_truth(world_dir)
    seeds = seed_accounts(truth, seeds_fraction)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(db_url or f"sqlite:///{tmp}/eval.db")
        try:
            timings = run_pipeline(store, world_dir, truth, seeds, progress=progress)
            t0 = time.perf_counter()
            metrics = measure(store, truth, seeds)
            timings["measure"] = time.perf_counter() - t0
            baseline = {}
            policy_path = Path(world_dir) / "policy.json"
            if policy_path.is_file():
                tags = orjson.loads(policy_path.read_bytes()).get("hashtags", [])
                baseline = hashtag_baseline(store, truth, seeds, tags)
        finally:
            store.dispose()
    counts = {"accounts": len(truth["accounts"]), "seeds": len(seeds),
              "movement": sum(a["movement"] for a in truth["accounts"].values()),
              "successions": len(truth["successions"])}
    return EvalResult(metrics, timings, counts, baseline)
