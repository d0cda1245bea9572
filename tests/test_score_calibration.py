"""Discovery scores as probabilities (issue 13): the combiner's label frequency is
estimated on held-out seeds, and the PU transform keeps the model's ranking."""

import numpy as np

from hydrawatch.scoring import combine


def _world(n=3000, members=300, seeds=75, seed=0):
    rng = np.random.default_rng(seed)
    y_member = np.zeros(n, bool)
    y_member[:members] = True
    F = rng.normal(size=(n, len(combine.FEATURES))) * 0.5
    F[y_member, 0] += 2.0       # endorse_posts: members endorse
    F[y_member, 8] += 1.0       # network
    is_seed = np.zeros(n)
    is_seed[rng.choice(members, seeds, replace=False)] = 1.0
    return F, is_seed, y_member


def test_scores_are_strictly_increasing_in_the_model_and_below_one():
    F, y, _ = _world()
    comb = combine.fit_combiner(F, y, np.ones(len(y)))
    logit = comb.contributions(F).sum(axis=1) + comb.intercept
    s = combine.learned_scores(comb, F)
    assert s.max() < 1.0 and s.min() > 0.0
    order = np.argsort(logit)
    assert np.all(np.diff(s[order]) >= 0)
    assert len(np.unique(np.round(s, 12))) > 0.9 * len(s)   # no mass of ties at the top


def test_held_out_label_frequency_reads_as_membership():
    F, y, member = _world()
    comb = combine.fit_combiner(F, y, np.ones(len(y)))
    # a quarter of the members are seeds
    assert 0.1 < comb.label_frequency < 0.45
    s = combine.learned_scores(comb, F)
    unl = y == 0
    flagged = unl & (s >= 0.5)
    precision = member[flagged].mean()
    recall = flagged[member & unl].mean()
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)
