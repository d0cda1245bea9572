"""PDQ hashes (256 bits, 64 hex chars) and an exact-threshold index over them.

The index is faiss' ``IndexBinaryMultiHash`` (16 maps of 16 bits, ``nflip=1``): by the
pigeonhole principle two codes within Hamming distance 31 agree on at least one 16-bit
chunk up to one flipped bit, so every match at distance <= 31 is found, and candidates are
then filtered by their exact distance. Lookups cost time in proportion to the candidates,
not to the bank (python-threatexchange's PDQ index uses the same structure).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

PDQ_BITS = 256
PDQ_HEX = 64
MATCH_DISTANCE = 31  # the threshold ThreatExchange and HMA use for PDQ


def is_pdq(value) -> bool:
    if not isinstance(value, str) or len(value) != PDQ_HEX:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def to_codes(hexes: Sequence[str]) -> np.ndarray:
    """(n, 32) uint8 array from n hex strings."""
    if len(hexes) == 0:
        return np.zeros((0, PDQ_BITS // 8), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(len(hexes), 32)


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Hamming distance between two (n, 32) uint8 arrays (or one row and n)."""
    return _POPCOUNT[np.bitwise_xor(a, b)].sum(axis=-1, dtype=np.int32)


def distance(hex_a: str, hex_b: str) -> int:
    return int(bin(int(hex_a, 16) ^ int(hex_b, 16)).count("1"))


class PDQIndex:
    """Exact search for every bank hash within ``max_distance`` (<= 31) of a query."""

    def __init__(self, hexes: Iterable[str] = (), payloads: Iterable | None = None):
        import faiss

        self._faiss = faiss
        self._index = faiss.IndexBinaryMultiHash(PDQ_BITS, 16, 16)
        self._index.nflip = 1
        self.payloads: list = []
        hexes = list(hexes)
        if hexes:
            self.add(hexes, payloads)

    def __len__(self) -> int:
        return len(self.payloads)

    def add(self, hexes: Sequence[str], payloads: Iterable | None = None) -> None:
        codes = to_codes(list(hexes))
        self._index.add(codes)
        self.payloads.extend(payloads if payloads is not None else hexes)

    def search(self, queries: Sequence[str], max_distance: int = MATCH_DISTANCE):
        """For each query, a list of (payload, distance) sorted by distance."""
        if max_distance > MATCH_DISTANCE:
            raise ValueError("the multi-hash index is exact only up to distance 31")
        out: list[list[tuple[object, int]]] = [[] for _ in queries]
        if not len(self.payloads) or not len(queries):
            return out
        lims, dist, ids = self._index.range_search(to_codes(list(queries)), max_distance + 1)
        for qi in range(len(queries)):
            lo, hi = lims[qi], lims[qi + 1]
            hits = sorted(zip(dist[lo:hi].tolist(), ids[lo:hi].tolist()))
            out[qi] = [(self.payloads[i], int(d)) for d, i in hits]
        return out
