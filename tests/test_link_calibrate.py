"""Per-store calibration of the link model's field weights (linking/calibrate.py)."""

import numpy as np

from hydrawatch.linking.calibrate import MIN_PAIRS, calibrate, field_matrix
from hydrawatch.linking.features import FEATURES
from hydrawatch.linking.model import FIELDS, default_model

F = {f: i for i, f in enumerate(FEATURES)}


def _store_pairs(n_new=150, rivals=3, seed=0):
    """Each new account: one true predecessor (close handle, same rare bio) and look-alike
    rivals (close handle only)."""
    rng = np.random.default_rng(seed)
    rows, q, s, y = [], [], [], []
    for i in range(n_new):
        for r in range(rivals + 1):
            x = np.zeros(len(FEATURES))
            x[F["handle_sim"]] = rng.uniform(0.7, 0.95)
            x[F["gap_log_hours"]] = rng.uniform(0, 4)
            x[F["name_sim"]] = x[F["bio_sim"]] = np.nan
            if r == 0:
                x[F["bio_sim"]] = 1.0
                x[F["bio_rare"]] = 0.9
            rows.append(x)
            q.append(i)
            s.append(i * 10 + r)
            y.append(r == 0)
    return np.array(rows), np.array(q), np.array(s), np.array(y)


def test_calibration_keeps_signs_and_explains_as_field_sums():
    m = default_model()
    x, q, s, _ = _store_pairs()
    cal, info = calibrate(m, x, q, s)
    assert info["iterations"] >= 1 and set(info["alpha"]) == set(FIELDS)
    assert all(a >= 0 for a in info["alpha"].values())
    # each base coefficient keeps its sign (monotone in the evidence)
    assert np.all(np.sign(cal.base.coef) * np.sign(m.base.coef) >= 0)
    # the calibrated log-odds are still the prior plus the field weights
    lg = cal.base_logit(x)
    assert np.allclose(field_matrix(cal, x).sum(axis=1) + cal.base.intercept, lg)


def test_reviewer_decisions_are_labels():
    m = default_model()
    x, q, s, y = _store_pairs()
    labels = np.where(y, 1.0, 0.0)                  # every pair reviewed
    cal, info = calibrate(m, x, q, s, labels)
    assert info["labelled"] == len(x)
    lg = cal.base_logit(x)
    # the reviewed truth pulls the bio (the one field that tells them apart) up, the rest down
    assert info["alpha"]["bio"] >= 1.0
    assert lg[y].mean() > lg[~y].mean()


def test_a_small_store_keeps_the_shipped_weights():
    m = default_model()
    x, q, s, _ = _store_pairs(n_new=MIN_PAIRS // 8)
    cal, info = calibrate(m, x, q, s)
    assert cal is m and info["iterations"] == 0
