"""Compiled kernels of the PDQ multi-index (numba, cached on disk).

A 256-bit PDQ code is held as four ``uint64`` words. The index cuts it into 11 bands
(6 of 24 bits, 4 of 23, 1 of 20) and probes, in every band, every key within ``radius``
bit-flips of the query's key: radius 2 in the ten wide bands and 1 in the narrow one for
distances up to 31 (two codes within 31 differ in at most ``radius`` bits of at least one
band, since 10 x 3 + 1 x 2 = 32 > 31), radius 2 in all eleven for distance 32 (33 > 32).
Every match is found -- exactly. Each band is a table with one ``uint32`` slot per key
(see the slot-table section below); candidates are checked by their full distance, and a
hit is reported only from the first band that can find it (no duplicates, no hash set).

Why this geometry: per query at 10M hashes a wide band costs ~280-300 probes and, at 0.6
(24 bits) or 1.2 (23 bits) rows a key, 180-330 candidates; a 20-bit band probed at radius
1 costs 21 probes and ~200 candidates. The spare unit of the old 11 x 3 = 33 budget buys
the narrow radius-1 band, and its 3-4 freed bits widen three 23-bit bands to 24: ~5,500
random reads a query instead of ~6,300.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

BAND_WIDTHS = (24,) * 6 + (23,) * 4 + (20,)
BAND_STARTS = tuple(int(x) for x in np.cumsum((0,) + BAND_WIDTHS[:-1]))
N_BANDS = len(BAND_WIDTHS)
RADII = (2,) * 10 + (1,)  # exact up to sum(r + 1) - 1 = 31
RADII_32 = (2,) * N_BANDS  # exact up to 32 (slower: the narrow band's radius-2 probes)
MAX_FLIPS = max(RADII_32)
AHEAD = 16  # prefetch distance of the search phases
EXACT_UP_TO = sum(r + 1 for r in RADII_32) - 1  # 32
assert sum(BAND_WIDTHS) == 256


def radii_for(max_distance: int) -> tuple[int, ...]:
    """The probe radius of each band for an exact search up to ``max_distance``."""
    if max_distance <= sum(r + 1 for r in RADII) - 1:
        return RADII
    if max_distance <= EXACT_UP_TO:
        return RADII_32
    raise ValueError(f"the PDQ index is exact only up to distance {EXACT_UP_TO}")


@intrinsic
def _ctpop(typingctx, x):
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@intrinsic
def _prefetch(typingctx, arr, idx):
    """llvm.prefetch(&arr[idx]) for a 1-d array: start a load the loop will need later."""
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        import llvmlite.ir as ir
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = builder.gep(ary.data, [args[1]])
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i8p, ir.IntType(32), ir.IntType(32), ir.IntType(32)])
        fn = cgutils_get_or_insert(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(ir.IntType(32), 0),
                          ir.Constant(ir.IntType(32), 3), ir.Constant(ir.IntType(32), 1)])
        return context.get_dummy_value()

    return sig, codegen


def cgutils_get_or_insert(module, fnty, name):
    from numba.core import cgutils
    return cgutils.get_or_insert_function(module, fnty, name)


@njit(inline="always")
def popcount64(x):
    return _ctpop(x)


@njit(inline="always")
def band_key(c0, c1, c2, c3, start, width, bits):
    """The low ``bits`` bits of the ``width``-bit band starting at bit ``start``."""
    w = start >> 6
    off = start & 63
    if w == 0:
        lo, hi = c0, c1
    elif w == 1:
        lo, hi = c1, c2
    elif w == 2:
        lo, hi = c2, c3
    else:
        lo, hi = c3, np.uint64(0)
    v = lo >> np.uint64(off)
    if off > 0 and off + width > 64:
        v |= hi << np.uint64(64 - off)
    return v & ((np.uint64(1) << np.uint64(bits)) - np.uint64(1))


@njit(cache=True)
def band_keys(codes, start, width, bits):
    n = codes.shape[0]
    out = np.empty(n, dtype=np.uint32)
    for i in range(n):
        out[i] = band_key(codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3], start, width, bits)
    return out


@njit(cache=True)
def brute_force(codes, queries, maxd):
    """Every (query, bank row, distance) within ``maxd``: the reference the index is
    tested and benchmarked against."""
    cap = 1024
    out_q = np.empty(cap, dtype=np.int64)
    out_i = np.empty(cap, dtype=np.int64)
    out_d = np.empty(cap, dtype=np.int32)
    count = 0
    for qi in range(queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        for i in range(codes.shape[0]):
            d = (popcount64(codes[i, 0] ^ q0) + popcount64(codes[i, 1] ^ q1)
                 + popcount64(codes[i, 2] ^ q2) + popcount64(codes[i, 3] ^ q3))
            if d <= maxd:
                if count == cap:
                    cap *= 2
                    out_q = np.concatenate((out_q, np.empty(cap - count, dtype=np.int64)))
                    out_i = np.concatenate((out_i, np.empty(cap - count, dtype=np.int64)))
                    out_d = np.concatenate((out_d, np.empty(cap - count, dtype=np.int32)))
                out_q[count] = qi
                out_i[count] = i
                out_d[count] = d
                count += 1
    return out_q[:count], out_i[:count], out_d[:count]


def flip_masks(bits, radii) -> tuple[np.ndarray, np.ndarray]:
    """Every key mask of at most ``radii[b]`` (0-2) set bits, per band, concatenated:
    (masks uint64, bases int64[n_bands + 1])."""
    parts = []
    for nbits, radius in zip(bits, radii):
        nbits = int(nbits)
        m = [0]
        if radius >= 1:
            m += [1 << x for x in range(nbits)]
        if radius >= 2:
            m += [(1 << x) | (1 << y) for x in range(nbits) for y in range(x + 1, nbits)]
        if radius > 2:
            raise ValueError("probe radius above 2")
        parts.append(np.array(m, dtype=np.uint64))
    bases = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)
    return np.concatenate(parts), bases


# -- slot tables ---------------------------------------------------------------------------
# Per band, one uint32 slot per key: EMPTY (no bank row has the key), the row id itself
# (exactly one row: the common case, ~0.6-1.2 rows a key), or FLAG | position of a run
# ``count, id, id, ...`` in the band's overflow array (two or more rows). A probe is then
# one random read of the slot table and, for a shared key only, one of the overflow array
# -- the offset table + id array this replaced needed both for every non-empty key.
EMPTY = np.uint32(0xFFFFFFFF)
FLAG = np.uint32(0x80000000)
LOW = np.uint32(0x7FFFFFFF)
MAX_ROWS = 0x7FFFFFFF - 1  # row ids and overflow positions must stay below FLAG


@njit(cache=True)
def key_counts(keys, n_buckets):
    """(count per key, overflow length: 1 + count for every key held by >= 2 rows)."""
    counts = np.zeros(n_buckets, dtype=np.uint32)
    for k in keys:
        counts[k] += 1
    size = 0
    for k in range(n_buckets):
        if counts[k] >= 2:
            size += 1 + np.int64(counts[k])
    return counts, size


@njit(cache=True)
def fill_slots(keys, counts, slots, ovf):
    """Fill one band's ``slots`` (len = n_buckets) and ``ovf`` (len from key_counts);
    rows of a shared key are kept in row order."""
    pos = 0
    for k in range(len(slots)):
        c = counts[k]
        if c == 0:
            slots[k] = EMPTY
        elif c == 1:
            slots[k] = EMPTY  # set to the row below
        else:
            slots[k] = FLAG | np.uint32(pos)
            ovf[pos] = c
            counts[k] = pos + 1  # reused as the fill cursor
            pos += 1 + np.int64(c)
    for i in range(len(keys)):
        k = keys[i]
        s = slots[k]
        if s == EMPTY:
            slots[k] = np.uint32(i)
        else:
            at = np.int64(counts[k])
            ovf[at] = np.uint32(i)
            counts[k] += 1


@njit(cache=True)
def search_slots(codes, slots, ovf, slot_bases, ovf_bases, starts, widths, bits, masks,
                 mask_bases, radii, queries, maxd, group):
    """Every (query, bank row, distance) within ``maxd`` (<= 32), each pair once.

    Queries go ``group`` at a time through three phases, each a long run of independent
    random reads prefetched ``AHEAD`` steps ahead (the CPU keeps many misses in flight):
    (1) every probe key's slot -- a single row goes straight to the candidates, a shared
    key's overflow position to a list; (2) the overflow runs; (3) every candidate's code
    and its exact distance. A hit is reported only from the first band whose probes reach
    it (no duplicates, no hash set). Hits come out grouped by query group, not sorted.
    ``masks`` holds each band's flip masks (``radii[b]`` flips at most) followed by ``AHEAD``
    zeros (see pad_masks)."""
    nq = queries.shape[0]
    nb = len(starts)
    per_query = 0
    for b in range(nb):
        per_query += mask_bases[b + 1] - mask_bases[b] - AHEAD
    P = group * per_query
    qkeys = np.empty((group, nb), dtype=np.uint64)
    r_pos = np.zeros(P + AHEAD, dtype=np.int64)
    r_tag = np.empty(P, dtype=np.uint64)
    cap = P + 4096
    cand = np.zeros(cap + AHEAD, dtype=np.uint64)  # row << 32 | group query << 4 | band
    hcap = 1024
    out_q = np.empty(hcap, dtype=np.int64)
    out_i = np.empty(hcap, dtype=np.int64)
    out_d = np.empty(hcap, dtype=np.int32)
    h = 0
    flat = codes.reshape(-1)
    u32 = np.uint64(32)
    for g0 in range(0, nq, group):
        gn = min(group, nq - g0)
        # phase 1: slots (branch-free: each probe is written to both lists, kept by one)
        c = 0
        n_r = 0
        for g in range(gn):
            q0, q1, q2, q3 = queries[g0 + g, 0], queries[g0 + g, 1], queries[g0 + g, 2], queries[g0 + g, 3]
            for b in range(nb):
                qkeys[g, b] = band_key(q0, q1, q2, q3, starts[b], widths[b], bits[b])
            for b in range(nb):
                kq = qkeys[g, b]
                base = slot_bases[b]
                obase = ovf_bases[b]
                tag = np.uint64((g << 4) | b)
                for m in range(mask_bases[b], mask_bases[b + 1] - AHEAD):
                    _prefetch(slots, base + np.int64(kq ^ masks[m + AHEAD]))
                    v = slots[base + np.int64(kq ^ masks[m])]
                    cand[c] = (np.uint64(v) << u32) | tag
                    c += v < FLAG
                    r_pos[n_r] = obase + np.int64(v & LOW)
                    r_tag[n_r] = tag
                    n_r += (v != EMPTY) & (v >= FLAG)
        for p in range(n_r, n_r + AHEAD):
            r_pos[p] = 0
        # phase 2: rows of the shared keys (each run holds >= 2)
        for r in range(n_r):
            _prefetch(ovf, r_pos[r + AHEAD])
            at = r_pos[r]
            cnt = np.int64(ovf[at])
            if c + cnt > cap:
                cap = 2 * (c + cnt)
                grown = np.zeros(cap + AHEAD, dtype=np.uint64)
                grown[:c] = cand[:c]
                cand = grown
            t = r_tag[r]
            cand[c] = (np.uint64(ovf[at + 1]) << u32) | t
            cand[c + 1] = (np.uint64(ovf[at + 2]) << u32) | t
            c += 2
            for x in range(2, cnt):
                cand[c] = (np.uint64(ovf[at + 1 + x]) << u32) | t
                c += 1
        for j in range(c, c + AHEAD):
            cand[j] = 0
        # phase 3: exact distances
        for j in range(c):
            _prefetch(flat, 4 * np.int64(cand[j + AHEAD] >> u32))
            v = cand[j]
            i = np.int64(v >> u32)
            g = np.int64((v >> np.uint64(4)) & np.uint64(0xFFFFFFF))
            qi = g0 + g
            c0, c1, c2, c3 = codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3]
            d = (popcount64(c0 ^ queries[qi, 0]) + popcount64(c1 ^ queries[qi, 1])
                 + popcount64(c2 ^ queries[qi, 2]) + popcount64(c3 ^ queries[qi, 3]))
            if d > maxd:
                continue
            band = np.int64(v & np.uint64(15))
            first = True
            for b in range(band):
                kb = band_key(c0, c1, c2, c3, starts[b], widths[b], bits[b])
                if popcount64(kb ^ qkeys[g, b]) <= radii[b]:
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


def pad_masks(masks: np.ndarray, bases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each band's masks followed by ``AHEAD`` zeros, so the search can prefetch the probe
    ``AHEAD`` steps on without a bounds test (a zero mask re-reads the query's own key)."""
    parts, new_bases = [], [0]
    for b in range(len(bases) - 1):
        parts += [masks[bases[b]:bases[b + 1]], np.zeros(AHEAD, dtype=np.uint64)]
        new_bases.append(new_bases[-1] + int(bases[b + 1] - bases[b]) + AHEAD)
    return np.concatenate(parts), np.array(new_bases, dtype=np.int64)
