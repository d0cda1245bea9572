"""Monotone evidence (issue 13): adding an independent piece of identity evidence — a
closer handle, a closer or rarer avatar, more returning followers, a matching rare name,
a shout-out — never lowers a pair's confidence. Property-based (hypothesis), on the
shipped model and on the whole engine."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hydrawatch.linking.engine import find_links
from hydrawatch.linking.features import FEATURES
from hydrawatch.linking.model import BOUNDS, CONTEXT_BOUNDS, CONTEXT, Rivals, default_model
from tests.test_link_engine import AV1, AV1_NEAR, H, batch

EVIDENCE = [f for f in FEATURES if BOUNDS[f][0] >= 0 and BOUNDS[f][1] > 0]
# plausible ranges of each feature (log1p counts up to ~50 shared neighbours)
HI = {f: 4.0 if f.endswith(("_shared", "_aa")) else 6.0 if f == "corroboration" else 1.0 for f in FEATURES}
HI["gap_log_hours"] = 7.0

finite = st.floats(-6, 6, allow_nan=False)


@st.composite
def rows(draw):
    x = np.array([draw(st.one_of(st.just(np.nan), st.floats(0, HI[f], allow_nan=False)))
                  if f in ("name_sim", "bio_sim", "avatar_sim", "content_sim", "name_rare", "bio_rare",
                           "avatar_rare")
                  else draw(st.floats(0, HI[f], allow_nan=False)) for f in FEATURES])
    return x


@st.composite
def rival_sets(draw):
    none = st.just(-np.inf)
    return Rivals(np.array([draw(st.one_of(none, finite))]), np.array([draw(st.integers(0, 20))]),
                  np.array([draw(st.one_of(none, finite))]), np.array([draw(st.integers(0, 20))]))


def test_model_signs_are_constrained():
    m = default_model()
    for f, c in zip(m.features, m.base.coef):
        lo, hi = BOUNDS[f]
        assert lo - 1e-9 <= c <= hi + 1e-9, f
    for (lo, hi), c in zip(CONTEXT_BOUNDS, m.context.coef):
        assert lo - 1e-9 <= c <= hi + 1e-9
    assert m.suggest_threshold <= m.threshold


@settings(max_examples=150, deadline=None)
@given(rows(), rival_sets(), st.sampled_from(EVIDENCE), st.floats(0, 4, allow_nan=False))
def test_more_evidence_never_lowers_confidence(x, riv, feature, more):
    m = default_model()
    k = FEATURES.index(feature)
    y = x.copy()
    # a similarity that was missing (NaN: no evidence either way) becomes a full match;
    # a measured one gets closer
    y[k] = HI[feature] if np.isnan(x[k]) else x[k] + more * HI[feature] / 4
    x2, y2 = x[None, :], y[None, :]
    before = m.cap(m.confidence(m.base_logit(x2), riv), x2)[0]
    after = m.cap(m.confidence(m.base_logit(y2), riv), y2)[0]
    assert after >= before - 1e-12, (feature, before, after)


@settings(max_examples=60, deadline=None)
@given(rows(), rival_sets())
def test_explanation_sums_to_the_log_odds(x, riv):
    m = default_model()
    w = m.explain(x[None, :], riv)[0]
    total = w["prior"] + w["rivals"] + sum(w["fields"].values())
    assert abs(total - w["log_odds"]) < 1e-3
    conf = m.confidence(m.base_logit(x[None, :]), riv)[0]
    assert abs(1 / (1 + np.exp(-w["log_odds"])) - conf) < 1e-3


OLD = {"id": "p1", "handle": "karim_ember42", "name": "Karim Qasimi", "bio": "poetry and the old songs",
       "avatar": AV1, "created": -900 * H, "suspended": 0.0, "alive": -2 * H,
       "followers": list(range(100, 140)), "following": list(range(200, 230)),
       "posts": [(-5 * H, "the old songs are the best songs", ())]}
OTHER = {"id": "p2", "handle": "karim_emb3r", "name": "Grove Tips", "created": -900 * H, "suspended": -30 * H,
         "alive": -40 * H, "followers": list(range(130, 150)), "following": list(range(220, 240))}  # no evidence of p1 is shared with it


@st.composite
def successors(draw):
    """A new account with some evidence of being p1's successor, and one more piece."""
    base = {"id": "n", "handle": draw(st.sampled_from(["karim_ember43", "karim_emb", "qq_zz9", "karimember42"])),
            "created": draw(st.floats(0.5, 24 * 30)) * H}
    pieces = {
        "avatar": {"avatar": AV1_NEAR},
        "name": {"name": "Karim Qasimi"},
        "bio": {"bio": "poetry and the old songs"},
        "shout": {"posts": [(base["created"] + H, "new account, the old one was suspended", ("karim_ember42",))]},
    }
    have = draw(st.sets(st.sampled_from(sorted(pieces))))
    extra = draw(st.sampled_from(sorted(set(pieces) | {"follower"})))
    n_fol = draw(st.integers(0, 10))
    rows = []
    for add in (False, True):
        r = dict(base)
        for p in have | ({extra} if add else set()):
            if p != "follower":
                r.update(pieces[p])
        fol = list(range(100, 100 + n_fol)) + ([125] if add and extra == "follower" else [])
        r["followers"] = fol
        r["follower_times"] = [base["created"] + H] * len(fol)
        rows.append(r)
    return rows


@settings(max_examples=25, deadline=None)
@given(successors())
def test_engine_more_evidence_never_lowers_the_pairs_confidence(pair):
    """The same new account, with and without one more piece of evidence, scored by the
    whole engine against the same suspended accounts."""
    conf = []
    for row in pair:
        res = find_links(batch([row]), batch([OLD, OTHER]), n_ids=1000, date_links=False)
        hit = [c for s, c in zip(res.s, res.confidence) if s == 0]
        conf.append(hit[0] if hit else 0.0)
    assert conf[1] >= conf[0] - 1e-9, conf
