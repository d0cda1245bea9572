"""Dawid–Skene reviewer reliability."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from hydrawatch.verification.reliability import dawid_skene, update_reliability
from hydrawatch.verification.review import cast_vote, set_known_answer
from hydrawatch.store.schema import Evidence, User

from review_world import world


def test_careless_reviewers_score_lower():
    rng = np.random.default_rng(0)
    n_cases, n_rev = 300, 8
    truth = rng.random(n_cases) < 0.4
    accuracy = np.array([0.95, 0.9, 0.9, 0.85, 0.5, 0.5, 0.55, 0.92])
    cases, revs, labels = [], [], []
    for c in range(n_cases):
        for r in rng.choice(n_rev, size=3, replace=False):
            correct = rng.random() < accuracy[r]
            cases.append(c)
            revs.append(r)
            labels.append(int(truth[c] if correct else not truth[c]))
    known = np.full(n_cases, -1)
    known[:30] = truth[:30]
    fit = dawid_skene(np.array(cases), np.array(revs), np.array(labels), n_cases=n_cases,
                      n_reviewers=n_rev, known=known)
    assert np.abs(fit.reliability - accuracy).max() < 0.12
    careless = fit.reliability[[4, 5, 6]]
    careful = fit.reliability[[0, 1, 2, 3, 7]]
    assert careless.max() < careful.min()
    assert ((fit.posterior > 0.5) == truth).mean() > 0.9


def test_update_reliability_uses_known_answers(store):
    cases = world(store, accounts=4)
    with store.session() as db:
        ev = {c: [db.scalar(select(Evidence.id).where(Evidence.case_id == c,
                                                      Evidence.kind == "post").limit(1))]
              for c in cases}
    for c in cases:
        set_known_answer(store, c, "reject", by_user="root")
        cast_vote(store, c, by_user="bob", verdict="reject")
        cast_vote(store, c, by_user="carol", verdict="confirm", category="propaganda",
                  evidence_ids=ev[c])
    fits = update_reliability(store)
    assert fits["bob"]["reliability"] > fits["carol"]["reliability"]
    assert fits["bob"]["known_answer_votes"] == 4
    with store.session() as db:
        rel = {u.name: u.reliability for u in db.scalars(select(User))}
    assert rel["bob"] == fits["bob"]["reliability"] and rel["alice"] is None
