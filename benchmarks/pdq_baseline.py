"""The PDQ index as it was before the slot tables (session 5): offset table + sorted id
array per band, the per-query phased search and the batched search. Kept only so
``bench_pdq.py`` can time the new index against it in the same run; not used by hydrawatch.
(The kernels and ``PDQIndex`` of hydrawatch/media/{kernels,index}.py at commit 9439714.)
"""

from __future__ import annotations

import sys
from typing import Iterable, Sequence

import numpy as np
from numba import njit

# the primitives the new index kept as they were
from hydrawatch.media.index import MATCH_DISTANCE, codes_from_hex
from hydrawatch.media.kernels import _prefetch, band_key, band_keys, popcount64

BAND_WIDTHS = (24, 24, 24) + (23,) * 8
BAND_STARTS = tuple(int(x) for x in np.cumsum((0,) + BAND_WIDTHS[:-1]))
N_BANDS = len(BAND_WIDTHS)
MAX_FLIPS = 2
AHEAD = 16  # prefetch distance of the phased search
EXACT_UP_TO = N_BANDS * (MAX_FLIPS + 1) - 1  # 32


@njit(cache=True)
def counting_sort(keys, n_buckets):
    """(offsets[n_buckets + 1], ids sorted by key, stable)."""
    offsets = np.zeros(n_buckets + 1, dtype=np.uint32)
    for k in keys:
        offsets[k + 1] += 1
    for b in range(n_buckets):
        offsets[b + 1] += offsets[b]
    fill = offsets[:-1].copy()
    ids = np.empty(len(keys), dtype=np.uint32)
    for i in range(len(keys)):
        k = keys[i]
        ids[fill[k]] = i
        fill[k] += 1
    return offsets, ids


@njit(cache=True)
def _scan(codes, ids, offsets, id_base, off_base, key, q0, q1, q2, q3, qkeys, band,
          starts, widths, bits, maxd, qi, out_q, out_i, out_d, count):
    lo = np.int64(offsets[off_base + key])
    hi = np.int64(offsets[off_base + key + 1])
    for pos in range(lo, hi):
        i = ids[id_base + pos]
        d = (popcount64(codes[i, 0] ^ q0) + popcount64(codes[i, 1] ^ q1)
             + popcount64(codes[i, 2] ^ q2) + popcount64(codes[i, 3] ^ q3))
        if d > maxd:
            continue
        # report each hit once: from the first band whose probes reach it
        first = True
        for b in range(band):
            k = band_key(codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3], starts[b], widths[b], bits[b])
            if popcount64(k ^ qkeys[b]) <= 2:
                first = False
                break
        if not first:
            continue
        if count >= len(out_q):
            return -1
        out_q[count] = qi
        out_i[count] = i
        out_d[count] = d
        count += 1
    return count


@njit(cache=True)
def search(codes, ids, offsets, id_bases, off_bases, starts, widths, bits, queries, maxd,
           out_q, out_i, out_d, q_from):
    """Hits of queries[q_from:] into the out arrays; returns (queries done, hits written).
    Stops early (before a query whose hits would not fit) when the out arrays are full."""
    count = 0
    nb = len(starts)
    qkeys = np.empty(nb, dtype=np.uint64)
    for qi in range(q_from, queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        for b in range(nb):
            qkeys[b] = band_key(q0, q1, q2, q3, starts[b], widths[b], bits[b])
        mark = count
        for b in range(nb):
            key = np.int64(qkeys[b])
            nbits = bits[b]
            idb = id_bases[b]
            ofb = off_bases[b]
            count = _scan(codes, ids, offsets, idb, ofb, key, q0, q1, q2, q3, qkeys, b,
                          starts, widths, bits, maxd, qi, out_q, out_i, out_d, count)
            for x in range(nbits):
                if count < 0:
                    break
                kx = key ^ (np.int64(1) << x)
                count = _scan(codes, ids, offsets, idb, ofb, kx, q0, q1, q2, q3, qkeys, b,
                              starts, widths, bits, maxd, qi, out_q, out_i, out_d, count)
                for y in range(x + 1, nbits):
                    if count < 0:
                        break
                    kxy = kx ^ (np.int64(1) << y)
                    count = _scan(codes, ids, offsets, idb, ofb, kxy, q0, q1, q2, q3, qkeys, b,
                                  starts, widths, bits, maxd, qi, out_q, out_i, out_d, count)
            if count < 0:
                break
        if count < 0:
            return qi, mark
    return queries.shape[0], count


@njit(cache=True)
def nearest_brute(codes, queries):
    """Nearest distance of each query to any bank row (brute force)."""
    out = np.full(queries.shape[0], 257, dtype=np.int32)
    for qi in range(queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        best = 257
        for i in range(codes.shape[0]):
            d = (popcount64(codes[i, 0] ^ q0) + popcount64(codes[i, 1] ^ q1)
                 + popcount64(codes[i, 2] ^ q2) + popcount64(codes[i, 3] ^ q3))
            if d < best:
                best = d
        out[qi] = best
    return out


@njit(cache=True)
def search_phased(codes, ids, offsets, id_bases, off_bases, starts, widths, bits, queries, maxd,
                  out_q, out_i, out_d, q_from):
    """Same contract as :func:`search`, but each query runs in phases -- every probe's
    offset range, then every candidate id, then every candidate's distance -- with loads
    prefetched a few steps ahead, so the CPU keeps many cache misses in flight."""
    count = 0
    nb = len(starts)
    qkeys = np.empty(nb, dtype=np.uint64)
    max_probes = 0
    for b in range(nb):
        max_probes += 1 + bits[b] + bits[b] * (bits[b] - 1) // 2
    p_key = np.empty(max_probes + AHEAD, dtype=np.int64)
    p_band = np.empty(max_probes, dtype=np.int64)
    r_lo = np.empty(max_probes + AHEAD, dtype=np.int64)
    r_hi = np.empty(max_probes, dtype=np.int64)
    r_band = np.empty(max_probes, dtype=np.int64)
    cand = np.empty(4096, dtype=np.int64)
    cand_band = np.empty(4096, dtype=np.int64)
    flat = codes.reshape(-1)
    for qi in range(q_from, queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        n_p = 0
        for b in range(nb):
            qkeys[b] = band_key(q0, q1, q2, q3, starts[b], widths[b], bits[b])
            key = np.int64(qkeys[b])
            base = off_bases[b]
            p_key[n_p] = base + key
            p_band[n_p] = b
            n_p += 1
            for x in range(bits[b]):
                kx = key ^ (np.int64(1) << x)
                p_key[n_p] = base + kx
                p_band[n_p] = b
                n_p += 1
                for y in range(x + 1, bits[b]):
                    p_key[n_p] = base + (kx ^ (np.int64(1) << y))
                    p_band[n_p] = b
                    n_p += 1
        for p in range(n_p, n_p + AHEAD):
            p_key[p] = 0
        # phase 1: offset ranges (branch-free append of the non-empty ones)
        n_r = 0
        for p in range(n_p):
            _prefetch(offsets, p_key[p + AHEAD])
            t = p_key[p]
            lo = np.int64(offsets[t])
            hi = np.int64(offsets[t + 1])
            b = p_band[p]
            r_lo[n_r] = lo + id_bases[b]
            r_hi[n_r] = hi + id_bases[b]
            r_band[n_r] = b
            n_r += hi > lo
        for p in range(n_r, n_r + AHEAD):
            r_lo[p] = 0
        # phase 2: candidate row ids
        total = 0
        for r in range(n_r):
            total += r_hi[r] - r_lo[r]
        if total + AHEAD > len(cand):
            cand = np.empty(2 * (total + AHEAD), dtype=np.int64)
            cand_band = np.empty(2 * (total + AHEAD), dtype=np.int64)
        c = 0
        for r in range(n_r):
            _prefetch(ids, r_lo[r + AHEAD])
            b = r_band[r]
            for pos in range(r_lo[r], r_hi[r]):
                cand[c] = ids[pos]
                cand_band[c] = b
                c += 1
        for j in range(c, c + AHEAD):
            cand[j] = 0
        # phase 3: exact distances
        mark = count
        for j in range(c):
            _prefetch(flat, 4 * cand[j + AHEAD])
            i = cand[j]
            d = (popcount64(codes[i, 0] ^ q0) + popcount64(codes[i, 1] ^ q1)
                 + popcount64(codes[i, 2] ^ q2) + popcount64(codes[i, 3] ^ q3))
            if d > maxd:
                continue
            band = cand_band[j]
            first = True
            for b in range(band):
                kb = band_key(codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3], starts[b], widths[b], bits[b])
                if popcount64(kb ^ qkeys[b]) <= 2:
                    first = False
                    break
            if not first:
                continue
            if count >= len(out_q):
                return qi, mark
            out_q[count] = qi
            out_i[count] = i
            out_d[count] = d
            count += 1
    return queries.shape[0], count


def flip_masks(bits) -> tuple[np.ndarray, np.ndarray]:
    """Every key mask of at most ``MAX_FLIPS`` (2) set bits, per band, concatenated:
    (masks uint64, bases int64[n_bands + 1])."""
    parts = []
    for nbits in bits:
        nbits = int(nbits)
        m = [0] + [1 << x for x in range(nbits)]
        m += [(1 << x) | (1 << y) for x in range(nbits) for y in range(x + 1, nbits)]
        parts.append(np.array(m, dtype=np.uint64))
    bases = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)
    return np.concatenate(parts), bases


BATCH_KEY_LOW = 12   # probe keys are bucketed by their high bits: a 16 KB offset window each
BATCH_ROW_SHIFT = 12  # candidates are bucketed by row >> 12: a 128 KB window of codes each
QI_BITS = 20          # queries per batch < 2**20


@njit(cache=True)
def search_batch(codes, ids, offsets, id_bases, off_bases, starts, widths, bits, masks, mask_bases,
                 queries, maxd, key_low, row_shift, items, cand, ordered):
    """Every (query, bank row, distance) within ``maxd`` for one batch of queries
    (< 2**20), with the random reads of the per-query search turned into near-sequential
    ones: per band, the batch's probe keys are bucketed by their high bits so each bucket
    reads one small window of the offset and id tables; then every candidate of the batch
    is bucketed by bank row so the code table is walked once, window by window. Hits come
    out in bank-row order (callers sort). ``items``, ``cand`` and ``ordered`` are scratch
    buffers reused across batches (fresh pages cost a third of the time in page faults);
    returns ``None`` for the hits and the needed candidate count when ``cand`` is short."""
    nq = queries.shape[0]
    nb = len(starts)
    n = codes.shape[0]
    qkeys = np.empty((nq, nb), dtype=np.uint64)
    for qi in range(nq):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        for b in range(nb):
            qkeys[qi, b] = band_key(q0, q1, q2, q3, starts[b], widths[b], bits[b])
    c, rcount = batch_candidates(ids, offsets, id_bases, off_bases, bits, masks, mask_bases,
                                 qkeys, n, key_low, row_shift, items, cand)
    if c > len(cand):
        return c, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    bucket_rows(cand, c, rcount, row_shift, ordered)
    q, i, d = batch_verify(codes, starts, widths, bits, queries, qkeys, ordered[:c], maxd)
    return -1, q, i, d


@njit(cache=True)
def batch_candidates(ids, offsets, id_bases, off_bases, bits, masks, mask_bases, qkeys, n,
                     key_low, row_shift, items, cand):
    """Per band, bucket the batch's probe keys by their high bits and read each bucket's
    window of the offset and id tables: (candidates row << 32 | qi << 4 | band, count,
    per row-bucket counts); a count above ``len(cand)`` means the buffer was too short."""
    nq, nb = qkeys.shape
    n_rparts = (n >> row_shift) + 1
    rcount = np.zeros(n_rparts + 1, dtype=np.int64)
    cap = len(cand)  # row << 32 | qi << 4 | band
    c = 0
    qmask = np.uint32((1 << QI_BITS) - 1)
    for b in range(nb):
        nbits = bits[b]
        lb = min(nbits, key_low)
        n_parts = np.int64(1) << (nbits - lb)
        m0 = mask_bases[b]
        m1 = mask_bases[b + 1]
        ulb = np.uint64(lb)
        lowmask = (np.uint64(1) << ulb) - np.uint64(1)
        pstart = np.zeros(n_parts + 1, dtype=np.int64)
        for qi in range(nq):
            kq = qkeys[qi, b]
            for m in range(m0, m1):
                pstart[np.int64((kq ^ masks[m]) >> ulb) + 1] += 1
        for p in range(n_parts):
            pstart[p + 1] += pstart[p]
        fill = pstart[:-1].copy()
        for qi in range(nq):
            kq = qkeys[qi, b]
            for m in range(m0, m1):
                kk = kq ^ masks[m]
                p = np.int64(kk >> ulb)
                items[fill[p]] = (np.uint32(kk & lowmask) << np.uint32(QI_BITS)) | np.uint32(qi)
                fill[p] += 1
        ofb = off_bases[b]
        idb = id_bases[b]
        tag_b = np.uint64(b)
        wlen = np.int64(1) << lb
        for p in range(n_parts):
            hi_part = p << lb
            if p + 1 < n_parts:  # fetch the next window while this one is read
                nxt = ofb + hi_part + wlen
                for x in range(0, wlen, 16):
                    _prefetch(offsets, nxt + x)
                ilo = idb + np.int64(offsets[nxt])
                ihi = idb + np.int64(offsets[nxt + wlen])
                for x in range(ilo, ihi, 16):
                    _prefetch(ids, x)
            for t in range(pstart[p], pstart[p + 1]):
                it = items[t]
                key = hi_part | np.int64(it >> np.uint32(QI_BITS))
                lo = np.int64(offsets[ofb + key])
                hi = np.int64(offsets[ofb + key + 1])
                if hi == lo:
                    continue
                tag = (np.uint64(it & qmask) << np.uint64(4)) | tag_b
                if c + (hi - lo) > cap:  # count only: the caller grows the buffer
                    c += hi - lo
                    continue
                for pos in range(lo, hi):
                    row = ids[idb + pos]
                    cand[c] = (np.uint64(row) << np.uint64(32)) | tag
                    rcount[(row >> row_shift) + 1] += 1
                    c += 1
    return c, rcount


@njit(cache=True)
def bucket_rows(cand, c, rcount, row_shift, ordered):
    """The candidates reordered by bank row >> row_shift (counting sort)."""
    n_rparts = len(rcount) - 1
    for p in range(n_rparts):
        rcount[p + 1] += rcount[p]
    fill2 = rcount[:-1].copy()
    ushift = np.uint64(32 + row_shift)
    for j in range(c):
        p = np.int64(cand[j] >> ushift)
        ordered[fill2[p]] = cand[j]
        fill2[p] += 1


@njit(cache=True)
def batch_verify(codes, starts, widths, bits, queries, qkeys, ordered, maxd):
    """Exact distance of each (row-ordered) candidate; a hit is kept from its first band."""
    qmask = np.uint32((1 << QI_BITS) - 1)
    c = len(ordered)
    hcap = 1024
    out_q = np.empty(hcap, dtype=np.int64)
    out_i = np.empty(hcap, dtype=np.int64)
    out_d = np.empty(hcap, dtype=np.int32)
    h = 0
    for j in range(c):
        v = ordered[j]
        i = np.int64(v >> np.uint64(32))
        qi = np.int64((v >> np.uint64(4)) & np.uint64(qmask))
        band = np.int64(v & np.uint64(15))
        c0, c1, c2, c3 = codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3]
        d = (popcount64(c0 ^ queries[qi, 0]) + popcount64(c1 ^ queries[qi, 1])
             + popcount64(c2 ^ queries[qi, 2]) + popcount64(c3 ^ queries[qi, 3]))
        if d > maxd:
            continue
        first = True
        for b in range(band):
            kb = band_key(c0, c1, c2, c3, starts[b], widths[b], bits[b])
            if popcount64(kb ^ qkeys[qi, b]) <= 2:
                first = False
                break
        if not first:
            continue
        if h == hcap:
            hcap *= 2
            out_q = np.concatenate((out_q, np.empty(hcap - h, dtype=np.int64)))
            out_i = np.concatenate((out_i, np.empty(hcap - h, dtype=np.int64)))
            out_d = np.concatenate((out_d, np.empty(hcap - h, dtype=np.int32)))
        out_q[h] = qi
        out_i[h] = i
        out_d[h] = d
        h += 1
    return out_q[:h], out_i[:h], out_d[:h]


k = sys.modules[__name__]

BATCH = 8192  # queries per batch of the batched search
BATCH_FROM = 64  # fewer queries than this run the per-query search


def _table_bits(n: int) -> list[int]:
    want = max(8, int(np.ceil(np.log2(max(n, 2)))))
    return [min(w, want) for w in k.BAND_WIDTHS]


class BaselinePDQIndex:
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
    def from_codes(cls, codes: np.ndarray, payloads: list | None = None) -> "BaselinePDQIndex":
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
        bits = np.array(_table_bits(n), dtype=np.int64)
        starts = np.array(k.BAND_STARTS, dtype=np.int64)
        widths = np.array(k.BAND_WIDTHS, dtype=np.int64)
        ids = np.empty(n * k.N_BANDS, dtype=np.uint32)
        sizes = (1 << bits) + 1
        off_bases = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        offsets = np.empty(int(sizes.sum()), dtype=np.uint32)
        for b in range(k.N_BANDS):
            keys = k.band_keys(self.codes, starts[b], widths[b], bits[b])
            off, order = k.counting_sort(keys, 1 << int(bits[b]))
            offsets[off_bases[b]:off_bases[b] + sizes[b]] = off
            ids[b * n:(b + 1) * n] = order
            del keys, off, order
        id_bases = np.arange(k.N_BANDS, dtype=np.int64) * n
        self._built = (ids, offsets, id_bases, off_bases, starts, widths, bits)
        self._masks = k.flip_masks(bits)

    def nbytes(self) -> int:
        if self._built is None:
            self.build()
        return self.codes.nbytes + self._built[0].nbytes + self._built[1].nbytes

    def search_codes(self, queries: np.ndarray, max_distance: int = MATCH_DISTANCE):
        """(query row, bank row, distance) arrays of every hit, in query order."""
        if max_distance > k.EXACT_UP_TO:
            raise ValueError(f"the PDQ index is exact only up to distance {k.EXACT_UP_TO}")
        queries = np.ascontiguousarray(queries, dtype=np.uint64)
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32))
        if not len(self.codes) or not len(queries):
            return empty
        if self._built is None:
            self.build()
        if len(queries) >= BATCH_FROM:
            return self._search_batched(queries, int(max_distance))
        return self._search_each(queries, int(max_distance))

    def _search_batched(self, queries: np.ndarray, max_distance: int, batch: int = BATCH):
        masks, mask_bases = self._masks
        most = int(np.diff(mask_bases).max())
        size = min(batch, len(queries))
        items = np.empty(size * most, np.uint32)
        bits = self._built[-1]
        per_query = (np.diff(mask_bases) * (len(self.codes) / 2.0 ** bits)).sum()
        cand = np.empty(int(1024 + size * per_query * 1.25), np.uint64)  # grown on demand
        ordered = np.empty(len(cand), np.uint64)
        parts = []
        s = 0
        while s < len(queries):
            need, q, i, d = k.search_batch(self.codes, *self._built, masks, mask_bases,
                                           queries[s:s + batch], max_distance, k.BATCH_KEY_LOW,
                                           k.BATCH_ROW_SHIFT, items, cand, ordered)
            if need >= 0:  # the candidate buffers were short: grow them, redo the batch
                cand = np.empty(need + need // 4, np.uint64)
                ordered = np.empty(len(cand), np.uint64)
                continue
            order = np.lexsort((i, q))
            parts.append((q[order] + s, i[order], d[order]))
            s += batch
        return tuple(np.concatenate([p[j] for p in parts]) for j in range(3))

    def _search_each(self, queries: np.ndarray, max_distance: int):
        cap = max(1024, 4 * len(queries))
        parts = []
        done = 0
        while done < len(queries):
            out_q = np.empty(cap, np.int64)
            out_i = np.empty(cap, np.int64)
            out_d = np.empty(cap, np.int32)
            upto, count = k.search_phased(self.codes, *self._built, queries, int(max_distance),
                                   out_q, out_i, out_d, done)
            parts.append((out_q[:count], out_i[:count], out_d[:count]))
            if upto == done:  # one query's hits did not fit: grow
                cap *= 4
            done = upto
        return tuple(np.concatenate([p[j] for p in parts]) for j in range(3))

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

