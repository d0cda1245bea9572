"""Vectorised MinHash over character 3-grams, and LSH band keys.

datasketch's MinHash hashes token by token in Python, which is fine for thousands of
strings and far too slow for a million suspended accounts; here the strings of a batch
become one fixed-width code-point array, every 3-gram one 64-bit code, and each of the
``NUM_PERM`` universal hash functions is applied to the whole batch at once.
Signatures agree at position i with probability equal to the 3-gram Jaccard similarity;
``band_keys`` hashes ``ROWS`` consecutive positions into one key per band, so two strings
share a band key with probability 1 - (1 - J^ROWS)^BANDS (about 0.5 at J = 0.45).
"""

from __future__ import annotations

import numpy as np

NUM_PERM = 24
ROWS = 3
BANDS = NUM_PERM // ROWS
MAX_LEN = 40  # characters of each string that count
_PRIME = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint64(0xFFFFFFFF)


def _params(num_perm: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 1 << 31, size=num_perm, dtype=np.uint64)
    return a, b


_A, _B = _params(NUM_PERM)


def trigram_codes(strings: list[str], max_len: int = MAX_LEN) -> tuple[np.ndarray, np.ndarray]:
    """(n, w) uint64 3-gram codes of the padded strings and the mask of real 3-grams
    (w = the longest string's 3-gram count, at most MAX_LEN - 2)."""
    padded = [" " + s[: max_len - 2] + " " if s else "" for s in strings]
    width = max((len(p) for p in padded), default=0)
    if width < 3:
        return np.zeros((len(padded), 0), np.uint64), np.zeros((len(padded), 0), bool)
    arr = np.array(padded, dtype=f"<U{width}")
    cps = arr.view(np.uint32).reshape(len(padded), width).astype(np.uint64)
    codes = (cps[:, :-2] << np.uint64(42)) ^ (cps[:, 1:-1] << np.uint64(21)) ^ cps[:, 2:]
    mask = cps[:, 2:] != 0
    return codes, mask


def signatures(strings: list[str], chunk: int = 10_000) -> np.ndarray:
    """(n, NUM_PERM) uint32 MinHash signatures; empty strings get all-EMPTY rows
    (a compiled loop over the 3-gram codes: the same values as ``signatures_numpy``)."""
    from hydrawatch.linking import keyhash  # numba, imported when linking runs

    out = np.full((len(strings), NUM_PERM), _EMPTY, dtype=np.uint32)
    for lo in range(0, len(strings), chunk):
        codes, mask = trigram_codes(strings[lo: lo + chunk])
        if codes.size == 0:
            continue
        keyhash.minhash_rows(codes, mask, _A, _B, out[lo: lo + chunk])
    return out


def signatures_numpy(strings: list[str], chunk: int = 10_000) -> np.ndarray:
    """``signatures`` in numpy alone ((n, w, NUM_PERM) temporaries; the reference)."""
    out = np.full((len(strings), NUM_PERM), _EMPTY, dtype=np.uint32)
    for lo in range(0, len(strings), chunk):
        codes, mask = trigram_codes(strings[lo: lo + chunk])
        if codes.size == 0:
            continue
        # Padding positions repeat the row's first 3-gram, so they never change the minimum.
        codes = np.where(mask, codes, codes[:, :1])
        x = (codes ^ (codes >> np.uint64(29))) & np.uint64(0x7FFFFFFF)
        h = ((x[:, :, None] * _A + _B) >> np.uint64(16)) & _MASK32
        sig = h.min(axis=1)
        sig[~mask[:, 0]] = _EMPTY
        out[lo: lo + chunk] = sig.astype(np.uint32)
        del codes, mask, x, h, sig
    return out


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """(n, BANDS) int64 keys; a band whose rows are all EMPTY gets key 0 (never matched)."""
    n = sigs.shape[0]
    s = sigs.astype(np.uint64).reshape(n, BANDS, ROWS)
    key = np.zeros((n, BANDS), dtype=np.uint64)
    for r in range(ROWS):
        key = (key * np.uint64(0x100000001B3)) ^ s[:, :, r]
    key = key * np.uint64(0x9E3779B97F4A7C15) ^ np.arange(BANDS, dtype=np.uint64)
    key = key.view(np.int64)
    empty = (sigs.reshape(n, BANDS, ROWS) == np.uint32(_EMPTY)).all(axis=2)
    key[empty] = 0
    return key


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise estimated Jaccard similarity of two signature arrays."""
    valid = (a != np.uint32(_EMPTY)) | (b != np.uint32(_EMPTY))
    return ((a == b) & valid).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
