"""Candidate generators: which suspended accounts could a new account replace?

Each generator is a lookup in an index built once over the suspended side, so the cost
of a query grows with the new accounts and the sizes of the buckets they hit, never with
(new x suspended):

========  ==================================================================
bit       generator
========  ==================================================================
HANDLE    exact keys on the handle skeleton, its delete-1 neighbourhood and
          sorted letters (handles.py), over every handle a suspended id had
HANDLE_LSH  MinHash LSH over handle 3-grams (any other close spelling)
NAME_LSH  MinHash LSH over display-name 3-grams (any script)
FOLLOWERS co-followers: suspended accounts followed by the new account's
          followers (sparse product over an inverted index, hubs pruned) —
          exact overlap counts, so a handful of returning followers suffices
          long before a Jaccard-threshold LSH would fire
FOLLOWING co-following: the same over the accounts each one follows
AVATAR    PDQ multi-hash index over avatars, distance <= 31
SHOUTOUT  posts of the new account mentioning a handle a suspended id held
========  ==================================================================

Buckets larger than ``max_bucket`` (a skeleton like "news", a name like "Abu") are
dropped: they carry no identity and would make a query cost grow with the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from hydrawatch.linking import minhash, specs
from hydrawatch.linking.handles import local_part, name_core, skeleton_rarity
from hydrawatch.linking.batch import AccountBatch, Ragged

_BIT = specs.generator_bits()  # the generators, declared in specs.py
HANDLE, HANDLE_LSH, NAME_LSH = _BIT["handle"], _BIT["handle-lsh"], _BIT["name-lsh"]
FOLLOWERS, FOLLOWING, AVATAR, SHOUTOUT = (_BIT["followers"], _BIT["following"], _BIT["avatar"],
                                          _BIT["shout-out"])
SOURCE_NAMES = {bit: name for name, bit in _BIT.items()}
MAX_BUCKET = 50
MAX_HUB = 500          # neighbours followed by / following more suspended accounts are pruned
TOP_NEIGHBOUR = 10     # co-follower candidates kept per new account
MAX_CANDIDATES = 25    # candidates kept per new account (most generators agreeing first)
QUERY_CHUNK = 10_000   # new accounts whose raw proposals are combined at once (bounds memory)


def handle_keys(lists_of_handles, firsts: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, int64 key hashes) of every handle's blocking keys (keyhash.py, compiled);
    ``firsts`` receives each row's first handle's skeleton."""
    from hydrawatch.linking import keyhash  # numba: imported when linking runs, not with the CLI

    return keyhash.handle_keys(lists_of_handles, firsts)


def _hash_strings(strings) -> np.ndarray:
    return np.fromiter((hash(s) for s in strings), np.int64)


def _hashed_keys(lists_of_handles, keys_of, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """(rows, int64 key hashes) of ``keys_of(handle)`` over each row's handles, a chunk of
    rows at a time (the string path: ``keyhash.handle_keys`` gives the same pairs without a
    key string; the tests compare the two)."""
    rows_parts, key_parts = [], []
    for lo in range(0, len(lists_of_handles), chunk):
        rows, keys = _expand([[k for h in hs for k in keys_of(h)] for hs in lists_of_handles[lo: lo + chunk]])
        rows_parts.append(rows + lo)
        key_parts.append(_hash_strings(keys))
    if not rows_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows_parts), np.concatenate(key_parts)


def _expand(lists: list) -> tuple[np.ndarray, list]:
    rows = np.fromiter((i for i, xs in enumerate(lists) for _ in xs), np.int64)
    flat = [x for xs in lists for x in xs]
    return rows, flat


class KeyIndex:
    """Sorted (key, row) pairs with oversized buckets removed; exact lookups in bulk."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray, max_bucket: int = MAX_BUCKET):
        keep = keys != 0
        keys, rows = keys[keep], rows[keep]
        from hydrawatch.linking.keyhash import stable_argsort

        order = stable_argsort(keys)  # == np.argsort(keys, kind="stable"), for hash keys
        keys, rows = keys[order], rows[order]
        # one (key, row) once: an account with two handles sharing a key counts once
        if len(keys):
            first = np.ones(len(keys), bool)
            first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
            keys, rows = keys[first], rows[first]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        counts = np.diff(np.r_[starts, len(keys)])  # keys are sorted: runs are buckets
        small = np.repeat(counts <= max_bucket, counts)
        self.keys, self.rows = keys[small], rows[small].astype(np.int32)

    def __len__(self) -> int:
        return len(self.keys)

    def query(self, qkeys: np.ndarray, qrows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # looked up in key order (each search starts near the last: far fewer cache misses)
        by_key = np.argsort(qkeys)
        lo = np.empty(len(qkeys), np.int64)
        hi = np.empty(len(qkeys), np.int64)
        lo[by_key] = np.searchsorted(self.keys, qkeys[by_key], "left")
        hi[by_key] = np.searchsorted(self.keys, qkeys[by_key], "right")
        n = hi - lo
        total = int(n.sum())
        q = np.repeat(qrows, n)
        offsets = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(total)
        return q, self.rows[offsets].astype(np.int64)


def neighbour_matrix(rag: Ragged, n_ids: int) -> sparse.csr_matrix:
    """Row i has a 1 at each neighbour id of row i; ids >= n_ids (accounts the other side
    never saw) are dropped, as they cannot be shared."""
    values, indptr = rag.values, rag.indptr
    if len(values) and (values.max() >= n_ids or values.min() < 0):
        ok = (values >= 0) & (values < n_ids)
        row = np.repeat(np.arange(len(rag), dtype=np.int64), np.diff(indptr))
        indptr = np.r_[0, np.cumsum(np.bincount(row[ok], minlength=len(rag)))]
        values = values[ok]
    data = np.ones(len(values), np.float32)
    m = sparse.csr_matrix((data, values, indptr), shape=(len(rag), n_ids))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _top_per_row(m: sparse.csr_matrix, top: int, row_start: np.ndarray | None = None,
                 col_bound: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    m = m.tocoo()
    if m.nnz and row_start is not None:
        start = row_start[m.row]
        ok = np.isnan(start) | (start >= col_bound[m.col])
        m = sparse.coo_matrix((m.data[ok], (m.row[ok], m.col[ok])), shape=m.shape)
    if m.nnz == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((-m.data, m.row))
    r, c = m.row[order].astype(np.int64), m.col[order].astype(np.int64)
    starts = np.searchsorted(r, r, "left")
    keep = (np.arange(len(r)) - starts) < top
    return r[keep], c[keep]


def start_bounds(suspended: AccountBatch) -> np.ndarray:
    """Per suspended row, the time a successor must start at or after (``timing_ok``): its
    last sign of life, else its suspension; +inf when it was never seen suspended."""
    bound = np.where(np.isnan(suspended.active_until), suspended.suspended_at, suspended.active_until)
    return np.where(np.isnan(suspended.suspended_at), np.inf, bound).astype(np.float64)


class CoNeighbourIndex:
    """Inverted index neighbour -> suspended accounts it is adjacent to. ``bound``: per
    suspended row, the earliest start of a successor (``start_bounds``); a query given the
    new accounts' starts ranks only the suspended accounts each could replace, so a
    community's members still active when the new account started don't crowd out the
    one that was suspended."""

    def __init__(self, rag: Ragged, n_ids: int, max_hub: int = MAX_HUB, bound: np.ndarray | None = None):
        self.bound = (np.full(len(rag), -np.inf) if bound is None else np.asarray(bound, np.float64))
        from hydrawatch.linking.keyhash import inverse_index

        if len(rag.values):
            n_ids = max(n_ids, int(rag.values.max()) + 1)
        self.n_ids = n_ids
        # neighbour_matrix(rag).T with the hubs' rows emptied, built by one counting sort
        # (no transposed copy, no matrix product); every value is 1, so none is stored
        self.indptr, self.indices = inverse_index(rag.values, rag.indptr, n_ids, max_hub)
        self.n_rows = len(rag)

    @property
    def inverse(self) -> sparse.csr_matrix:
        """The inverted index as a sparse 0/1 matrix (ids x suspended rows)."""
        return sparse.csr_matrix((np.ones(len(self.indices), np.float32), self.indices, self.indptr),
                                 shape=(self.n_ids, self.n_rows))

    def query(self, rag: Ragged, qrows: np.ndarray | None = None, top: int = TOP_NEIGHBOUR,
              chunk: int = 5_000, start: np.ndarray | None = None):
        """Top co-neighbour suspended accounts per row: (rows, suspended rows), by row, most
        shared neighbours first; with ``start`` (each row's start time, NaN unknown), among
        the suspended accounts whose bound it meets only. Compiled
        (keyhash.co_neighbour_top): the same pairs, in the same order, as ``query_sparse``
        gives from the sparse product, without it (``chunk`` is kept for callers; the
        kernel needs no chunks)."""
        from hydrawatch.linking.keyhash import co_neighbour_top

        a = neighbour_matrix(rag, self.n_ids)
        start = np.full(a.shape[0], np.nan) if start is None else np.asarray(start, np.float64)
        out_r = np.empty(a.shape[0] * top, np.int64)
        out_c = np.empty(a.shape[0] * top, np.int64)
        n = co_neighbour_top(a.indptr, a.indices, a.data, self.indptr, self.indices, np.ones(1, np.float32),
                             self.n_rows, top, out_r, out_c, start, self.bound)
        return out_r[:n], out_c[:n]

    def query_sparse(self, rag: Ragged, qrows: np.ndarray | None = None, top: int = TOP_NEIGHBOUR,
                     chunk: int = 5_000, start: np.ndarray | None = None):
        """``query`` by sparse products, a chunk of rows at a time (the reference)."""
        a = neighbour_matrix(rag, self.n_ids)
        inverse = self.inverse
        qs, ss = [], []
        for lo in range(0, a.shape[0], chunk):
            part = None if start is None else np.asarray(start, np.float64)[lo: lo + chunk]
            q, s = _top_per_row(a[lo: lo + chunk] @ inverse, top, part, None if start is None else self.bound)
            qs.append(q + lo)
            ss.append(s)
        if not qs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(qs), np.concatenate(ss)


@dataclass
class Candidates:
    q: np.ndarray        # row in the new batch
    s: np.ndarray        # row in the suspended batch
    sources: np.ndarray  # bit mask of the generators that proposed the pair


class SuspendedIndex:
    """Every blocking index over the suspended side, built once per run."""

    def __init__(self, suspended: AccountBatch, n_ids: int, *, max_bucket: int = MAX_BUCKET,
                 max_hub: int = MAX_HUB):
        from hydrawatch.media.index import PDQIndex, codes_from_hex

        self.batch = suspended
        firsts: list[str] = []
        rows, keys = handle_keys(suspended.handles, firsts)
        self.handle_keys = KeyIndex(keys, rows, max_bucket)
        # how rare each suspended account's handle skeleton is among them (a naming family)
        self.skeleton_rarity = skeleton_rarity(firsts)
        del rows, keys
        self.handle_lsh = self._lsh(_lsh_handles(suspended), max_bucket)
        self.name_lsh = self._lsh([name_core(n) for n in suspended.names], max_bucket)
        rows, handles = _expand([list(hs) + ["#" + i] for hs, i in zip(suspended.handles, suspended.ids)])
        self.handle_exact = KeyIndex(_hash_strings(handles), rows, max_bucket)
        bound = start_bounds(suspended)
        self.followers = CoNeighbourIndex(suspended.followers, n_ids, max_hub, bound)
        self.following = CoNeighbourIndex(suspended.following, n_ids, max_hub, bound)
        have = [i for i, a in enumerate(suspended.avatars) if a]
        self.avatar_rows = np.array(have, np.int64)  # bank row -> suspended row
        self._densities = None
        self.avatars = PDQIndex.from_codes(codes_from_hex([suspended.avatars[i] for i in have]), have)

    def avatar_matches(self, avatars: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
        """(row in ``avatars``, suspended row) of every suspended avatar within the match
        distance, straight from the index's integer arrays."""
        from hydrawatch.media.index import codes_from_hex

        rows = np.array([i for i, a in enumerate(avatars) if a], np.int64)
        qi, bi, _d = self.avatars.search_codes(codes_from_hex([avatars[i] for i in rows]))
        return rows[qi], self.avatar_rows[bi]

    SEARCH_SECONDS = 1e-4     # one avatar searched in the index (~1M avatars, one core)
    PAIR_CHECK_SECONDS = 8e-9  # one pair checked by the self-join (density.py)

    def avatar_densities(self, queries: int | None = None) -> np.ndarray | None:
        """Per suspended row, how many suspended avatars lie within the match distance of its
        own (itself included; 0 without an avatar), by one self-join of every avatar
        (density.py), computed once and kept. With ``queries``: None instead when searching
        that many rows in the index would be cheaper than the self-join."""
        from hydrawatch.linking import density

        if self._densities is None:
            if queries is not None and (queries * self.SEARCH_SECONDS
                                        < density.self_join_cost(len(self.avatars)) * self.PAIR_CHECK_SECONDS):
                return None
            out = np.zeros(len(self.batch), np.int64)
            out[self.avatar_rows] = density.densities(self.avatars.codes)
            self._densities = out
        return self._densities

    @staticmethod
    def _lsh(strings: list[str], max_bucket: int) -> KeyIndex:
        keys = minhash.band_keys(minhash.signatures(strings))
        rows = np.repeat(np.arange(len(strings), dtype=np.int64), keys.shape[1])
        return KeyIndex(keys.ravel(), rows, max_bucket)

    @staticmethod
    def _lsh_query(index: KeyIndex, strings: list[str]):
        keys = minhash.band_keys(minhash.signatures(strings))
        rows = np.repeat(np.arange(len(strings), dtype=np.int64), keys.shape[1])
        return index.query(keys.ravel(), rows)

    def generate(self, new: AccountBatch) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Raw (bit, q, s) proposals of every generator."""
        out = []
        rows, keys = handle_keys([hs[:1] for hs in new.handles])
        out.append((HANDLE, *self.handle_keys.query(keys, rows)))
        out.append((HANDLE_LSH, *self._lsh_query(self.handle_lsh, _lsh_handles(new))))
        out.append((NAME_LSH, *self._lsh_query(self.name_lsh, [name_core(n) for n in new.names])))
        out.append((FOLLOWERS, *self.followers.query(new.followers, start=new.created_at)))
        out.append((FOLLOWING, *self.following.query(new.following, start=new.created_at)))
        out.append((AVATAR, *self.avatar_matches(new.avatars)))
        if new.posts is not None:
            mq, mentioned = _expand([{h for ms in new.posts.mentions[i] for h in ms}
                                     for i in range(len(new))])
            out.append((SHOUTOUT, *self.handle_exact.query(_hash_strings(mentioned), mq)))
        return out

    def candidates(self, new: AccountBatch, *, max_candidates: int = MAX_CANDIDATES) -> Candidates:
        """Every proposed pair once, with the generators that proposed it, after the
        identity and timing rules: never the same id (a rename is not a re-entry), and the
        new account must start after the suspended one's last sign of life."""
        parts = []
        for lo in range(0, len(new), QUERY_CHUNK):  # raw proposals of a chunk at a time
            part = new.slice(lo, lo + QUERY_CHUNK)
            props = self.generate(part)
            q = np.concatenate([p[1] for p in props]).astype(np.int64)
            s = np.concatenate([p[2] for p in props]).astype(np.int64)
            bits = np.concatenate([np.full(len(p[1]), p[0], np.int64) for p in props])
            c = combine(q, s, bits, part, self.batch, max_candidates)
            parts.append(Candidates(c.q + lo, c.s, c.sources))
        if not parts:
            z = np.zeros(0, np.int64)
            return Candidates(z, z, z)
        return Candidates(*(np.concatenate([getattr(c, f) for c in parts]) for f in ("q", "s", "sources")))


def _lsh_handles(batch: AccountBatch) -> list[str]:
    # the part of the handle its owner chose: an instance or hosting domain is not identity
    return [local_part(h).replace("_", "") for h in batch.primary_handles()]


def combine(q, s, bits, new: AccountBatch, suspended: AccountBatch,
            max_candidates: int = MAX_CANDIDATES) -> Candidates:
    n_s = max(len(suspended), 1)
    key = q * n_s + s
    order = stable_order(key)
    key, bits = key[order], bits[order]
    if len(key) == 0:
        z = np.zeros(0, np.int64)
        return Candidates(z, z, z)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ukey = key[starts]
    ubits = np.bitwise_or.reduceat(bits, starts)
    q, s = ukey // n_s, ukey % n_s
    ok = timing_ok(new.created_at[q], suspended.active_until[s], suspended.suspended_at[s])
    # never the same id (a rename is not a re-entry): the suspended row of each new id
    # that is suspended too (few), compared as integers
    ok &= same_rows(new, suspended)[q] != s
    q, s, ubits = q[ok], s[ok], ubits[ok]
    # keep the pairs most generators agree on, at most max_candidates per new account
    votes = np.zeros(len(ubits), np.int64)
    for b in SOURCE_NAMES:
        votes += (ubits & b) > 0
    # ties in votes (a big community proposed by one generator each) broken by timing: the
    # predecessor that fell silent closest before the new account started first, not row
    # order -- one integer key, (fewer votes, minutes of gap), so the sort stays an integer one
    bound = np.where(np.isnan(suspended.active_until[s]), suspended.suspended_at[s], suspended.active_until[s])
    minutes = (new.created_at[q] - bound) / 60.0
    cap = float((1 << 40) - 1)
    gap = np.where(np.isnan(minutes), cap, np.clip(minutes, 0.0, cap)).astype(np.int64)
    order = np.lexsort((((8 - votes) << 40) | gap, q))
    q, s, ubits = q[order], s[order], ubits[order]
    starts = np.searchsorted(q, q, "left")
    keep = (np.arange(len(q)) - starts) < max_candidates
    return Candidates(q[keep], s[keep], ubits[keep])


_ROW_OF_ID: dict = {}  # id(suspended batch) -> (weak reference, number of ids, id -> row)


def same_rows(new: AccountBatch, suspended: AccountBatch) -> np.ndarray:
    """Per new row, the suspended row holding the same id, else -1. The id -> row map of
    the suspended side is made once per batch (kept beside it while it lives), not once
    per query chunk."""
    import weakref

    key = id(suspended)
    hit = _ROW_OF_ID.get(key)
    if hit is None or hit[0]() is not suspended or hit[1] != len(suspended.ids):
        hit = (weakref.ref(suspended, lambda _r, k=key: _ROW_OF_ID.pop(k, None)), len(suspended.ids),
               {i: r for r, i in enumerate(suspended.ids)})
        _ROW_OF_ID[key] = hit
    row_of = hit[2]
    return np.fromiter((row_of.get(i, -1) for i in new.ids), np.int64, len(new.ids))


def stable_order(key: np.ndarray) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` of non-negative int64 keys: when key and position
    fit one 63-bit word together, numpy's vectorised sort of (key << b | position) words."""
    n = len(key)
    b = max(1, (n - 1).bit_length()) if n > 1 else 1
    if n < 2 or key.min() < 0 or int(key.max()) >= (1 << (63 - b)):
        return np.argsort(key, kind="stable")
    packed = (key.astype(np.int64) << b) | np.arange(n, dtype=np.int64)
    packed.sort()
    return packed & ((1 << b) - 1)


def timing_ok(new_start: np.ndarray, last_alive: np.ndarray, suspended_at: np.ndarray) -> np.ndarray:
    """A successor must start after its predecessor's last sign of life (the suspension
    happened between that and its first observation)."""
    bound = np.where(np.isnan(last_alive), suspended_at, last_alive)
    return ~np.isnan(suspended_at) & (np.isnan(new_start) | (new_start >= bound))
