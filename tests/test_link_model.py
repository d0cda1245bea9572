"""The link model: rivals and context features, digit-tag features, the stacked logistic
model's JSON round trip, and the rule that a look-alike handle alone is never a link."""

from __future__ import annotations

import numpy as np
import pytest

from hydrawatch.linking.engine import find_links
from hydrawatch.linking.features import FEATURES, digit_features, identity_evidence, number_tag
from hydrawatch.linking.model import (CONTEXT, LinkModel, Logistic, context_features,
                                      default_model, rivals)
from tests.test_link_engine import AV1_NEAR, AV2, OLD, H, batch

C = {f: i for i, f in enumerate(CONTEXT)}


def test_rivals_are_the_best_other_pair_of_each_side():
    q = np.array([0, 0, 0, 1])
    s = np.array([5, 6, 7, 5])
    lg = np.array([3.0, 1.0, -2.0, 0.5])
    r = rivals(q, s, lg)
    assert r.best_q.tolist() == [1.0, 3.0, 3.0, -np.inf]
    assert r.best_s.tolist() == [0.5, -np.inf, -np.inf, 3.0]
    # rivals are counted by how plausible they are: the sum of the others' probabilities
    p = 1 / (1 + np.exp(-lg))
    assert np.allclose(r.n_q, [p[1] + p[2], p[0] + p[2], p[0] + p[1], 0.0])
    assert np.allclose(r.n_s, [p[3], 0.0, 0.0, p[0]])


def test_many_weak_rivals_count_less_than_one_strong_one():
    # predecessor 5: one plausible rival successor; predecessor 6: ten hopeless ones
    q = np.arange(12)
    s = np.array([5, 5] + [6] * 10)
    lg = np.array([1.0, 2.0] + [-8.0] * 10)
    r = rivals(q, s, lg)
    assert r.n_s[0] > r.n_s[2] * 5
    assert r.n_s[2] < 0.01


def test_rivals_with_a_tie_give_no_margin():
    r = rivals(np.array([0, 0]), np.array([1, 2]), np.array([2.0, 2.0]))
    x = context_features(np.array([2.0, 2.0]), r)
    assert x[:, C["margin"]].tolist() == [0.0, 0.0] and x[:, C["is_top"]].tolist() == [1.0, 1.0]


def test_context_features():
    q, s, lg = np.array([0, 0, 1]), np.array([5, 6, 5]), np.array([4.0, 1.0, 2.0])
    x = context_features(lg, rivals(q, s, lg), null_logit=-2.5)
    assert x.shape == (3, len(CONTEXT))
    assert x[:, C["margin"]].tolist() == [3.0, -3.0, 4.5]       # pair 2 has only the null rival
    assert x[:, C["is_top"]].tolist() == [1.0, 0.0, 1.0]
    assert x[:, C["pred_margin"]].tolist() == [2.0, 3.5, -2.0]
    assert x[:, C["mutual_best"]].tolist() == [1.0, 1.0, 0.0]   # 1 lost predecessor 5 to 0
    p = 1 / (1 + np.exp(-lg))  # each rival counts by its plausibility
    assert x[:, C["rivals"]].tolist() == pytest.approx([np.log1p(p[1]), np.log1p(p[0]), 0.0])
    assert x[:, C["pred_rivals"]].tolist() == pytest.approx([np.log1p(p[2]), 0.0, np.log1p(p[0])])
    assert context_features(np.zeros(0), rivals(np.zeros(0), np.zeros(0), np.zeros(0))).shape == (0, len(CONTEXT))


def test_a_lone_weak_candidate_gets_no_margin_for_free():
    """Having no rival is not evidence: the null rival ("replaces no one") stands in."""
    lone = context_features(np.array([-3.0]), rivals(np.array([0]), np.array([0]), np.array([-3.0])),
                            null_logit=-2.5)
    assert lone[0, C["margin"]] == -0.5 and lone[0, C["is_top"]] == 0.0


def test_missing_similarities_count_as_the_training_mean():
    lg = Logistic(np.array([0.5, 1.0]), np.array([1.0, 1.0]), np.array([2.0, 3.0]), 0.0)
    assert lg.logit(np.array([[np.nan, 2.0]])).tolist() == [3.0]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 2))
    x[::3, 0] = np.nan
    fitted = Logistic.fit(x, x[:, 1] > 0, 1.0)
    assert np.isfinite(fitted.mean).all() and np.isfinite(fitted.logit(x)).all()


def test_digit_features():
    new = ["getrich6095", "abu7", "xfan7579", "plain", "giveaway44_53", "g3tr1ch629"]
    old = ["getrich6094", "abu9", "fan7579", "plain2", "giveaway4453", "getrich629", "getrich2083"]
    q = np.array([0, 1, 2, 3, 4, 5, 0])
    s = np.array([0, 1, 2, 3, 4, 5, 6])
    both, same, step = digit_features(new, old, q, s)
    assert both.tolist() == [1, 1, 1, 0, 1, 1, 1]
    assert same.tolist() == [0, 0, 1, 0, 1, 0.75, 0]   # homoglyph digits are not the tag
    assert step.tolist() == [1, 1, 0, 0, 0, 0, 0]
    assert number_tag("abu7_back") == "7" and number_tag("") == "" and number_tag("abc") == ""
    _, same1, _ = digit_features(["abu7"], ["abu_7"], np.array([0]), np.array([0]))
    assert same1.tolist() == [0.25]  # a one-digit tag says little


def test_model_round_trips_through_json(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    y = x[:, 0] + rng.normal(scale=0.5, size=200) > 0
    base = Logistic.fit(x, y, 1.0)
    lg = base.logit(x)
    q, s = np.arange(200) // 4, np.arange(200) % 50
    ctx = Logistic.fit(context_features(lg, rivals(q, s, lg)), y, 1.0)
    m = LinkModel(FEATURES, base, ctx, 0.6, {"note": "test"})
    m.save(tmp_path / "m.json")
    m2 = LinkModel.load(tmp_path / "m.json")
    assert m2.threshold == 0.6 and m2.meta == {"note": "test"}
    np.testing.assert_allclose(m2.predict(x, q, s), m.predict(x, q, s), atol=1e-4)
    p = m.predict(x, q, s)
    assert ((p >= 0) & (p <= 1)).all() and p[y].mean() > p[~y].mean()


def test_shipped_model_loads_and_has_context():
    m = default_model()
    assert m.context is not None and 0 < m.threshold < 1
    assert m.meta["worlds"] and all(w["seed"] >= 100 for w in m.meta["worlds"])


def test_a_clear_rival_lowers_confidence():
    """The same pair is less certain when another candidate of the new account is as good."""
    m = default_model()
    x = np.zeros((3, len(FEATURES)))
    lg = np.array([2.0, 2.0, 2.0])
    alone = m.confidence(lg[:1], rivals(np.array([0]), np.array([0]), lg[:1]))
    shared = m.confidence(lg[1:], rivals(np.array([0, 0]), np.array([0, 1]), lg[1:]))
    assert alone[0] > shared[0]
    assert x.shape[1] == len(FEATURES)


def test_lookalike_handle_with_a_matching_number_is_not_linked():
    """A decoy copying the handle, number tag and all, but nothing else stays below."""
    new = batch([{"id": "n", "handle": "_abu_media1", "name": "Garden club", "avatar": AV2,
                  "created": 3 * H, "posts": [(4 * H, "tomatoes today", ())]}])
    res = find_links(new, batch(OLD), n_ids=1000)
    assert len(res.q) and not res.accepted().any()


def test_successor_with_number_step_and_shared_followers_is_linked():
    new = batch([{"id": "n", "handle": "abu_media2", "name": "Abu Media", "avatar": AV1_NEAR,
                  "created": 2 * H, "followers": list(range(100, 108)),
                  "posts": [(3 * H, "the latest release, share it widely before they delete it", ())]}])
    res = find_links(new, batch(OLD), n_ids=1000)
    best = int(np.argmin(res.rank))
    assert res.accepted()[best] and OLD[res.s[best]]["id"] == "p1"
    assert any("number" in r for r in res.reasons[best])


def test_identity_evidence_needs_more_than_a_handle_or_one_shared_followee():
    x = np.zeros((4, len(FEATURES)))
    F = {f: i for i, f in enumerate(FEATURES)}
    x[:, F["handle_sim"]] = 0.95
    x[:, F["content_sim"]] = 0.9                     # the same topic is not identity
    x[1, F["following_shared"]] = np.log1p(1)
    x[2, F["following_shared"]] = np.log1p(2)
    x[3, F["followers_shared"]] = np.log1p(5)           # who follows it is its audience's doing
    x[3, F["followers_frac"]] = 0.5
    assert identity_evidence(x).tolist() == [False, False, True, False]
    # not even a followee that no other suspended account follows (a spam look-alike's decoy)
    x[1, F["following_aa"]] = np.log1p(1 / np.log(2))
    assert not identity_evidence(x)[1]


def test_a_shared_name_or_avatar_is_evidence_only_when_rare():
    from hydrawatch.linking.features import Frequencies

    x = np.zeros((2, len(FEATURES)))
    F = {f: i for i, f in enumerate(FEATURES)}
    x[:, F["name_sim"]] = 1.0
    freq = Frequencies(10_000, names={"sara": 2_000})
    rarity = freq.rarity(np.array([2_000.0, 1.0]))      # "Sara" is everywhere; the other name unique
    x[:, F["name_rare"]] = x[:, F["name_sim"]] * rarity
    assert rarity[0] < 0.2 and rarity[1] == 1.0
    assert identity_evidence(x).tolist() == [False, True]
    x[:, F["name_rare"]] = 0.0
    x[:, F["avatar_match"]] = 1.0
    x[:, F["avatar_sim"]] = 1.0
    x[:, F["avatar_rare"]] = [0.1, 0.9]                 # a default avatar vs a personal photo
    assert identity_evidence(x).tolist() == [False, True]


def test_a_name_or_bio_must_be_near_identical_as_well_as_rare():
    x = np.zeros((2, len(FEATURES)))
    F = {f: i for i, f in enumerate(FEATURES)}
    x[:, F["bio_sim"]] = [0.6, 0.95]                    # reads alike vs the same bio
    x[:, F["bio_rare"]] = x[:, F["bio_sim"]] * 0.9      # both rare
    assert identity_evidence(x).tolist() == [False, True]


def test_a_rival_with_as_much_identity_evidence_keeps_a_pair_from_auto_linking():
    from hydrawatch.linking.model import default_model

    m = default_model()
    F = {f: i for i, f in enumerate(FEATURES)}
    x = np.zeros((3, len(FEATURES)))
    x[:, F["handle_sim"]] = 0.9
    x[:, F["skeleton_eq"]] = 1.0
    x[:, F["name_sim"]] = 1.0
    x[:, F["name_rare"]] = 0.8                          # siblings sharing one rare name
    x[0, F["following_shared"]] = np.log1p(12)          # more community overlap, same identity
    x[2, F["handle_sim"]] = 1.0                         # a third pair, alone for its new account
    q = np.array([0, 0, 1])
    ok = m.eligible(x, q)
    assert ok.tolist() == [False, False, True]
    capped = m.cap(np.array([0.99, 0.95, 0.99]), x, q)
    assert capped[0] < m.threshold and capped[1] < m.threshold and capped[2] == 0.99


def _choice_data(seed=3):
    """Feature 0 ranks the right candidate within each new account's set, but its level
    varies a lot between sets (and sets without a right candidate sit high): on its own
    it barely tells links from non-links; within a set it does."""
    rng = np.random.default_rng(seed)
    rows, groups, y = [], [], []
    for g in range(300):
        offset = rng.normal(0, 3) + (0.0 if g < 100 else 2.5)
        for k in range(5):
            right = g < 100 and k == 0
            rows.append([offset + (1.0 if right else 0.0) + rng.normal(0, 0.3), rng.normal()])
            groups.append(g)
            y.append(1.0 if right else 0.0)
    return np.array(rows), np.array(groups), np.array(y)


def test_the_ranking_term_learns_which_candidate_of_a_set_is_right():
    x, g, y = _choice_data()
    plain = Logistic.fit(x, y, 1.0)
    ranked = Logistic.fit(x, y, 1.0, groups=g, rank_weight=1.0)
    assert ranked.coef[0] > plain.coef[0] + 0.2

    def top1(m):
        s = m.logit(x)
        return np.mean([s[g == k].argmax() == 0 for k in range(100)])

    assert top1(ranked) >= top1(plain)
    # sign constraints hold with the ranking term too
    bounded = Logistic.fit(x, y, 1.0, bounds=[(0, np.inf), (0, 0)], groups=g, rank_weight=1.0)
    assert bounded.coef[0] >= 0 and bounded.coef[1] == 0
    # no set holds a positive: the plain fit
    none = Logistic.fit(x, np.zeros_like(y), 1.0, groups=g, rank_weight=1.0)
    assert np.allclose(none.coef, Logistic.fit(x, np.zeros_like(y), 1.0).coef)
