"""Handle mutations: how a suspended account's owner picks the next handle.

Observed in the wild (and in the literature on the 2015 "hydra" accounts): a numeric
suffix incremented, an underscore added, two letters swapped, a prefix or suffix word,
look-alike characters (``o``/``0``, ``l``/``1``). Every function takes a
``random.Random`` so the world stays seeded.
"""

from __future__ import annotations

import random
import re

MAX_HANDLE = 15  # X's limit
_DIGITS = re.compile(r"(\d+)$")
_HOMOGLYPHS = {"o": "0", "0": "o", "l": "1", "1": "l", "i": "1", "e": "3", "a": "4", "s": "5"}
PREFIXES = ("the", "real", "new", "its", "al_", "x", "iam")
SUFFIXES = ("_back", "_new", "_2", "_ii", "x", "_official", "_again", "_rtn")


def _fit(handle: str) -> str:
    return handle[:MAX_HANDLE] if len(handle) > MAX_HANDLE else handle


def increment_suffix(handle: str, rng: random.Random) -> str:
    m = _DIGITS.search(handle)
    if m:
        n = str(int(m.group(1)) + rng.choice((1, 1, 1, 2)))
        return handle[: m.start()][: MAX_HANDLE - len(n)] + n
    tail = str(rng.choice((1, 2, 2, 3)))
    return handle[: MAX_HANDLE - len(tail)] + tail


def underscore(handle: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0 or len(handle) < 3:
        out = handle + "_"
    elif choice == 1:
        out = "_" + handle
    else:
        pos = rng.randrange(1, len(handle))
        out = handle[:pos] + "_" + handle[pos:]
    if len(out) > MAX_HANDLE:
        out = handle[: MAX_HANDLE - 1] + "_"
    return out


def swap_letters(handle: str, rng: random.Random) -> str:
    spots = [i for i in range(len(handle) - 1) if handle[i] != handle[i + 1]
             and handle[i].isalpha() and handle[i + 1].isalpha()]
    if not spots:
        return underscore(handle, rng)
    i = rng.choice(spots)
    return handle[:i] + handle[i + 1] + handle[i] + handle[i + 2:]


def add_prefix(handle: str, rng: random.Random) -> str:
    return _fit(rng.choice(PREFIXES) + handle)


def add_suffix(handle: str, rng: random.Random) -> str:
    suffix = rng.choice(SUFFIXES)
    return handle[: MAX_HANDLE - len(suffix)] + suffix


def homoglyph(handle: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(handle) if ch.lower() in _HOMOGLYPHS]
    if not spots:
        return increment_suffix(handle, rng)
    out = list(handle)
    for i in rng.sample(spots, min(len(spots), rng.choice((1, 1, 2)))):
        out[i] = _HOMOGLYPHS[out[i].lower()]
    return "".join(out)


MUTATIONS = {
    "increment": increment_suffix,
    "underscore": underscore,
    "swap": swap_letters,
    "prefix": add_prefix,
    "suffix": add_suffix,
    "homoglyph": homoglyph,
}
_NAMES = tuple(MUTATIONS)
_WEIGHTS = (0.30, 0.18, 0.12, 0.12, 0.13, 0.15)


def mutate(handle: str, rng: random.Random, avoid: tuple[str, ...] = ()) -> tuple[str, str]:
    """A new handle close to ``handle``; returns (new_handle, mutation_name)."""
    for _ in range(8):
        name = rng.choices(_NAMES, _WEIGHTS)[0]
        new = MUTATIONS[name](handle, rng)
        if new.lower() != handle.lower() and new.lower() not in avoid:
            return new, name
    new = increment_suffix(handle + "_", rng)
    return new, "increment"
