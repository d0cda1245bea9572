"""Headline figures on small, fixed simulated worlds stay above floors: a change that
makes discovery or linking worse fails CI instead of only moving a benchmark (issue 13).

The floors sit a little under the figures measured when they were set (in the comments),
so noise from unrelated changes does not trip them, but a real regression does.
"""

import pytest

from hydrawatch.evaluate import evaluate_world
from hydrawatch.sim import generate_world

FLOORS = {
    # metric: (floor, measured when set)
    # measured on seed 11, 600 accounts (619 with re-entries; 37 movement accounts,
    # 7 seeds, 14 successions): one more wrong or missed link of 14 still passes, two fail
    "p_at_k": (0.90, 1.0),
    "auc": (0.97, 1.0),
    # at score >= 0.5, of 30 non-seed movement accounts (uncalibrated: 1.0 / 0.900)
    "score_precision": (0.90, 1.0),
    "score_recall": (0.85, 0.967),
    "link_precision": (0.92, 1.0),
    # automatic links: 13 of 14 when set, 12 of 14 since issue 13's third round sends a
    # pair with a variant handle and no identity evidence of its own to the review queue
    # instead; the queue floor below holds every succession found
    "link_recall": (0.78, 0.857),
    "link_recall_queue": (0.92, 1.0),
    "link_mrr": (0.90, 1.0),
}

# A randomised world of the eval regime (sim/randomise.py; development seed 12, 600
# accounts: 617 with re-entries, 38 movement accounts, 7 seeds): the score is a calibrated
# probability, so at 0.5 it holds issue 13's bar (precision >= 0.95, recall >= 0.90).
# Without the store calibration recall at 0.5 was 0.774 here.
RANDOMISED_FLOORS = {
    "p_at_k": (0.90, 1.0),
    "auc": (0.97, 1.0),
    "score_precision": (0.95, 1.0),
    "score_recall": (0.90, 1.0),
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    world = tmp_path_factory.mktemp("floors") / "w"
    generate_world(world, seed=11, accounts=600, days=30)
    return evaluate_world(world).metrics


@pytest.fixture(scope="module")
def randomised_figures(tmp_path_factory):
    world = tmp_path_factory.mktemp("floors_randomised") / "w"
    generate_world(world, seed=12, accounts=600, days=30, randomise="eval")
    return evaluate_world(world).metrics


def _check(figures, floors, metric):
    floor, _ = floors[metric]
    value = figures[metric]
    assert value is not None, f"{metric} was not measured: a stage did not run"
    assert value >= floor, f"{metric} {value:.3f} fell under its floor {floor}"


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_headline_figure_stays_above_its_floor(figures, metric):
    _check(figures, FLOORS, metric)


def test_no_hard_negative_in_the_top_k(figures):
    assert figures["hard_negatives_top_k"] <= 1


@pytest.mark.parametrize("metric", sorted(RANDOMISED_FLOORS))
def test_randomised_world_score_is_calibrated(randomised_figures, metric):
    _check(randomised_figures, RANDOMISED_FLOORS, metric)


def test_randomised_world_no_hard_negative_in_the_top_k(randomised_figures):
    assert randomised_figures["hard_negatives_top_k"] <= 1
