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
