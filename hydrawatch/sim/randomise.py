"""Randomised worlds: each world draws its own generative parameters, so a linker or a
scorer cannot memorise one simulator's habits (issue 13).

    params = randomise(seed, regime="eval")      # WorldParams overrides for generate_world
    generate_world(out, seed=seed, **params)     # or: hydrawatch sim generate --randomise eval

Every parameter has a broad range, split in two: the **fit** regime draws from the inner
part, the **eval** regime only from the outer parts (values the fit regime never produces
-- re-entry within the hour or after two weeks, a name pool of 8 or of 50,000, ...).
Models and thresholds are fitted and chosen on fit-regime worlds (and the default and hard
presets) and reported on eval-regime worlds with test seeds (10,000+). The draw uses its
own random stream (seed and regime), so the same seed and regime give the same world.
"""

from __future__ import annotations

import math
import random

from hydrawatch.errors import ConfigError

REGIMES = ("fit", "eval")

# name: (outer low, inner low, inner high, outer high, kind); kind "log" draws log-uniformly.
# The fit regime draws from [inner low, inner high]; the eval regime from [outer low,
# inner low) or (inner high, outer high], each side with probability 1/2.
RANGES: dict[str, tuple[float, float, float, float, str]] = {
    "reentry_delay_median": (0.5, 6.0, 36.0, 240.0, "log"),   # hours
    "refollow_prob": (0.15, 0.35, 0.7, 0.95, "lin"),
    "refollow_hours": (3.0, 12.0, 48.0, 200.0, "log"),
    "name_pool": (6, 60, 2000, 50_000, "log"),
    "bio_pool": (4, 40, 1000, 20_000, "log"),
    "decoy_prob": (0.05, 0.15, 0.35, 0.6, "lin"),
    "decoy_shared_followers": (0.0, 0.02, 0.15, 0.35, "lin"),
    "decoy_fan_share": (0.0, 0.1, 0.4, 0.8, "lin"),
    "same_avatar_prob": (0.05, 0.3, 0.7, 0.9, "lin"),
    "default_avatar_share": (0.0, 0.05, 0.25, 0.5, "lin"),
    "name_keep_prob": (0.1, 0.3, 0.6, 0.9, "lin"),
    "bio_keep_prob": (0.1, 0.3, 0.6, 0.9, "lin"),
    "fresh_handle_prob": (0.0, 0.05, 0.2, 0.35, "lin"),
    "double_mutation_prob": (0.0, 0.1, 0.3, 0.5, "lin"),
    "shoutout_prob": (0.0, 0.1, 0.35, 0.6, "lin"),
}
_INTS = {"name_pool", "bio_pool"}


def _draw(rng: random.Random, lo: float, hi: float, kind: str) -> float:
    if kind == "log":
        lo = max(lo, 1e-6)
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))
    return rng.uniform(lo, hi)


def randomise(seed: int, regime: str = "eval") -> dict:
    """WorldParams overrides for one randomised world of ``regime`` ("fit" or "eval")."""
    if regime not in REGIMES:
        raise ConfigError(f"unknown randomisation regime {regime!r}; choose from {', '.join(REGIMES)}")
    rng = random.Random(f"hydrawatch-randomise:{regime}:{seed}")
    out: dict = {"regime": regime}
    for name, (olo, ilo, ihi, ohi, kind) in RANGES.items():
        if regime == "fit":
            v = _draw(rng, ilo, ihi, kind)
        elif rng.random() < 0.5:
            v = _draw(rng, olo, ilo, kind)
        else:
            v = _draw(rng, ihi, ohi, kind)
        out[name] = int(round(v)) if name in _INTS else round(v, 4)
    # text and behaviour: a coin per world between the two styles of text and spam naming
    out["composed_text"] = rng.random() < 0.5
    out["spam_handle_clusters"] = rng.random() < 0.5
    out["name_similar_prob"] = min(0.95, out["name_keep_prob"] + rng.uniform(0.05, 0.3))
    out["bio_similar_prob"] = min(0.95, out["bio_keep_prob"] + rng.uniform(0.05, 0.3))
    lo = min(1.0, out["reentry_delay_median"] / 4)
    out["reentry_delay_hours"] = (round(lo, 4), round(max(out["reentry_delay_median"] * 8, 48.0), 2))
    # wording: reports, counter-speech and shout-outs phrased this world's way (sim/style.py)
    out["text_style"] = rng.randrange(1, 2**31)
    return out
