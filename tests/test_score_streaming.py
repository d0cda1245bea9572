"""Scoring in bounded memory gives the same scores: the streamed text model equals the one
fitted on every post stacked, and the stored scores do not depend on the batch size."""

import json

import numpy as np
from scipy import sparse
from sqlalchemy import select

from hydrawatch.scoring import pipeline as score_mod
from hydrawatch.scoring.policy import load_policy
from hydrawatch.scoring import content
from hydrawatch.scoring.textpass import TextPass
from hydrawatch.store import schema as s
from tests.scoring_world import POLICY, build_world


def _stored(store):
    with store.session() as db:
        scores = db.execute(select(s.Account.account_id, s.Account.score, s.Account.score_reasons)
                            .order_by(s.Account.account_id)).all()
        signals = db.execute(select(s.ScoreSignal.account_id, s.ScoreSignal.signals)
                             .order_by(s.ScoreSignal.account_id)).all()
    return [tuple(r) for r in scores], [(a, {k: v for k, v in sig.items()}) for a, sig in signals]


def test_streamed_text_model_equals_the_stacked_fit():
    rng = np.random.default_rng(0)
    words = ["ember", "dawn", "rise", "morning", "friends", "match", "goal", "news", "الفجر", "صباح"]
    texts = [" ".join(rng.choice(words, 6)) for _ in range(300)]
    owner = rng.integers(-1, 40, 300)
    positive = np.arange(40) < 12
    negative = ~positive
    fold = rng.integers(0, 5, 40)
    tp = TextPass(positive, negative, fold, 5, 40)
    Xs = []
    for start in range(0, 300, 37):
        X = content.char_ngrams(texts[start:start + 37])
        Xs.append(X)
        tp.add(X, owner[start:start + 37])
    X = sparse.vstack(Xs).tocsr()
    keep = owner >= 0
    ref = content.fit_text_model(X[keep], owner[keep], positive, negative, fold, 5)
    assert np.array_equal(tp.model().ratios, ref.ratios)
    logits = ref.post_logits(X[keep], fold[owner[keep]])
    o = owner[keep]
    posts = np.bincount(o, minlength=40)
    mean = np.divide(np.bincount(o, weights=logits, minlength=40), posts, out=np.zeros(40), where=posts > 0)
    dose = np.bincount(o, weights=np.maximum(logits, 0), minlength=40)
    got_mean, got_dose, ok = tp.signal()
    assert ok and np.array_equal(got_mean, mean) and np.array_equal(got_dose, dose)


def test_scores_do_not_depend_on_the_batch_size(store, tmp_path, monkeypatch):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    build_world(store, seed=3)
    load_policy(store, path)
    one = score_mod.score_store(store)
    first = _stored(store)
    monkeypatch.setattr(score_mod, "POST_BATCH", 13)
    many = score_mod.score_store(store)
    assert one.text_model and one.posts == many.posts > 13 * 5
    second = _stored(store)
    assert first[0] == second[0]
    assert [(a, {k: v for k, v in sig.items() if k != "scored_at"}) for a, sig in first[1]] == \
        [(a, {k: v for k, v in sig.items() if k != "scored_at"}) for a, sig in second[1]]
