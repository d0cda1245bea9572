"""Randomised worlds (issue 13): each seed draws its own generative parameters; the eval
regime never draws from the ranges the fit regime uses."""

from __future__ import annotations

import pytest

from hydrawatch.errors import ConfigError
from hydrawatch.sim import WorldParams
from hydrawatch.sim.identity import bio_pool, name_pool
from hydrawatch.sim.randomise import RANGES, randomise


def test_same_seed_same_parameters_and_seeds_differ():
    assert randomise(10_001, "eval") == randomise(10_001, "eval")
    assert randomise(10_001, "eval") != randomise(10_002, "eval")
    assert randomise(201, "fit") != randomise(201, "eval")


@pytest.mark.parametrize("seed", range(1, 40))
def test_regimes_draw_from_disjoint_ranges(seed):
    fit, ev = randomise(seed, "fit"), randomise(seed, "eval")
    for name, (olo, ilo, ihi, ohi, _) in RANGES.items():
        assert ilo - 1 <= fit[name] <= ihi + 1 if name in ("name_pool", "bio_pool") else ilo <= fit[name] <= ihi
        inner = ilo < ev[name] < ihi
        assert not inner and olo - 1e-3 <= ev[name] <= ohi + 1, (name, ev[name])
    for params in (fit, ev):
        WorldParams(**params)  # every drawn key is a world parameter
        lo, hi = params["reentry_delay_hours"]
        assert lo <= params["reentry_delay_median"] <= hi


def test_pools_and_bad_regime():
    assert len(set(name_pool(3, 50))) == 50 and len(set(bio_pool(3, 20))) == 20
    assert name_pool(3, 50) == name_pool(3, 50) != name_pool(4, 50)
    with pytest.raises(ConfigError):
        randomise(1, "test")


def test_worlds_word_reports_counter_speech_and_shout_outs_their_own_way():
    import random

    from hydrawatch.sim import text as T
    from hydrawatch.sim.style import TextStyle

    assert randomise(7, "eval")["text_style"] == randomise(7, "eval")["text_style"] > 0
    assert WorldParams().text_style == 0  # the presets keep the templates
    a, b = TextStyle.draw(1), TextStyle.draw(2)
    assert a.choices != b.choices
    texts = {TextStyle.draw(s).apply("New account, the old one @new_account7 was suspended. "
                                     "Follow back! #EmberOath https://x.example/New-account", "en",
                                     random.Random(0)) for s in range(1, 30)}
    assert len(texts) > 5
    for t in texts:  # handles, hashtags and URLs are never reworded
        assert "@new_account7" in t and "#EmberOath" in t and "https://x.example/New-account" in t
    rng = random.Random(3)
    worded = {TextStyle.draw(s).apply(T.counter_post(random.Random(5), "en"), "en", rng) for s in range(1, 30)}
    assert len(worded) > 1
