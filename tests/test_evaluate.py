"""The quality metrics of `hydrawatch eval`, on hand-made inputs, and one small eval run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from hydrawatch.evaluate import (METRICS, hard_negatives_in_top_k, link_precision_recall,
                                 mean_reciprocal_rank, median_or_none, posts_before, precision_at_k,
                                 rank_accounts, roc_auc, seed_accounts)


def test_ranking_and_precision_at_k():
    scores = {"a": 0.9, "b": 0.8, "c": None, "d": 0.8, "e": 0.1}
    ranked = rank_accounts(scores)
    assert ranked == ["a", "b", "d", "e", "c"]  # ties by key, missing score last
    assert precision_at_k(ranked, {"a", "d"}, 2) == 0.5
    assert precision_at_k(ranked, {"a", "b"}, 2) == 1.0
    assert precision_at_k(ranked, set(), 0) is None
    assert hard_negatives_in_top_k(ranked, {"b", "c"}, 3) == 1


def test_auc():
    assert roc_auc({"p1": 0.9, "p2": 0.8, "n1": 0.1, "n2": 0.2}, {"p1", "p2"}) == 1.0
    assert roc_auc({"p1": 0.1, "n1": 0.9}, {"p1"}) == 0.0
    assert roc_auc({"p1": 0.5, "n1": 0.5}, {"p1"}) == 0.5  # ties count half
    assert roc_auc({"p1": 0.9, "p2": 0.2, "n1": 0.5}, {"p1", "p2"}) == 0.5
    assert roc_auc({"p1": 0.9}, {"p1"}) is None


def test_link_precision_recall():
    truth = [("s1", "p1"), ("s2", "p2"), ("s3", "p3"), ("s4", "p4")]
    out = [("s1", "p1"), ("s2", "pX"), ("s3", "p3")]
    p, r = link_precision_recall(out, truth)
    assert p == pytest.approx(2 / 3) and r == 0.5
    assert link_precision_recall([], truth) == (None, 0.0)


def test_mean_reciprocal_rank():
    truth = {"s1": "p1", "s2": "p2", "s3": "p3"}
    candidates = {"s1": {"p1": 1, "q": 2}, "s2": {"q": 1, "p2": 2}, "s4": {"p4": 1}}
    assert mean_reciprocal_rank(candidates, truth) == pytest.approx((1 + 0.5 + 0) / 3)
    assert mean_reciprocal_rank(candidates, {}) is None


def test_posts_to_flag():
    t0 = datetime(2026, 2, 1, tzinfo=timezone.utc)
    posts = [t0, t0 + timedelta(hours=1), t0 + timedelta(hours=2)]
    assert posts_before(posts, t0 + timedelta(hours=1)) == 1  # strictly before
    assert posts_before(posts, t0) == 0
    assert median_or_none([3, 1, 2]) == 2.0 and median_or_none([]) is None


def test_seed_accounts_are_movement_originals():
    truth = {"seed": 1, "accounts": {
        "x:1": {"movement": True, "original": True}, "x:2": {"movement": True, "original": True},
        "x:3": {"movement": True, "original": False}, "x:4": {"movement": False, "original": True},
        "x:5": {"movement": True, "original": True}, "x:6": {"movement": True, "original": True}}}
    seeds = seed_accounts(truth, 0.5)
    assert len(seeds) == 2 and set(seeds) <= {"x:1", "x:2", "x:5", "x:6"}
    assert seed_accounts(truth, 0.5) == seeds
    assert seed_accounts(truth, 0) == []


def test_eval_json_has_exactly_the_metric_keys(tmp_path):
    from typer.testing import CliRunner

    from hydrawatch.cli import app
    from hydrawatch.sim import generate_world

    generate_world(tmp_path / "w", seed=2, accounts=200, days=3, activity=0.3,
                   suspension_per_day={"hub": 0.2, "member": 0.2, "spammer": 0.2})
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "w"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # progress goes to stderr, the JSON alone to stdout
    assert list(out) == list(METRICS)
    for key in ("p_at_k", "auc"):
        assert out[key] is None or 0.0 <= out[key] <= 1.0


def test_hashtag_baseline_counts_exact_policy_tags(tmp_path, store):
    import orjson

    from hydrawatch.evaluate import hashtag_baseline, load_truth
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.sim import data_files, generate_world

    generate_world(tmp_path / "w", seed=3, accounts=300, days=2, activity=0.5)
    ingest_paths(store, data_files(tmp_path / "w"))
    truth = load_truth(tmp_path / "w")
    tags = orjson.loads((tmp_path / "w" / "policy.json").read_bytes())["hashtags"]
    out = hashtag_baseline(store, truth, [], tags)
    assert set(out) == {"p_at_k", "hard_negatives_top_k", "flagged", "flagged_movement"}
    assert 0 < out["flagged_movement"] <= out["flagged"]
    assert 0.0 <= out["p_at_k"] <= 1.0
    # counter-speech and reporters use the tags too: the naive list flags them
    assert out["flagged"] > out["flagged_movement"]
    assert hashtag_baseline(store, truth, [], [])["flagged"] == 0
