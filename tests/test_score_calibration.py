"""The score is calibrated to the store (issue 13): the model's log-odds are mapped to
P(member) by a two-component mixture fitted on the store's own accounts and Platt scaling
(``combine.calibrate_to_store``). The map is strictly increasing (the ranking stays the
model's), it recovers the share of members, and ``explain`` shows it as a step."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from hydrawatch.scoring import combine
from hydrawatch.scoring.explain import explain_steps
from hydrawatch.scoring.pipeline import explain_account, ranked_accounts, score_store
from hydrawatch.scoring.policy import load_policy
from tests.scoring_world import POLICY, build_world


def _two_groups(rng, n_others=2000, n_members=100, n_seeds=25, gap=7.0):
    """Log-odds of a store: many others around -7, a few members around ``-7 + gap``;
    the first ``n_seeds`` members are seeds."""
    others = rng.normal(-7.0, 0.8, n_others)
    members = rng.normal(-7.0 + gap, 1.0, n_members)
    u = np.concatenate([members, others])
    seeds = np.zeros(len(u), dtype=bool)
    seeds[:n_seeds] = True
    member = np.zeros(len(u), dtype=bool)
    member[:n_members] = True
    return u, seeds, member


def test_calibration_recovers_the_share_of_members_and_splits_at_one_half():
    rng = np.random.default_rng(1)
    u, seeds, member = _two_groups(rng)
    cal = combine.calibrate_to_store(u, seeds)
    assert cal is not None and cal.slope > 0
    assert cal.expected_members == pytest.approx(75, abs=3)   # 100 members, 25 of them seeds
    assert cal.base_rate == pytest.approx(75 / 2075, rel=0.05)
    p = cal.apply(combine._sigmoid(u))
    flagged = (p >= 0.5) & ~seeds
    assert (flagged & member).sum() / flagged.sum() >= 0.95
    assert (flagged & member).sum() / (member & ~seeds).sum() >= 0.95
    # probabilities, not just ranks: the expected count of members is about right
    assert p[~seeds].sum() == pytest.approx(75, rel=0.1)


def test_calibration_does_not_depend_on_how_many_seeds_there_are():
    rng = np.random.default_rng(2)
    u, _, member = _two_groups(rng)
    for k in (8, 25, 60):
        seeds = np.zeros(len(u), dtype=bool)
        seeds[:k] = True
        cal = combine.calibrate_to_store(u, seeds)
        assert cal.expected_members == pytest.approx(100 - k, abs=3), k


def test_calibration_is_strictly_increasing():
    rng = np.random.default_rng(3)
    u, seeds, _ = _two_groups(rng)
    cal = combine.calibrate_to_store(u, seeds)
    grid = np.linspace(1e-6, 1 - 1e-6, 20001)
    out = cal.apply(grid)
    assert np.all(np.diff(out) >= 0)
    inner = (out > 1e-9) & (out < 1 - 1e-9)
    assert np.all(np.diff(out[inner]) > 0)


def test_rejected_accounts_are_known_non_members():
    rng = np.random.default_rng(4)
    u, seeds, member = _two_groups(rng)
    rejected = np.zeros(len(u), dtype=bool)
    rejected[-50:] = True          # others a reviewer rejected
    cal = combine.calibrate_to_store(u, seeds, rejected)
    assert cal is not None and cal.expected_members == pytest.approx(75, abs=3)


def test_too_small_or_inseparable_store_keeps_the_uncalibrated_score():
    rng = np.random.default_rng(5)
    u, seeds, _ = _two_groups(rng, n_others=100, n_members=30, n_seeds=10)
    assert combine.calibrate_to_store(u, seeds) is None          # under 200 unlabelled
    u = rng.normal(0, 1, 1000)
    seeds = np.zeros(1000, dtype=bool)
    seeds[np.argsort(u)[:10]] = True                              # seeds at the bottom
    assert combine.calibrate_to_store(u, seeds) is None


@pytest.fixture
def calibrated(store, tmp_path):
    # per_role=60: about 400 accounts, enough for the store calibration to be fitted
    roles = build_world(store, seed=8, per_role=60)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    load_policy(store, path)
    summary = score_store(store)
    return roles, summary


def test_store_scores_are_calibrated_and_keep_the_models_order(store, calibrated, monkeypatch):
    roles, summary = calibrated
    assert summary.calibration and summary.calibration["slope"] > 0
    after = {r["id"]: r["score"] for r in ranked_accounts(store)}
    monkeypatch.setattr(combine, "calibrate_to_store", lambda *a, **k: None)
    score_store(store)
    before = {r["id"]: r["score"] for r in ranked_accounts(store)}
    seeds = set(roles["seeds"])
    keys = sorted((k for k in after if k not in seeds), key=lambda k: (before[k], after[k]))
    assert all(after[a] <= after[b] for a, b in zip(keys, keys[1:]))   # same order
    members = [k for k in roles["member"] + roles["hub"] if k not in seeds]
    others = [k for k in after if k not in seeds and k not in members]
    flagged = [k for k in after if k not in seeds and after[k] >= 0.5]
    assert len(set(flagged) & set(members)) >= 0.9 * len(members)
    assert len(set(flagged) & set(others)) <= 0.05 * max(len(flagged), 1)


def test_explain_shows_the_calibration_step_and_adds_up(store, calibrated):
    roles, _ = calibrated
    seeds = set(roles["seeds"])
    for aid in [next(k for k in roles["member"] if k not in seeds), roles["journalist"][0]]:
        info = explain_account(store, "x", aid)
        steps = explain_steps(info)
        names = [s["name"] for s in steps["steps"]]
        assert "P(member) (calibrated to this store)" in names
        values = [s["value"] for s in steps["steps"]]
        logit = math.fsum(f["contribution"] for f in steps["features"]) + info["signals"]["intercept"]
        assert values[0] == pytest.approx(logit, abs=1e-12)
        assert values[-1] == info["score"]


def test_a_far_tail_of_others_does_not_make_everyone_a_member():
    """Others with a far-left tail, members spread widely, seeds at the top: the members'
    wider component must not claim the tail (and, through monotonicity, everyone)."""
    rng = np.random.default_rng(6)
    others = np.concatenate([rng.normal(-8.5, 0.5, 1900), rng.normal(-11.5, 0.6, 40)])
    members = rng.uniform(-6.5, 3.0, 105)
    seeds_u = rng.normal(1.3, 0.8, 24)
    u = np.concatenate([seeds_u, members, others])
    seeds = np.zeros(len(u), dtype=bool)
    seeds[:24] = True
    cal = combine.calibrate_to_store(u, seeds)
    assert cal is not None
    assert cal.expected_members == pytest.approx(105, abs=8)
    p = cal.apply(combine._sigmoid(u))
    assert (p[24:129] >= 0.5).mean() >= 0.9 and (p[129:] >= 0.5).sum() <= 5


def test_explain_text_shows_the_calibration_step(store, db_url, calibrated, capsys):
    from hydrawatch.cli import main

    roles, _ = calibrated
    aid = next(k for k in roles["member"] if k not in set(roles["seeds"]))
    capsys.readouterr()
    try:
        main(["explain", f"x:{aid}", "--db", db_url])
    except SystemExit as exc:
        assert not exc.code
    out = capsys.readouterr().out
    assert "calibrated to this store" in out and "rounded" in out
