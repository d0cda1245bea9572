"""Avatar density of every suspended avatar at once: a self-join of the PDQ codes.

``engine.avatar_density`` needs, for many suspended rows, how many suspended avatars lie
within the match distance (31) of their own. Searching the index once per row costs some
3,000 random probes a row at a million avatars; when most rows are asked for, joining the
codes with themselves is far cheaper and gives every row's count in one pass:

* identical codes are merged first (a default avatar held by 100k accounts is one code
  with multiplicity 100k);
* 16 bands of 16 bits: two codes within distance 31 differ in at most 1 bit of some band
  (16 bands x 2 bits = 32 > 31). Per band, the codes are counting-sorted by the band's
  value; every pair in one bucket, or in two buckets one bit apart, is checked by its
  full distance -- contiguous rows, no random probes;
* a pair is counted only in the first band where its band values are within one bit, so
  each pair counts once.

Exact (the tests compare it with brute force and with the index search).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hydrawatch.media.kernels import popcount64

N_BANDS = 16
BAND_BITS = 16


@njit(cache=True)
def _band(c0, c1, c2, c3, b):
    w = b >> 2
    word = c0 if w == 0 else (c1 if w == 1 else (c2 if w == 2 else c3))
    return (word >> np.uint64(16 * (b & 3))) & np.uint64(0xFFFF)


@njit(cache=True)
def _first_band(x0, x1, x2, x3, b):
    """Is b the first band in which the XOR x has at most one bit set?"""
    for e in range(b):
        if popcount64(_band(x0, x1, x2, x3, e)) <= 1:
            return False
    return True


@njit(cache=True)
def self_join_counts(codes, mult, max_distance):
    """counts[i] = sum of mult[j] over j != i with distance(codes[i], codes[j]) <= max_distance
    (max_distance <= 31; codes distinct)."""
    n = codes.shape[0]
    counts = np.zeros(n, np.int64)
    nb = 1 << BAND_BITS
    sorted_codes = np.empty((n, 4), np.uint64)
    ids = np.empty(n, np.int64)
    for b in range(N_BANDS):
        offsets = np.zeros(nb + 1, np.int64)
        keys = np.empty(n, np.int64)
        for i in range(n):
            k = np.int64(_band(codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3], b))
            keys[i] = k
            offsets[k + 1] += 1
        for k in range(nb):
            offsets[k + 1] += offsets[k]
        fill = offsets[:-1].copy()
        for i in range(n):
            p = fill[keys[i]]
            fill[keys[i]] = p + 1
            ids[p] = i
            for w in range(4):
                sorted_codes[p, w] = codes[i, w]
        for k in range(nb):
            lo, hi = offsets[k], offsets[k + 1]
            if lo == hi:
                continue
            for t in range(-1, BAND_BITS):
                if t < 0:
                    k2 = k
                else:
                    k2 = k ^ (1 << t)
                    if k2 < k:
                        continue
                lo2, hi2 = offsets[k2], offsets[k2 + 1]
                for i in range(lo, hi):
                    a0, a1, a2, a3 = sorted_codes[i, 0], sorted_codes[i, 1], sorted_codes[i, 2], sorted_codes[i, 3]
                    start = i + 1 if t < 0 else lo2
                    for j in range(start, hi2):
                        x0 = a0 ^ sorted_codes[j, 0]
                        x1 = a1 ^ sorted_codes[j, 1]
                        x2 = a2 ^ sorted_codes[j, 2]
                        x3 = a3 ^ sorted_codes[j, 3]
                        d = popcount64(x0) + popcount64(x1) + popcount64(x2) + popcount64(x3)
                        if d <= max_distance and _first_band(x0, x1, x2, x3, b):
                            counts[ids[i]] += mult[ids[j]]
                            counts[ids[j]] += mult[ids[i]]
    return counts


def densities(codes: np.ndarray, max_distance: int = 31) -> np.ndarray:
    """For each row of ``codes`` ((n, 4) uint64), how many rows (itself included) lie within
    ``max_distance`` of it."""
    if max_distance > 2 * N_BANDS - 1:
        raise ValueError(f"the self-join is exact only up to distance {2 * N_BANDS - 1}")
    if not len(codes):
        return np.zeros(0, np.int64)
    codes = np.ascontiguousarray(codes, np.uint64)
    # identical rows merged (a lexsort of the four words: np.unique(axis=0) is far slower)
    order = np.lexsort((codes[:, 3], codes[:, 2], codes[:, 1], codes[:, 0]))
    sc = codes[order]
    new = np.ones(len(sc), bool)
    new[1:] = (sc[1:] != sc[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    mult = np.diff(np.r_[starts, len(sc)]).astype(np.int64)
    group = np.cumsum(new) - 1
    counts = self_join_counts(np.ascontiguousarray(sc[starts]), mult, int(max_distance))
    out = np.empty(len(codes), np.int64)
    out[order] = (counts + mult)[group]
    return out


def self_join_cost(n: int) -> float:
    """Estimated pair checks of ``densities`` over n distinct codes (uniform codes)."""
    per_bucket = n / (1 << BAND_BITS)
    return N_BANDS * (1 << BAND_BITS) * (per_bucket * per_bucket) * (BAND_BITS / 2 + 0.5)
