"""Media: avatars and posted images that match the policy's PDQ hash bank.

Policy-pack hashes are looked up through :class:`hydrawatch.media.index.PDQIndex` (exact
at distance <= 31), one query per *distinct* hash: logo variants repeat across many
accounts. Hashes of imported banks were matched at ingest (``media_matches``); their best
distance per hash comes in as ``bank_best`` and counts like a policy match.
"""

from __future__ import annotations

import numpy as np

from hydrawatch.media.index import MATCH_DISTANCE, PDQIndex
from hydrawatch.media.pdq import is_pdq


def nearest_bank_distance(index: PDQIndex | None, hashes: list[str | None]) -> np.ndarray:
    """Distance to the nearest bank hash for each input (-1: no match or no hash)."""
    out = np.full(len(hashes), -1, dtype=np.int64)
    if index is None or not len(index) or not hashes:
        return out
    valid = [i for i, h in enumerate(hashes) if h and is_pdq(h)]
    distinct = sorted({hashes[i].lower() for i in valid})
    if not distinct:
        return out
    best = {h: (hits[0][1] if hits else -1)
            for h, hits in zip(distinct, index.search(distinct, MATCH_DISTANCE))}
    out[valid] = [best[hashes[i].lower()] for i in valid]
    return out


def _with_banks(d: np.ndarray, hashes: list[str | None], bank_best: dict[str, int] | None) -> np.ndarray:
    if not bank_best:
        return d
    extra = np.array([bank_best.get(h.lower(), -1) if h else -1 for h in hashes], dtype=np.int64)
    both = (d >= 0) & (extra >= 0)
    return np.where(both, np.minimum(d, extra), np.where(d >= 0, d, extra))


def media_signals(bank: list[str], avatars: list[str | None], media_account: np.ndarray,
                  media_pdq: list[str], n: int, bank_best: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Per account: avatar distance to the bank (-1 none), number of matching posted
    images, and the best distance among them (-1 none). ``bank_best``: {hash: best
    distance} from the imported banks' matches."""
    index = PDQIndex(bank) if bank else None
    avatar = _with_banks(nearest_bank_distance(index, avatars), avatars, bank_best)
    media_d = _with_banks(nearest_bank_distance(index, media_pdq), media_pdq, bank_best)
    hit = (media_d >= 0) & (media_account >= 0)
    matches = np.bincount(media_account[hit], minlength=n)
    best = np.full(n, 99, dtype=np.int64)
    np.minimum.at(best, media_account[hit], media_d[hit])
    best[best == 99] = -1
    return {"avatar_distance": avatar, "media_matches": matches, "media_distance": best}
