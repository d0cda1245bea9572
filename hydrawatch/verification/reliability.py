"""Reviewer reliability, Dawid–Skene style.

Each reviewer has a 2x2 confusion matrix (true class target / not-target x vote confirm /
reject); each case a posterior over its true class. EM alternates between the two,
starting from the majority vote; known-answer cases (``cases.known_answer``) are clamped to
their answer, which anchors the scale, and agreement with other reviewers does the rest.
``unsure`` votes carry no information and are left out. A reviewer's reliability is their
expected accuracy: sum over classes of prior x P(correct vote | class).

Columnar: votes are three numpy arrays (case index, reviewer index, label), so a pass is
a few ``np.add.at`` calls, never a loop over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Case, Review, User

PRIOR_CORRECT = 2.0  # Dirichlet pseudo-counts: a mild prior that reviewers beat chance
PRIOR_WRONG = 1.0


@dataclass
class ReliabilityFit:
    reliability: np.ndarray  # per reviewer, expected accuracy in [0, 1]
    confusion: np.ndarray  # [reviewer, true class, vote]; class/vote 1 = target / confirm
    posterior: np.ndarray  # [case] P(target)
    votes: np.ndarray  # per reviewer, informative votes counted
    iterations: int


def dawid_skene(case_idx: np.ndarray, reviewer_idx: np.ndarray, label: np.ndarray, *,
                n_cases: int, n_reviewers: int, known: np.ndarray | None = None,
                max_iter: int = 100, tol: float = 1e-6) -> ReliabilityFit:
    """Fit on votes ``label`` (1 confirm, 0 reject) by ``reviewer_idx`` on ``case_idx``.
    ``known``: per case 1 / 0 for a known answer, -1 for unknown."""
    case_idx = np.asarray(case_idx, dtype=np.int64)
    reviewer_idx = np.asarray(reviewer_idx, dtype=np.int64)
    label = np.asarray(label, dtype=np.int64)
    known = np.full(n_cases, -1) if known is None else np.asarray(known)
    clamp = known >= 0

    # Start from the (smoothed) share of confirm votes.
    pos = np.zeros(n_cases)
    tot = np.zeros(n_cases)
    np.add.at(pos, case_idx, label)
    np.add.at(tot, case_idx, 1.0)
    post = (pos + 0.5) / (tot + 1.0)
    post[clamp] = known[clamp]

    conf = np.empty((n_reviewers, 2, 2))
    it = 0
    for it in range(1, max_iter + 1):
        # M-step: confusion matrices and the class prior.
        t = np.stack([1.0 - post, post], axis=1)  # [case, class]
        counts = np.zeros((n_reviewers, 2, 2))
        for cls in (0, 1):
            np.add.at(counts[:, cls, :], (reviewer_idx, label), t[case_idx, cls])
        prior_counts = np.full((2, 2), PRIOR_WRONG) + np.eye(2) * (PRIOR_CORRECT - PRIOR_WRONG)
        conf = counts + prior_counts
        conf /= conf.sum(axis=2, keepdims=True)
        prior = np.clip(post.mean() if n_cases else 0.5, 0.01, 0.99)
        # E-step: case posteriors.
        logp = np.zeros((n_cases, 2))
        logp[:, 0] = np.log(1.0 - prior)
        logp[:, 1] = np.log(prior)
        lc = np.log(conf)
        for cls in (0, 1):
            np.add.at(logp[:, cls], case_idx, lc[reviewer_idx, cls, label])
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        new = p[:, 1] / p.sum(axis=1)
        new[clamp] = known[clamp]
        delta = float(np.abs(new - post).max()) if n_cases else 0.0
        post = new
        if delta < tol:
            break
    prior = float(np.clip(post.mean() if n_cases else 0.5, 0.01, 0.99))
    reliability = (1.0 - prior) * conf[:, 0, 0] + prior * conf[:, 1, 1]
    nvotes = np.bincount(reviewer_idx, minlength=n_reviewers)
    return ReliabilityFit(reliability, conf, post, nvotes, it)


def update_reliability(db_or_store, *, actor: str = "system") -> dict[str, dict]:
    """Fit reliability on every confirm/reject vote in the store, write it to
    ``users.reliability`` (reviewers with no informative vote get NULL: the rule's
    default) and return {user name: {reliability, votes, known_answer_votes,
    sensitivity, specificity}}."""
    with transaction(db_or_store) as db:
        rows = db.execute(select(Review.case_id, Review.user_id, Review.verdict, Case.known_answer)
                          .join(Case, Case.id == Review.case_id)
                          .where(Review.verdict.in_(("confirm", "reject")))).all()
        users = {u.id: u for u in db.scalars(select(User))}
        case_ids = sorted({r.case_id for r in rows})
        user_ids = sorted({r.user_id for r in rows})
        ci = {c: i for i, c in enumerate(case_ids)}
        ui = {u: i for i, u in enumerate(user_ids)}
        known = np.full(len(case_ids), -1)
        for r in rows:
            if r.known_answer in ("confirm", "reject"):
                known[ci[r.case_id]] = 1 if r.known_answer == "confirm" else 0
        out: dict[str, dict] = {}
        if rows:
            fit = dawid_skene(np.array([ci[r.case_id] for r in rows]),
                              np.array([ui[r.user_id] for r in rows]),
                              np.array([1 if r.verdict == "confirm" else 0 for r in rows]),
                              n_cases=len(case_ids), n_reviewers=len(user_ids), known=known)
            ka = np.zeros(len(user_ids), dtype=int)
            for r in rows:
                if r.known_answer in ("confirm", "reject"):
                    ka[ui[r.user_id]] += 1
            for uid, i in ui.items():
                users[uid].reliability = round(float(fit.reliability[i]), 4)
                out[users[uid].name] = {
                    "reliability": users[uid].reliability, "votes": int(fit.votes[i]),
                    "known_answer_votes": int(ka[i]),
                    "sensitivity": round(float(fit.confusion[i, 1, 1]), 4),
                    "specificity": round(float(fit.confusion[i, 0, 0]), 4)}
        for uid, user in users.items():
            if uid not in ui:
                user.reliability = None
        db.flush()
        audit.record(db, actor, "reliability.update", "users", None,
                     {"reviewers": len(out), "votes": len(rows),
                      "known_answer_cases": int((known >= 0).sum())})
        return out
