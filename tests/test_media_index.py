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


def band_flips(row, per_band):
    """``row`` with ``per_band[b]`` bits flipped inside band b."""
    rng = np.random.default_rng(len(per_band) + sum(per_band))
    bits = []
    for b, count in enumerate(per_band):
        start, width = kernels.BAND_STARTS[b], kernels.BAND_WIDTHS[b]
        bits += (start + rng.choice(width, count, replace=False)).tolist()
    return flip(row, bits)


def test_the_narrow_band_alone_finds_the_worst_case_at_31_and_32():
    """Ten wide bands at 3 flips (beyond their radius 2) and the narrow band at 1 (its
    radius up to 31): only the narrow band can find the hit. At 32 (narrow band at 2) the
    radius-2 probes of the 32 configuration find it."""
    assert kernels.radii_for(31) == kernels.RADII and kernels.radii_for(32) == kernels.RADII_32
    assert sum(r + 1 for r in kernels.RADII) == 32 and kernels.EXACT_UP_TO == 32
    with pytest.raises(ValueError):
        kernels.radii_for(33)
    rng = np.random.default_rng(11)
    for n in (1, 300, 70000):  # table keys shorter than the bands, and full-width ones
        bank = random_codes(rng, n)
        index = PDQIndex.from_codes(bank)
        q31 = band_flips(bank[0], [3] * 10 + [1])
        q32 = band_flips(bank[0], [3] * 10 + [2])
        q33 = band_flips(bank[0], [3] * 10 + [3])
        queries = np.array([q31, q32, q33])
        assert (0, 0, 31) in as_set(index.search_codes(queries, 31))
        got32 = as_set(index.search_codes(queries, 32))
        assert {(0, 0, 31), (1, 0, 32)} <= got32 and not any(q == 2 and i == 0 for q, i, _ in got32)
        for maxd in (30, 31, 32):
            assert as_set(index.search_codes(queries, maxd)) == as_set(brute_force(bank, queries, maxd))


def test_slot_tables_hold_every_row_once_under_its_key():
    """Each band's slots decode (single row, or an overflow run of a shared key) to exactly
    the rows whose band key is that key -- duplicates and crowded keys included."""
    rng = np.random.default_rng(12)
    bank = random_codes(rng, 3000)
    bank[100:140] = bank[7]  # 41 rows share every key
    bank[200:300, :1] = bank[300, 0]  # 101 rows share the keys of word 0's bands
    index = PDQIndex.from_codes(bank)
    index.build()
    slots, ovf, slot_bases, ovf_bases, starts, widths, bits = index._built
    for b in range(kernels.N_BANDS):
        keys = kernels.band_keys(bank, starts[b], widths[b], bits[b])
        want: dict[int, list[int]] = {}
        for row, key in enumerate(keys.tolist()):
            want.setdefault(key, []).append(row)
        got: dict[int, list[int]] = {}
        for key in range(1 << int(bits[b])):
            v = int(slots[slot_bases[b] + key])
            if v == int(kernels.EMPTY):
                continue
            if v < int(kernels.FLAG):
                got[key] = [v]
            else:
                at = int(ovf_bases[b]) + (v & int(kernels.LOW))
                got[key] = ovf[at + 1:at + 1 + int(ovf[at])].tolist()
                assert len(got[key]) >= 2
        assert got == want


def test_empty_bank_and_empty_queries():
    rng = np.random.default_rng(13)
    empty = PDQIndex.from_codes(np.zeros((0, 4), np.uint64))
    assert all(len(x) == 0 for x in empty.search_codes(random_codes(rng, 5)))
    bank = random_codes(rng, 10)
    assert all(len(x) == 0 for x in PDQIndex.from_codes(bank).search_codes(np.zeros((0, 4), np.uint64)))
    assert PDQIndex.from_codes(bank).nearest(bank[:2]).tolist() == [0, 0]
