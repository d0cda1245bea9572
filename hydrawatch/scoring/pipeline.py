"""Discovery: score every account (0..1) with human-readable reasons.

``score_store(store)`` reads the store in columns, computes the signals
(:mod:`hydrawatch.scoring`: content, stance, network, media, re-entry), combines them
(:mod:`hydrawatch.scoring.combine`) and writes ``accounts.score``, ``score_reasons`` and
``scored_at`` for every account with at least one post or edge, plus the per-signal values
to ``score_signals`` for ``hydrawatch explain``.

Seeds are accounts whose case is verified (or reported, removed, active): they score 1.
Everything that learns from them (the text model, the network features, the combiner) is
cross-fitted over account folds, so no account's own label leaks into its features.
The result is deterministic for a given store.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, insert, select, update

from hydrawatch.verification.states import VERIFIED_STATES
from hydrawatch.errors import NotFound
from hydrawatch.scoring.policy import current_policy
from hydrawatch.perfutil import frozen_gc
from hydrawatch.scoring import combine, content, data, media, network, reasons
from hydrawatch.scoring.textpass import TextPass
from hydrawatch.store import schema as s
from hydrawatch.timeutil import iso, utcnow

FOLDS = 5
POST_BATCH = 20000  # posts per batch: memory is bounded by one batch plus fixed tables


@dataclass
class ScoreSummary:
    accounts_scored: int = 0
    seeds: int = 0
    posts: int = 0
    edges: int = 0
    policy_packs: int = 0
    mode: str = "policy-only"          # "learned" when the combiner was fitted on seeds
    text_model: bool = False
    inherited: int = 0
    coefficients: dict[str, float] = field(default_factory=dict)  # the combiner's, per feature
    # the store calibration (combine.Calibration.as_dict()); empty when not fitted
    calibration: dict = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _link_threshold() -> float:
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD

    return float(DEFAULT_THRESHOLD)


class _Clock:
    def __init__(self, progress: bool):
        self.progress = progress
        self.t = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str, note: str = "") -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.t, 3)
        self.t = now
        if self.progress:
            print(f"score: {stage} {self.seconds[stage]:.2f}s {note}", file=sys.stderr)


def read_posts(db, accounts, matcher, text, batch_size: int | None = None,
               part: tuple[int, int] | None = None) -> content.ContentCounts:
    """Content counters and pass 1 of the text model, batch by batch (bounded memory):
    over every post, or over one partition's (``part``; hydrawatch/cluster/score.py)."""
    counts = content.ContentCounts(n=len(accounts), n_tags=len(matcher.tags),
                                   n_phrases=len(matcher.phrases))
    for batch in data.iter_posts(db, accounts, batch_size or POST_BATCH, part=part):
        analysis = content.analyse_posts(batch, matcher)
        counts.add(analysis)
        text.add(content.char_ngrams(analysis.norm), analysis.account)
    return counts


def _posts_pass(db, accounts, matcher, seeds, active, fold):
    """Both passes over the posts in this process: (content counters, (text logit, dose,
    has model), posts read)."""
    text = TextPass(seeds, active & ~seeds, fold, FOLDS, len(accounts))
    try:
        counts = read_posts(db, accounts, matcher, text)
    except BaseException:
        text.close()
        raise
    return counts, text.signal, text.seen


def _calibrate(values, seeds, active):
    """Platt scaling of a one-dimensional score against the seeds, for display ("writes
    like verified accounts (0.93)"): balanced classes, so 0.5 is the crossing point."""
    from sklearn.linear_model import LogisticRegression

    rows = np.flatnonzero(active)
    if seeds[rows].sum() < 2 or (~seeds[rows]).sum() < 2:
        return np.zeros(len(values))
    model = LogisticRegression(class_weight="balanced").fit(values[rows, None], seeds[rows])
    return model.predict_proba(values[:, None])[:, 1]


def _network_signals(edges, seeds, fold, n, active):
    """PPR and seed-interaction counts; a seed's own values come from the other folds'
    seeds (rescaled to the full seed count) so it is never its own evidence."""
    P = network.walk_matrix(edges, n)
    restart = np.zeros((n, FOLDS + 1))
    restart[seeds, 0] = 1
    for f in range(FOLDS):
        restart[seeds & (fold != f), f + 1] = 1
    ppr = network.personalised_pagerank(P, restart)
    n_active = max(int(active.sum()), 1)
    own_col = np.where(seeds, fold + 1, 0)
    feature = ppr[np.arange(n), own_col] * n_active
    full = network.seed_interactions(edges, seeds, n)
    full.update(network.from_seeds(edges, seeds, n))
    feat = {k: v.astype(float) for k, v in full.items()}
    n_seeds = max(int(seeds.sum()), 1)
    for f in range(FOLDS):
        others = seeds & (fold != f)
        if not others.any():
            continue
        part = network.seed_interactions(edges, others, n)
        part.update(network.from_seeds(edges, others, n))
        rows = seeds & (fold == f)
        for k in feat:
            feat[k][rows] = part[k][rows] * n_seeds / others.sum()
    return {
        "network": ppr[:, 0] * n_active, "network_feature": feature,
        "seed_reshares": full["reshares"],
        "seed_engagement": full["replies"] + full["mentions"] + full["quotes"],
        "seed_follows": full["follows"],
        "seed_reshares_feature": feat["reshares"],
        "seed_engagement_feature": feat["replies"] + feat["mentions"] + feat["quotes"],
        "seed_follows_feature": feat["follows"],
        "seed_amplified": full["amplified_by"], "seed_amplified_feature": feat["amplified_by"],
        "seed_followers": full["followed_by"], "seed_mutual": full["mutual_follows"],
        "seed_mutual_feature": feat["mutual_follows"],
    }


def _inherit(links, seeds, status, n):
    """(successor -> (predecessor index, confidence)) for successors of verified accounts,
    following chains (a successor of a successor inherits too)."""
    standing = seeds.astype(float)
    source: dict[int, tuple[int, float]] = {}
    for _ in range(5):
        changed = False
        for succ, pred, conf in zip(links.successor, links.predecessor, links.confidence):
            if succ < 0 or pred < 0 or standing[pred] <= 0:
                continue
            value = float(conf) * standing[pred]
            if value > standing[succ] and not seeds[succ]:
                standing[succ] = value
                source[int(succ)] = (int(pred), float(conf))
                changed = True
        if not changed:
            break
    return standing, source


def score_store(store, *, progress: bool = False, random_state: int = 0,
                only=None, client=None, partitions: int | None = None) -> ScoreSummary:
    """Score every account with at least one post or edge and store score and reasons.
    ``only`` (a set of (platform, account_id)) writes the scores of those accounts alone,
    e.g. the new accounts of a crawl; every account is still read, as their context.
    ``client`` (a ``distributed.Client``, hydrawatch/cluster/score.py): read and score the posts
    on its workers, ``partitions`` partitions of the accounts (default: one per worker)."""
    with frozen_gc():
        return _score_store(store, progress, random_state, only, client, partitions)


def _score_store(store, progress: bool, random_state: int, only=None, client=None,
                 partitions: int | None = None) -> ScoreSummary:
    clock = _Clock(progress)
    policy = current_policy(store)
    matcher = content.PolicyMatcher(policy)
    with store.session() as db:
        accounts = data.load_accounts(db)
        n = len(accounts)
        seeds, rejected = data.load_case_states(db, accounts)
        edges = data.load_edges(db, accounts)
        media_acc, media_pdq = data.load_media(db, accounts)
        links = data.load_links(db, accounts, _link_threshold())
        bank_best, bank_names = data.load_bank_matches(db)
        clock.lap("load", f"({n} accounts, {len(edges.src)} edge groups)")
        active = accounts.active.copy()
        seeds = seeds & active
        rng = np.random.default_rng(random_state)
        fold = rng.integers(0, FOLDS, size=n)
        if client is None:
            counts, text_signal, seen = _posts_pass(db, accounts, matcher, seeds, active, fold)
        else:
            from hydrawatch.cluster import LAST_RUN
            from hydrawatch.cluster.score import score_posts

            mark = len(LAST_RUN)
            counts, text_signal, seen = score_posts(client, store.url, accounts, matcher, seeds,
                                                    active, fold, partitions=partitions,
                                                    batch_size=POST_BATCH)
            for r in LAST_RUN[mark:] if progress else ():
                print(f"score: partition {r['part']}: {r['accounts']} accounts, {r['posts']} posts, "
                      f"pass 1 {r['pass1_s']:.2f}s ({r['pass1_cpu']:.2f}s CPU), "
                      f"pass 2 {r['pass2_s']:.2f}s ({r['pass2_cpu']:.2f}s CPU)", file=sys.stderr)
        clock.lap("posts", f"({seen} posts)")

    sig: dict[str, np.ndarray] = {k: v.astype(float) for k, v in counts.counts.items()}
    tag_acc, tag_id = counts.distinct("tags")
    phrase_acc, phrase_id = counts.distinct("phrases")
    sig["distinct_tags"] = np.bincount(tag_acc, minlength=n).astype(float)
    sig["distinct_phrases"] = np.bincount(phrase_acc, minlength=n).astype(float)

    negatives = active & ~seeds
    sig["endorse_days"] = counts.endorse_days()
    sig["text_logit"], sig["text_dose"], has_text_model = text_signal()
    sig["text_prob"] = _calibrate(sig["text_logit"], seeds, active) if has_text_model else np.zeros(n)
    clock.lap("text model")
    sig.update(_network_signals(edges, seeds, fold, n, active))
    clock.lap("network")
    sig.update(media.media_signals(list(policy.pdq), accounts.avatar_pdq, media_acc, media_pdq, n,
                                   bank_best))
    banks_of = data.banks_by_account(accounts.avatar_pdq, media_acc, media_pdq, bank_names)
    clock.lap("media")

    sig["counter_stance"] = combine.counter_stance(sig)
    F = combine.feature_matrix(sig)
    rows = np.flatnonzero(active)
    weight = np.where(rejected[rows], 3.0, 1.0)
    comb = combine.fit_combiner(F[rows], seeds[rows].astype(float), weight) if len(rows) else None
    if comb is not None:
        # A logo avatar is self-identification, which the operator put in the pack: it
        # stands as evidence of its own even for a near-silent account.
        # The account's stance gates the learned part: an account whose posts mostly speak
        # against the movement or report on it is not a member however close it stands.
        learned = combine.learned_scores(comb, F) * (1 - sig["counter_stance"])
        avatar = combine.avatar_evidence(sig, policy.weights)
        score = 1 - (1 - learned) * (1 - avatar)
        # Calibrated to this store: the score's log-odds mapped to P(member) by a mixture
        # fitted on the store's own accounts (combine.calibrate_to_store); a strictly
        # increasing map, so the order stays the model's.
        calibration = combine.calibrate_to_store(combine.log_odds(score[rows]), seeds[rows],
                                                 rejected[rows])
        if calibration is not None:
            score = calibration.apply(score)
        contrib = comb.contributions(F)
        # what `hydrawatch explain` needs to redo the arithmetic (scoring/explain.py)
        parts = {"label_frequency": comb.label_frequency, "avatar_evidence": avatar,
                 "counter_stance": sig["counter_stance"], "prior_shift": 1.0}
        if calibration is not None:
            parts["calibration_slope"] = calibration.slope
            parts["calibration_intercept"] = calibration.intercept
    else:
        score = combine.policy_only_scores(sig, policy.weights)
        contrib = None
        calibration = None
        parts = dict(zip(("p_text", "p_avatar", "p_media"),
                         combine.policy_only_parts(sig, policy.weights)))
    standing, inherited = _inherit(links, seeds, accounts.status, n)
    parts["standing"] = standing
    parts["features"] = F
    score = np.maximum(score, standing)
    score[seeds] = 1.0
    clock.lap("combine")

    written = rows
    if only is not None:
        keep = {(p, a) for p, a in only}
        written = np.array([i for i in rows.tolist()
                            if (accounts.platform[i], accounts.account_id[i]) in keep], dtype=np.int64)
    summary = ScoreSummary(accounts_scored=len(written), seeds=int(seeds.sum()), posts=seen,
                           edges=int(edges.count.sum()), policy_packs=len(policy.packs),
                           mode=comb.mode if comb else "policy-only", text_model=has_text_model,
                           inherited=len(inherited),
                           coefficients={k: round(v, 3) for k, v in (comb.coef if comb else {}).items()},
                           calibration=calibration.as_dict() if calibration is not None else {})
    _write(store, accounts, rows, sig, score, contrib, comb, seeds, inherited, policy, matcher,
           (tag_acc, tag_id), (phrase_acc, phrase_id), banks_of, parts,
           written=written if only is not None else None)
    clock.lap("write")
    summary.seconds = clock.seconds
    return summary


def _write(store, accounts, rows, sig, score, contrib, comb, seeds, inherited, policy, matcher,
           tag_pairs, phrase_pairs, banks_of=None, parts=None, written=None) -> None:
    banks_of = banks_of or {}
    tags_of = reasons.group_by_account(*tag_pairs, [t for _, t in matcher.tags])
    phrases_of = reasons.group_by_account(*phrase_pairs, [p for _, p in matcher.phrases])
    net = sig["network"][rows]
    pct = np.zeros(len(accounts))
    if len(rows):
        pct[rows] = 100.0 * np.argsort(np.argsort(net, kind="stable"), kind="stable") / max(len(rows) - 1, 1)
    now = utcnow()
    score_updates, signal_rows = [], []
    keys = [k for k in sig]
    partial = written is not None
    for i in (written if partial else rows).tolist():
        c = dict(zip(combine.FEATURES, contrib[i].tolist())) if contrib is not None else None
        inh = None
        if i in inherited:
            pred, conf = inherited[i]
            inh = (accounts.label(pred), conf, accounts.status[pred] == "suspended")
        why = reasons.account_reasons(i, sig, c, tags_of.get(i, []), phrases_of.get(i, []),
                                      bool(seeds[i]), inh, float(pct[i]), banks_of.get(i))
        value = round(float(score[i]), 6)
        score_updates.append({"id": int(accounts.row_id[i]), "score": value,
                              "score_reasons": why, "scored_at": now})
        values = {k: round(float(sig[k][i]), 4) for k in keys}
        values["network_percentile"] = round(float(pct[i]), 2)
        signal_rows.append({
            "platform": accounts.platform[i], "account_id": accounts.account_id[i],
            "scored_at": now,
            "signals": {"score": value, "mode": comb.mode if comb else "policy-only",
                        "verified": bool(seeds[i]), "values": values,
                        "contributions": c,  # unrounded: explain adds them up exactly
                        "combine": _parts_of(parts or {}, i),
                        "intercept": comb.intercept if comb else None,
                        "tags": tags_of.get(i, []), "phrases": phrases_of.get(i, []),
                        **({"hash_banks": banks_of[i]} if i in banks_of else {}),
                        "predecessor": (accounts.label(inherited[i][0]) if i in inherited else None),
                        "reasons": why}})
    with store.session() as db:
        for start in range(0, len(score_updates), 5000):
            db.execute(update(s.Account), score_updates[start:start + 5000])
        if partial:  # only these accounts' rows are replaced
            for r in signal_rows:
                db.execute(delete(s.ScoreSignal).where(s.ScoreSignal.platform == r["platform"],
                                                       s.ScoreSignal.account_id == r["account_id"]))
        else:
            db.execute(delete(s.ScoreSignal))
        for start in range(0, len(signal_rows), 5000):
            db.execute(insert(s.ScoreSignal), signal_rows[start:start + 5000])


def _parts_of(parts: dict, i: int) -> dict:
    """Account ``i``'s share of the combination step (see ``scoring/explain.py``)."""
    out = {}
    for key, value in parts.items():
        if key == "features":
            out[key] = dict(zip(combine.FEATURES, value[i].tolist()))
        else:
            out[key] = float(value[i]) if isinstance(value, np.ndarray) else float(value)
    return out


# -- reading scores back ------------------------------------------------------------------

def ranked_accounts(store, *, limit: int | None = None, min_score: float | None = None) -> list[dict]:
    """Scored accounts, best first: {platform, id, handle, score, verified, reasons}."""
    A = s.Account
    with store.session() as db:
        verified = set(db.execute(select(s.Case.platform, s.Case.account_id)
                                  .where(s.Case.state.in_(VERIFIED_STATES))).all())
        stmt = (select(A.platform, A.account_id, A.handle, A.score, A.score_reasons)
                .where(A.score.is_not(None)).order_by(A.score.desc(), A.platform, A.account_id))
        if min_score is not None:
            stmt = stmt.where(A.score >= min_score)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [{"platform": p, "id": i, "handle": h, "score": float(sc),
                 "verified": (p, i) in verified, "reasons": list(r or [])}
                for p, i, h, sc, r in db.execute(stmt).all()]


def explain_account(store, platform: str, account_id: str) -> dict:
    """One account's score, reasons and per-signal values. ``account_id`` may also be a
    handle (with or without @)."""
    A = s.Account
    with store.session() as db:
        acc = db.scalars(select(A).where(A.platform == platform, A.account_id == account_id)).first()
        if acc is None:
            handle = account_id.lstrip("@").lower()
            acc = db.scalars(select(A).where(A.platform == platform, A.handle_norm == handle)).first()
        if acc is None:
            raise NotFound(f"no account {platform}:{account_id} in the store")
        row = db.scalars(select(s.ScoreSignal).where(s.ScoreSignal.platform == acc.platform,
                                                     s.ScoreSignal.account_id == acc.account_id)).first()
        case = db.scalars(select(s.Case).where(s.Case.platform == acc.platform,
                                               s.Case.account_id == acc.account_id)).first()
        return {"platform": acc.platform, "id": acc.account_id, "handle": acc.handle,
                "score": acc.score, "verified": bool(case and case.state in VERIFIED_STATES),
                "case_state": case.state if case else None,
                "reasons": list(acc.score_reasons or []), "scored_at": iso(acc.scored_at),
                "signals": row.signals if row else None}
