"""The PDQ multi-index is exact: every bank hash within the distance, no other, no
duplicate -- checked against brute force, with queries planted at 30, 31 and 32 bits."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from hydrawatch.media import kernels
from hydrawatch.media.index import PDQIndex, brute_force, codes_from_hex, hex_from_codes


def flip(code: np.ndarray, bits) -> np.ndarray:
    out = code.copy()
    for b in bits:
        out[b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    return out


def random_codes(rng, n):
    return rng.integers(0, 2**64, (n, 4), dtype=np.uint64)


def as_set(hits):
    return set(zip(*(h.tolist() for h in hits)))


def near(rng, bank, distances, clustered=False):
    """A query at each exact distance from a random bank row; with ``clustered`` the
    flipped bits crowd into as few bands as possible (the pigeonhole worst case: every
    band but one gets one flip more than its probe radius at distance 31 -- 3 in a wide
    band, 2 in the narrow one)."""
    out = []
    for d in distances:
        row = bank[rng.integers(len(bank))]
        if clustered:
            bits = []
            for b in rng.permutation(kernels.N_BANDS):
                start, width = kernels.BAND_STARTS[b], kernels.BAND_WIDTHS[b]
                take = min(kernels.RADII[b] + 1, d - len(bits))
                bits += (start + rng.choice(width, take, replace=False)).tolist()
                if len(bits) == d:
                    break
        else:
            bits = rng.choice(256, d, replace=False)
        out.append(flip(row, bits))
    return np.array(out)


@pytest.mark.parametrize("n", [1, 50, 3000, 40000])
def test_index_equals_brute_force_at_the_boundary(n):
    rng = np.random.default_rng(n)
    bank = random_codes(rng, n)
    bank[n // 2:n // 2 + min(5, n // 2)] = bank[0]  # duplicate rows are all returned
    dists = [0, 1, 2, 3, 15, 29, 30, 31, 32, 33, 40] * 6
    queries = np.concatenate([near(rng, bank, dists), near(rng, bank, dists, clustered=True),
                              random_codes(rng, 20)])
    index = PDQIndex.from_codes(bank)
    for maxd in (30, 31, 32):
        got = index.search_codes(queries, maxd)
        assert len(got[0]) == len(as_set(got))  # no duplicates
        assert as_set(got) == as_set(brute_force(bank, queries, maxd))
    hits = as_set(index.search_codes(queries, 31))
    # every planted query within 31 found its source row
    planted = [q for q, d in enumerate(dists * 2) if d <= 31]
    assert {q for q, _, _ in hits} >= set(planted)


def test_clustered_flips_at_32_are_found_and_33_need_not_be():
    rng = np.random.default_rng(7)
    bank = random_codes(rng, 2000)
    q32 = near(rng, bank[:1], [32], clustered=True)
    assert (0, 0, 32) in as_set(PDQIndex.from_codes(bank).search_codes(q32, 32))
    with pytest.raises(ValueError):
        PDQIndex.from_codes(bank).search_codes(q32, 33)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 400), st.lists(st.integers(0, 40), min_size=1, max_size=30))
def test_property_index_equals_brute_force(seed, n, dists):
    rng = np.random.default_rng(seed)
    bank = random_codes(rng, n)
    queries = near(rng, bank, dists, clustered=bool(seed % 2))
    index = PDQIndex.from_codes(bank)
    assert as_set(index.search_codes(queries, 31)) == as_set(brute_force(bank, queries, 31))


def test_hex_round_trip_and_search_payloads():
    rng = np.random.default_rng(3)
    codes = random_codes(rng, 10)
    hexes = hex_from_codes(codes)
    assert (codes_from_hex(hexes) == codes).all() and all(len(h) == 64 for h in hexes)
    index = PDQIndex(hexes, [f"row{i}" for i in range(10)])
    q = hex_from_codes(flip(codes[4], [0, 100, 255])[None])[0]
    assert index.search([q, hexes[7].upper()]) == [[("row4", 3)], [("row7", 0)]]
    assert PDQIndex().search([q]) == [[]]
    index.add([q], ["added"])  # adding rebuilds
    assert index.search([q])[0] == [("added", 0), ("row4", 3)]
    with pytest.raises(ValueError):
        codes_from_hex(["ab"])


def test_results_survive_a_tiny_output_buffer():
    rng = np.random.default_rng(5)
    bank = np.repeat(random_codes(rng, 1), 3000, axis=0)  # 3000 hits for one query
    got = PDQIndex.from_codes(bank).search_codes(bank[:2], 31)
    assert len(got[0]) == 6000


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.integers(1, 70),
       st.sampled_from([1, 3, 4, 64]))
def test_property_grouped_search_equals_brute_force(seed, n, n_queries, group):
    """Queries run through the search phases ``group`` at a time: exact for any group
    size, including groups whose candidate buffer must grow."""
    rng = np.random.default_rng(seed)
    bank = random_codes(rng, n)
    bank[-1] = bank[0]
    dists = rng.integers(0, 41, n_queries).tolist()
    queries = np.concatenate([near(rng, bank, dists, clustered=bool(seed % 2)), random_codes(rng, 3)])
    index = PDQIndex.from_codes(bank)
    for maxd in (31, 32):
        got = index.search_codes(queries, maxd, group=group)
        assert len(got[0]) == len(as_set(got))
        assert as_set(got) == as_set(brute_force(bank, queries, maxd))
        assert as_set(got) == as_set(index.search_codes(queries, maxd, group=1))
    assert list(got[0]) == sorted(got[0])  # query order, as search_codes promises


def test_grouped_search_survives_many_hits_per_query():
    rng = np.random.default_rng(9)
    bank = np.repeat(random_codes(rng, 1), 3000, axis=0)
    got = PDQIndex.from_codes(bank).search_codes(np.repeat(bank[:1], 100, axis=0), 31)
    assert len(got[0]) == 300_000
