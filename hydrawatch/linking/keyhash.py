"""Handle blocking keys as 64-bit integers, computed by a compiled kernel.

``handles.blocking_keys`` spells the keys of a handle as strings — ``"d:" + skeleton``,
``"d:" + skeleton`` with one character removed (skeletons of 5+ characters) and
``"s:" + sorted(skeleton)`` — and a KeyIndex only ever compares them for equality. Here the
same keys are hashed straight from the skeletons' code points (numba, cached on disk): no
key string is built, so a million suspended accounts cost one Python ``skeleton()`` call
per distinct handle and nothing per key.

The hash is FNV-1a over the code points, seeded by the key's kind and length, then a
splitmix64 finaliser; ``key_hash`` is the same function in plain Python (the tests check
the kernel against it over ``blocking_keys``). Two different key strings share a hash with
probability ~2^-64 per pair, as with Python's own ``hash`` used before; 0 is never a key
(KeyIndex drops 0 as "no key").
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hydrawatch.linking.handles import MIN_DELETE_KEY_LEN, skeleton

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_M64 = (1 << 64) - 1
KIND_D, KIND_S = 1, 2  # "d:" keys (skeleton and its deletions), "s:" (sorted letters)


def _mix(h: int) -> int:
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _M64
    return h ^ (h >> 31)


def key_hash(key: str) -> int:
    """The int64 hash of one key string as ``blocking_keys`` spells it ("d:..." / "s:...")."""
    kind = KIND_D if key.startswith("d:") else KIND_S
    body = key[2:]
    h = _FNV_OFFSET ^ (kind * 0x9E3779B97F4A7C15 & _M64) ^ len(body)
    for ch in body:
        h = ((h ^ ord(ch)) * _FNV_PRIME) & _M64
    h = _mix(h) or 1
    return h - (1 << 64) if h >= 1 << 63 else h


@njit(cache=True)
def _finish(h):
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    if h == np.uint64(0):
        h = np.uint64(1)
    return h


@njit(cache=True)
def _seed(kind, length):
    return (np.uint64(_FNV_OFFSET) ^ (np.uint64(kind) * np.uint64(0x9E3779B97F4A7C15))
            ^ np.uint64(length))


@njit(cache=True)
def _count_keys(lengths, min_delete):
    total = 0
    for L in lengths:
        if L == 0:
            continue
        total += 1
        if L >= min_delete:
            total += L + 1
    return total


@njit(cache=True)
def _keys_kernel(cps, lengths, rows, min_delete, out_rows, out_keys):
    """Every key of every skeleton (row i: code points cps[i, :lengths[i]])."""
    prime = np.uint64(_FNV_PRIME)
    buf = np.empty(cps.shape[1], np.uint32)
    k = 0
    for i in range(cps.shape[0]):
        L = lengths[i]
        if L == 0:
            continue
        r = rows[i]
        h = _seed(1, L)
        for j in range(L):
            h = (h ^ np.uint64(cps[i, j])) * prime
        out_rows[k] = r
        out_keys[k] = _finish(h)
        k += 1
        if L < min_delete:
            continue
        for d in range(L):  # the skeleton with character d removed
            h = _seed(1, L - 1)
            for j in range(L):
                if j != d:
                    h = (h ^ np.uint64(cps[i, j])) * prime
            out_rows[k] = r
            out_keys[k] = _finish(h)
            k += 1
        for j in range(L):  # sorted letters
            buf[j] = cps[i, j]
        srt = np.sort(buf[:L])
        h = _seed(2, L)
        for j in range(L):
            h = (h ^ np.uint64(srt[j])) * prime
        out_rows[k] = r
        out_keys[k] = _finish(h)
        k += 1
    return k


def skeleton_codes(skeletons: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n, w) uint32 code points of the strings (zero-padded) and their lengths."""
    lengths = np.fromiter((len(s) for s in skeletons), np.int64, len(skeletons))
    width = int(lengths.max()) if len(lengths) else 0
    if width == 0:
        return np.zeros((len(skeletons), 1), np.uint32), lengths
    arr = np.array(skeletons, dtype=f"<U{width}")
    return arr.view(np.uint32).reshape(len(skeletons), width), lengths


def skeleton_keys(skeletons: list[str], rows: np.ndarray,
                  chunk: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
    """(rows, int64 key hashes): the hashed ``blocking_keys`` of each skeleton, with the row
    it belongs to (the same (row, key) set as hashing ``blocking_keys`` of the handles)."""
    rows = np.asarray(rows, np.int64)
    r_parts, k_parts = [], []
    for lo in range(0, len(skeletons), chunk):
        cps, lengths = skeleton_codes(skeletons[lo: lo + chunk])
        n = _count_keys(lengths, MIN_DELETE_KEY_LEN)
        out_r = np.empty(n, np.int64)
        out_k = np.empty(n, np.uint64)
        _keys_kernel(cps, lengths, rows[lo: lo + chunk], MIN_DELETE_KEY_LEN, out_r, out_k)
        r_parts.append(out_r)
        k_parts.append(out_k.view(np.int64))
    if not r_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(r_parts), np.concatenate(k_parts)


def handle_keys(lists_of_handles, firsts: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, int64 key hashes) of the blocking keys of every handle of every row; one
    ``skeleton()`` call per distinct handle. ``firsts``: a list that receives each row's
    first handle's skeleton ("" for none)."""
    skel_of: dict[str, str] = {}
    skels: list[str] = []
    rows: list[int] = []
    for r, hs in enumerate(lists_of_handles):
        first = True
        for h in hs:
            sk = skel_of.get(h)
            if sk is None:
                sk = skel_of[h] = skeleton(h)
            if first and firsts is not None:
                firsts.append(sk)
            first = False
            if sk:
                skels.append(sk)
                rows.append(r)
        if first and firsts is not None:
            firsts.append("")
    return skeleton_keys(skels, np.array(rows, np.int64))


@njit(cache=True)
def minhash_rows(codes, mask, a, b, out):
    """MinHash of each row's 3-gram codes (minhash.signatures_numpy's arithmetic, without
    its (n, w, NUM_PERM) temporaries): out[i, p] = min over the row's 3-grams of
    ((x * a[p] + b[p]) >> 16) & 0xFFFFFFFF, x the folded code; rows whose first position
    is no 3-gram keep their EMPTY signature."""
    n, w = codes.shape
    m = a.shape[0]
    mask31 = np.uint64(0x7FFFFFFF)
    mask32 = np.uint64(0xFFFFFFFF)
    s16 = np.uint64(16)
    s29 = np.uint64(29)
    best = np.empty(m, np.uint64)
    for i in range(n):
        if not mask[i, 0]:
            continue
        for p in range(m):
            best[p] = mask32 + np.uint64(1)
        for j in range(w):
            if not mask[i, j]:
                continue
            c = codes[i, j]
            x = (c ^ (c >> s29)) & mask31
            for p in range(m):
                h = ((x * a[p] + b[p]) >> s16) & mask32
                if h < best[p]:
                    best[p] = h
        for p in range(m):
            out[i, p] = np.uint32(best[p])


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for int64 *hash* keys, about 5x faster: numpy's
    vectorised ``sort`` of words packing each key's high bits with its position, then the
    rare runs whose high bits tie are ordered by their full keys. Exact for any keys; fast
    when they are spread over the 64 bits (keys with few distinct high bits fall back)."""
    keys = np.ascontiguousarray(keys, np.int64)
    n = len(keys)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    b = max(1, (n - 1).bit_length())
    u = keys.view(np.uint64) ^ np.uint64(1 << 63)  # signed order as unsigned
    low = np.uint64((1 << b) - 1)
    packed = u & ~low
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & low).astype(np.int64)
    su = u[order]
    descents = np.flatnonzero(su[1:] < su[:-1])
    if len(descents) == 0:
        return order
    if len(descents) > n // 1000:  # not hash-like: the plain sort
        return np.argsort(keys, kind="stable")
    prefix = packed & ~low  # sorted
    for p in np.unique(prefix[descents]):
        lo, hi = np.searchsorted(prefix, p, "left"), np.searchsorted(prefix, p, "right")
        order[lo:hi] = order[lo:hi][np.argsort(su[lo:hi], kind="stable")]
    return order


@njit(cache=True)
def co_neighbour_top(a_indptr, a_indices, a_data, b_indptr, b_indices, b_data, n_col, top,
                     out_r, out_c, row_start, col_bound):
    """Per row i of the sparse product A @ B, the ``top`` columns of largest value -- what
    ``_top_per_row(A @ B, top)`` gives, without the product matrix: the row is accumulated
    exactly as scipy's csr_matmat does (float32 sums, columns listed in reverse order of
    first touch), then ordered by value, ties kept in that listing order (stable).
    Only columns k with ``row_start[i] >= col_bound[k]`` (or ``row_start[i]`` NaN) count:
    a predecessor must have fallen silent before its successor started."""
    nxt = np.full(n_col, -1, np.int64)
    sums = np.zeros(n_col, b_data.dtype)
    b_full = b_data.shape[0] == b_indices.shape[0]  # else B's values are all b_data[0]
    buf_c = np.empty(n_col, np.int64)
    buf_v = np.empty(n_col, b_data.dtype)
    k_out = 0
    for i in range(len(a_indptr) - 1):
        head = -2
        length = 0
        for jj in range(a_indptr[i], a_indptr[i + 1]):
            j = a_indices[jj]
            v = a_data[jj]
            for kk in range(b_indptr[j], b_indptr[j + 1]):
                k = b_indices[kk]
                sums[k] += v * (b_data[kk] if b_full else b_data[0])
                if nxt[k] == -1:
                    nxt[k] = head
                    head = k
                    length += 1
        m = 0
        start = row_start[i]
        any_time = np.isnan(start)
        for _ in range(length):
            if sums[head] != 0 and (any_time or start >= col_bound[head]):
                buf_c[m] = head
                buf_v[m] = sums[head]
                m += 1
            temp = head
            head = nxt[head]
            nxt[temp] = -1
            sums[temp] = 0
        order = np.argsort(-buf_v[:m], kind="mergesort")
        for t in range(min(top, m)):
            out_r[k_out] = i
            out_c[k_out] = buf_c[order[t]]
            k_out += 1
    return k_out


@njit(cache=True)
def _inverse_kernel(values, indptr, n_ids, max_hub, flip, out_indptr, out_indices):
    """The inverted index of a ragged neighbour list (row i holds ids values[indptr[i]:
    indptr[i+1]]): for each id in [0, n_ids), the rows holding it, each once, in row order
    (reversed when ``flip``); ids held by more than ``max_hub`` rows keep none. A counting
    sort by id, deduplicated and pruned in place; returns the number of entries."""
    n_rows = len(indptr) - 1
    starts = np.zeros(n_ids + 1, np.int64)
    for e in range(len(values)):
        v = values[e]
        if 0 <= v < n_ids:
            starts[v + 1] += 1
    for v in range(n_ids):
        starts[v + 1] += starts[v]
    fill = starts[:-1].copy()
    for r in range(n_rows):
        for e in range(indptr[r], indptr[r + 1]):
            v = values[e]
            if 0 <= v < n_ids:
                out_indices[fill[v]] = r
                fill[v] += 1
    w = 0
    out_indptr[0] = 0
    for v in range(n_ids):
        lo, hi = starts[v], starts[v + 1]
        begin = w
        last = -1
        for e in range(lo, hi):  # rows ascending: a row holding the id twice is adjacent
            r = out_indices[e]
            if r != last:
                out_indices[w] = r
                w += 1
                last = r
        if w - begin > max_hub:
            w = begin
        elif flip:
            i, j = begin, w - 1
            while i < j:
                tmp = out_indices[i]
                out_indices[i] = out_indices[j]
                out_indices[j] = tmp
                i += 1
                j -= 1
        out_indptr[v + 1] = w
    return w


def inverse_index(values: np.ndarray, indptr: np.ndarray, n_ids: int, max_hub: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices) of ``neighbour_matrix(rag, n_ids).T`` in CSR form with the ids held
    by more than ``max_hub`` rows emptied -- exactly the arrays (and entry order) of the
    transpose, ``diags(~hubs) @ inverse`` and ``eliminate_zeros`` (which lists each row's
    entries in reverse when any id is a hub), without the transposed copy or the matrix
    product. int32 arrays while the entries fit, as scipy's."""
    values = np.asarray(values, np.int64)
    indptr = np.asarray(indptr, np.int64)
    ok = (values >= 0) & (values < n_ids)
    per_id = np.bincount(values[ok], minlength=n_ids) if len(values) else np.zeros(n_ids, np.int64)
    n = int(per_id.sum())
    # the hub test on distinct rows per id: an upper bound first (repeats counted), exact below
    out_indices = np.empty(n, np.int32 if len(indptr) - 1 < 2**31 else np.int64)
    out_indptr = np.empty(n_ids + 1, np.int64)
    flip = _any_hub(values, indptr, n_ids, max_hub) if (per_id > max_hub).any() else False
    nnz = _inverse_kernel(values, indptr, n_ids, max_hub, flip, out_indptr, out_indices)
    idx_dtype = np.int32 if nnz < 2**31 and len(indptr) - 1 < 2**31 else np.int64
    return out_indptr.astype(idx_dtype), out_indices[:nnz].astype(idx_dtype, copy=False).copy()


@njit(cache=True)
def _any_hub(values, indptr, n_ids, max_hub):
    """Is any id held by more than ``max_hub`` distinct rows?"""
    seen = np.full(n_ids, -1, np.int64)
    count = np.zeros(n_ids, np.int64)
    for r in range(len(indptr) - 1):
        for e in range(indptr[r], indptr[r + 1]):
            v = values[e]
            if 0 <= v < n_ids and seen[v] != r:
                seen[v] = r
                count[v] += 1
                if count[v] > max_hub:
                    return True
    return False


@njit(cache=True)
def _pairwise_block(a, lo, n):
    """numpy's pairwise summation (``DOUBLE_pairwise_sum``) of a[lo:lo + n], n <= 128."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def _pairwise_sum(a, lo, n):
    """numpy's pairwise summation of a[lo:lo + n], bit for bit: blocks of <= 128 summed as
    above, larger runs split in two (halves rounded down to a multiple of 8) and the halves'
    sums added -- the recursion done with an explicit stack (numba's cache and recursion
    do not mix)."""
    if n <= 128:
        return _pairwise_block(a, lo, n)
    los = np.empty(64, np.int64)
    ns = np.empty(64, np.int64)
    state = np.zeros(64, np.int64)  # 1: left half pending, 2: right half pending
    left = np.empty(64, np.float64)
    sp = 0
    los[0], ns[0], state[0] = lo, n, 0
    while True:
        if ns[sp] > 128:
            half = ns[sp] // 2
            half -= half % 8
            state[sp] = 1
            los[sp + 1], ns[sp + 1], state[sp + 1] = los[sp], half, 0
            sp += 1
            continue
        r = _pairwise_block(a, los[sp], ns[sp])
        while True:  # hand r up to the frames waiting for it
            sp -= 1
            if sp < 0:
                return r
            if state[sp] == 1:
                left[sp] = r
                state[sp] = 2
                half = ns[sp] // 2
                half -= half % 8
                los[sp + 1], ns[sp + 1], state[sp + 1] = los[sp] + half, ns[sp] - half, 0
                sp += 1
                break
            r = left[sp] + r


@njit(cache=True)
def pair_overlaps(a_indptr, a_indices, b_indptr, b_indices, b_weights, qq, ss, shared, weighted):
    """Per pair k: the ids row qq[k] of A and row ss[k] of B share (both rows sorted, no
    repeats), counted, and B's weights of them summed -- what
    ``A[qq].multiply(B[ss]).sum(axis=1)`` gives for 0/1 matrices, bit for bit: scipy's
    canonical element-wise product lists a row's entries in id order, and its row sum is
    ``np.add.reduceat`` (the first entry plus numpy's pairwise sum of the others)."""
    buf = np.empty(max(len(b_indices), 1), np.float64)
    for k in range(len(qq)):
        i = qq[k]
        j = ss[k]
        p, pe = a_indptr[i], a_indptr[i + 1]
        r, re = b_indptr[j], b_indptr[j + 1]
        m = 0
        while p < pe and r < re:
            x = a_indices[p]
            y = b_indices[r]
            if x == y:
                buf[m] = b_weights[r]
                m += 1
                p += 1
                r += 1
            elif x < y:
                p += 1
            else:
                r += 1
        shared[k] = m
        weighted[k] = 0.0 if m == 0 else buf[0] + _pairwise_sum(buf, 1, m - 1)
