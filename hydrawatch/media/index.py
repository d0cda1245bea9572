"""An exact PDQ index: multi-index hashing over per-band slot tables with integer ids.

``PDQIndex`` holds the bank as an ``(n, 4)`` ``uint64`` array and, per band (see
:mod:`hydrawatch.media.kernels`), a table with one ``uint32`` slot per key: empty, the one
row with that key, or a pointer to an overflow run of the rows sharing it. Each table is
keyed by the low ``bits`` bits of its band, ``bits`` ~ log2(n) capped at the band width,
so a key holds about one row whatever the bank size; truncating a key never loses a match
(a band within r flips stays within r flips on any subset of its bits). Results are exact
for every distance up to 32 -- the tests check it against brute force.

Memory at 10M hashes: codes 320 MB + slot tables 541 MB + overflow runs 357 MB ~ 1.22 GB.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from hydrawatch.media import kernels as k

MATCH_DISTANCE = 31  # the threshold ThreatExchange and HMA use for PDQ
GROUP = 4  # queries that go through the search phases together
PDQ_HEX = 64


def codes_from_hex(hexes: Sequence[str]) -> np.ndarray:
    """(n, 4) uint64 words from n 64-hex strings (raises ValueError on a bad one)."""
    if len(hexes) == 0:
        return np.zeros((0, 4), dtype=np.uint64)
    raw = bytes.fromhex("".join(hexes))
    if len(raw) != 32 * len(hexes):
        raise ValueError("every PDQ hash must be 64 hex characters")
    return np.frombuffer(raw, dtype=">u8").reshape(len(hexes), 4).astype(np.uint64)


def hex_from_codes(codes: np.ndarray) -> list[str]:
    raw = np.ascontiguousarray(codes, dtype=np.uint64).astype(">u8").tobytes()
    return [raw[i:i + 32].hex() for i in range(0, len(raw), 32)]


def _table_bits(n: int) -> list[int]:
    want = max(8, int(np.ceil(np.log2(max(n, 2)))))
    return [min(w, want) for w in k.BAND_WIDTHS]


class PDQIndex:
    """Exact search for every bank hash within ``max_distance`` (<= 32) of a query.

    ``payloads`` (any objects, default the hashes) are returned with each hit; bank rows
    are also addressable by their integer position (``search_ids``)."""

    def __init__(self, hexes: Iterable[str] = (), payloads: Iterable | None = None):
        self.codes = np.zeros((0, 4), dtype=np.uint64)
        self.payloads: list = []
        self._built = None
        hexes = list(hexes)
        if hexes:
            self.add(hexes, payloads)

    @classmethod
    def from_codes(cls, codes: np.ndarray, payloads: list | None = None) -> "PDQIndex":
        index = cls()
        index.codes = np.ascontiguousarray(codes, dtype=np.uint64)
        index.payloads = payloads if payloads is not None else range(len(codes))
        return index

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, hexes: Sequence[str], payloads: Iterable | None = None) -> None:
        hexes = [h.lower() for h in hexes]
        self.codes = np.concatenate((self.codes, codes_from_hex(hexes)))
        self.payloads = list(self.payloads) + list(payloads if payloads is not None else hexes)
        self._built = None

    def build(self) -> None:
        n = len(self.codes)
        if n > k.MAX_ROWS:
            raise ValueError(f"a PDQ index holds at most {k.MAX_ROWS:,} hashes")
        bits = np.array(_table_bits(n), dtype=np.int64)
        starts = np.array(k.BAND_STARTS, dtype=np.int64)
        widths = np.array(k.BAND_WIDTHS, dtype=np.int64)
        sizes = np.int64(1) << bits
        slot_bases = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        slots = np.empty(int(sizes.sum()), dtype=np.uint32)
        # two passes so the overflow array is allocated once, at its exact size
        ovf_sizes = np.zeros(k.N_BANDS, dtype=np.int64)
        for b in range(k.N_BANDS):
            keys = k.band_keys(self.codes, starts[b], widths[b], bits[b])
            _, ovf_sizes[b] = k.key_counts(keys, int(sizes[b]))
        if ovf_sizes.max(initial=0) > k.MAX_ROWS:
            raise ValueError("a PDQ index band has too many shared keys")
        ovf_bases = np.concatenate(([0], np.cumsum(ovf_sizes)[:-1])).astype(np.int64)
        ovf = np.empty(int(ovf_sizes.sum()), dtype=np.uint32)
        for b in range(k.N_BANDS):
            keys = k.band_keys(self.codes, starts[b], widths[b], bits[b])
            counts, _ = k.key_counts(keys, int(sizes[b]))
            k.fill_slots(keys, counts, slots[slot_bases[b]:slot_bases[b] + sizes[b]],
                         ovf[ovf_bases[b]:ovf_bases[b] + ovf_sizes[b]])
            del keys, counts
        self._built = (slots, ovf, slot_bases, ovf_bases, starts, widths, bits)
        self._masks = {}

    def nbytes(self) -> int:
        if self._built is None:
            self.build()
        return self.codes.nbytes + self._built[0].nbytes + self._built[1].nbytes

    def search_codes(self, queries: np.ndarray, max_distance: int = MATCH_DISTANCE,
                     group: int = GROUP):
        """(query row, bank row, distance) arrays of every hit, in query order (then bank
        row order)."""
        radii = k.radii_for(max_distance)  # raises above k.EXACT_UP_TO
        queries = np.ascontiguousarray(queries, dtype=np.uint64)
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32))
        if not len(self.codes) or not len(queries):
            return empty
        if self._built is None:
            self.build()
        if radii not in self._masks:
            self._masks[radii] = (*k.pad_masks(*k.flip_masks(self._built[-1], radii)),
                                  np.array(radii, dtype=np.int64))
        q, i, d = k.search_slots(self.codes, *self._built, *self._masks[radii], queries,
                                 int(max_distance), max(1, int(group)))
        order = np.lexsort((i, q))
        return q[order], i[order], d[order]

    def search(self, queries: Sequence[str], max_distance: int = MATCH_DISTANCE):
        """For each query hex, a list of (payload, distance) sorted by distance."""
        out: list[list[tuple[object, int]]] = [[] for _ in queries]
        qi, bi, d = self.search_codes(codes_from_hex([q.lower() for q in queries]), max_distance)
        order = np.lexsort((bi, d, qi))
        for q, i, dist in zip(qi[order].tolist(), bi[order].tolist(), d[order].tolist()):
            out[q].append((self.payloads[i], dist))
        return out

    def nearest(self, queries: np.ndarray, max_distance: int = MATCH_DISTANCE) -> np.ndarray:
        """Distance to the nearest bank row for each query code (-1: none within range)."""
        best = np.full(len(queries), 999, dtype=np.int64)
        qi, _, d = self.search_codes(queries, max_distance)
        np.minimum.at(best, qi, d)
        best[best == 999] = -1
        return best


def brute_force(bank: np.ndarray, queries: np.ndarray, max_distance: int = MATCH_DISTANCE):
    """(query row, bank row, distance) of every pair within ``max_distance``, by scanning."""
    return k.brute_force(np.ascontiguousarray(bank, dtype=np.uint64),
                         np.ascontiguousarray(queries, dtype=np.uint64), int(max_distance))
