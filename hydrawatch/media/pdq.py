"""PDQ hashes (256 bits, 64 hex chars): validation, byte codes and Hamming distance.

The exact-threshold index over them is :class:`hydrawatch.media.index.PDQIndex`.
"""

from __future__ import annotations

from typing import Sequence

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

