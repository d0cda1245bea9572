"""The fast paths of linking at scale give exactly what the plain paths give.

Each optimisation (compiled handle keys, ...) is checked twice: kernel against its plain
Python definition, and the whole linker on a small synthetic world (the scale benchmark's
generator) against the same linker with the plain path patched back in.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from hydrawatch.linking import candidates as cand_mod
from hydrawatch.linking import engine, features
from hydrawatch.linking.candidates import SuspendedIndex, _hashed_keys
from hydrawatch.linking.engine import avatar_density, find_links
from hydrawatch.linking.handles import blocking_keys, skeleton
from hydrawatch.linking.keyhash import handle_keys, key_hash

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

HANDLES = ["abu_xyz2", "new_Abu_Xyz3", "ab0u_xyz", "theabuxyz", "abuxyz_back", "al_qasim", "x", "ab",
           "abcd", "abcde", "1234567", "____", "", "@News_Front", "ÄBÜ_ÇEM", "أبو_محمد", "абу_зайд",
           "aaabbbccc", "voice.of.dawn", "sword-lion-99", "𝐚𝐛𝐮𝐱𝐲𝐳", "ｆｕｌｌｗｉｄｔｈ", "a b c d e f",
           "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "real_official_news_backup", "ii_iii", "o0o0o0o0"]


def _string_keys(lists_of_handles):
    """The plain path: every key string of every handle, through the Python key hash."""
    rows, keys = [], []
    for r, hs in enumerate(lists_of_handles):
        for h in hs:
            for k in blocking_keys(h):
                rows.append(r)
                keys.append(key_hash(k))
    return np.array(rows, np.int64), np.array(keys, np.int64)


def _plain_avatar_matches(self, avatars):
    """Avatar hits as they were found: hex strings in, (payload, distance) lists out."""
    qa = [i for i, a in enumerate(avatars) if a]
    hits = self.avatars.search([avatars[i] for i in qa])
    return (np.array([qa[k] for k, hs in enumerate(hits) for _ in hs], np.int64),
            np.array([row for hs in hits for row, _d in hs], np.int64))


def _plain_overlap(new_rag, sus_rag, q, s, n_ids):
    """features._overlap as it was: the whole suspended side's matrices on every call."""
    from hydrawatch.linking.candidates import MAX_HUB, neighbour_matrix
    from hydrawatch.linking.features import OVERLAP_CHUNK, adamic_adar_weights

    for rag in (new_rag, sus_rag):
        if len(rag.values):
            n_ids = max(n_ids, int(rag.values.max()) + 1)
    a, b = neighbour_matrix(new_rag, n_ids), neighbour_matrix(sus_rag, n_ids)
    degree = np.bincount(b.indices, minlength=b.shape[1])
    if (degree > MAX_HUB).any():
        b.data[degree[b.indices] > MAX_HUB] = 0
        b.eliminate_zeros()
    bw = b.copy()
    bw.data = adamic_adar_weights(degree[bw.indices]).astype(np.float64)
    shared = np.zeros(len(q))
    aa = np.zeros(len(q))
    for lo in range(0, len(q), OVERLAP_CHUNK):
        qq, ss = q[lo: lo + OVERLAP_CHUNK], s[lo: lo + OVERLAP_CHUNK]
        aq = a[qq]
        shared[lo: lo + len(qq)] = np.asarray(aq.multiply(b[ss]).sum(axis=1)).ravel()
        aa[lo: lo + len(qq)] = np.asarray(aq.multiply(bw[ss]).sum(axis=1)).ravel()
    size = np.asarray(a.sum(axis=1)).ravel()[q]
    old_size = np.asarray(b.sum(axis=1)).ravel()[s]
    return (np.log1p(shared), shared / np.maximum(size, 1), np.log1p(aa), shared,
            shared / np.maximum(old_size, 1))


def _plain_avatar(new, sus, q, s):
    """features._avatar as it was: the hexes decoded pair by pair."""
    from hydrawatch.media.pdq import hamming, to_codes

    dist = np.full(len(q), 256, np.int32)
    have = np.fromiter((bool(new.avatars[i]) and bool(sus.avatars[j]) for i, j in zip(q, s)), bool, len(q))
    if have.any():
        idx = np.flatnonzero(have)
        dist[idx] = hamming(to_codes([new.avatars[q[k]] for k in idx]), to_codes([sus.avatars[s[k]] for k in idx]))
    return dist


def _pairs(rows, keys):
    return sorted(set(zip(rows.tolist(), keys.tolist())))


def test_key_kernel_hashes_exactly_the_blocking_key_strings():
    rng = np.random.default_rng(5)
    extra = ["".join(rng.choice(list("abcdeilos0135_."), rng.integers(1, 16))) for _ in range(500)]
    lists = [(h,) for h in HANDLES + extra] + [tuple(HANDLES[:4]), ()]
    assert _pairs(*handle_keys(lists)) == _pairs(*_string_keys(lists))
    # no two different key strings of the corpus share a hash
    strings = {k for hs in lists for h in hs for k in blocking_keys(h)}
    assert len({key_hash(k) for k in strings}) == len(strings)
    assert 0 not in {key_hash(k) for k in strings}


def test_key_hash_separates_kinds_and_lengths():
    skel = skeleton("abuxyz")
    assert key_hash("d:" + skel) != key_hash("s:" + skel)
    assert key_hash("d:abc") != key_hash("d:abc\x00")


@pytest.fixture(scope="module")
def world():
    from bench_link_scale import make_world

    new, sus, truth, _decoys, _s, pool = make_world(400, 4000, seed=3)
    # a logo shared by many suspended accounts (some a few bits off), worn by re-entries too:
    # the avatar density of the predecessors is then more than 1
    logo = sus.avatars[truth[min(truth)]] or "ab" * 32
    for j in range(0, 4000, 97):
        sus.avatars[j] = logo[:-2] + format(j % 16, "02x")
    for i in list(truth)[:10]:
        new.avatars[i] = logo
    return new, sus, pool


def _result(new, sus, pool):
    return find_links(new, sus, n_ids=pool, index=SuspendedIndex(sus, pool))


def _same(a, b):
    assert a.candidates == b.candidates
    for f in ("q", "s", "sources", "rank"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    for f in ("confidence", "features", "linkable_at"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert a.reasons == b.reasons


def test_fast_linker_equals_plain_paths(world, monkeypatch):
    new, sus, pool = world
    monkeypatch.setattr(SuspendedIndex, "SEARCH_SECONDS", 1.0)  # the self-join path, even this small
    fast_index = SuspendedIndex(sus, pool)
    fast_cand = fast_index.candidates(new)
    fast = _result(new, sus, pool)
    density = avatar_density(fast_index, sus, np.unique(fast_cand.s))
    rows = engine.density_rows(new, sus, fast_cand)  # the rows whose density can count
    assert len(rows) < len(np.unique(fast_cand.s)) and density[rows].max() >= 40
    # the string path as it was: every key string, Python's hash
    def string_keys(lists, firsts=None):
        if firsts is not None:
            firsts.extend(skeleton(hs[0]) if hs else "" for hs in lists)
        return _hashed_keys(lists, blocking_keys)

    monkeypatch.setattr(cand_mod, "handle_keys", string_keys)
    monkeypatch.setattr(SuspendedIndex, "avatar_matches", _plain_avatar_matches)
    monkeypatch.setattr(features, "_overlap", _plain_overlap)
    monkeypatch.setattr(SuspendedIndex, "avatar_densities", lambda self, queries=None: None)
    monkeypatch.setattr(cand_mod.CoNeighbourIndex, "query", cand_mod.CoNeighbourIndex.query_sparse)
    monkeypatch.setattr(features, "_avatar", _plain_avatar)
    monkeypatch.setattr(engine, "density_rows", lambda new, sus, cand: np.unique(cand.s))
    from hydrawatch.linking.model import LinkModel

    monkeypatch.setattr(LinkModel, "explain", _plain_explain)
    plain_cand = SuspendedIndex(sus, pool).candidates(new)
    plain = _result(new, sus, pool)
    for f in ("q", "s", "sources"):
        np.testing.assert_array_equal(getattr(fast_cand, f), getattr(plain_cand, f))
    assert len(fast_cand.q) > 1000
    for bit in (cand_mod.HANDLE, cand_mod.AVATAR):
        assert (fast_cand.sources & bit).any()

    _same(fast, plain)


def test_compiled_minhash_equals_numpy_minhash():
    from hydrawatch.linking import minhash

    rng = np.random.default_rng(2)
    strings = HANDLES + ["", " ", "ab", "abc", "Abu Zaid Media", "x" * 90, "a\x00b\x00cde", "ü" * 3]
    strings += ["".join(rng.choice(list("abc deéأبو"), rng.integers(0, 50))) for _ in range(300)]
    np.testing.assert_array_equal(minhash.signatures(strings, chunk=64),
                                  minhash.signatures_numpy(strings, chunk=64))


def test_repeat_collapse_equals_the_template_substitution():
    from hydrawatch.linking.handles import _REPEATED, _REPEATS

    rng = np.random.default_rng(4)
    alpha = list("aabbcc__..--  \t\n\n00112233@éÉß") + ["ﬁ", "𝐚", "İ", "ǅ"]
    corpus = ["".join(rng.choice(alpha, rng.integers(0, 14))) for _ in range(20_000)] + HANDLES
    for text in corpus:
        assert _REPEATED.sub("", text) == _REPEATS.sub(r"\1", text), text


def test_ragged_rows_and_degrees():
    from hydrawatch.linking.batch import Ragged
    from hydrawatch.linking.features import neighbour_degrees, ragged_rows

    rag = Ragged.from_lists([[1, 2, 2], [], [3], [2, 5]], [[1.0, 2.0, 3.0], [], [4.0], [5.0, 6.0]])
    sub = ragged_rows(rag, np.array([3, 1, 0]))
    assert [sub.row(i).tolist() for i in range(3)] == [[2, 5], [], [1, 2, 2]]
    assert sub.row_times(0).tolist() == [5.0, 6.0]
    assert neighbour_degrees(rag, 7).tolist() == [0, 1, 2, 1, 0, 1, 0]
    assert neighbour_degrees(rag, 7) is neighbour_degrees(rag, 7)


def _plain_explain(self, x, r):
    """LinkModel.explain as it was: every field summed row by row."""
    from hydrawatch.linking.model import CONTEXT, FIELDS, context_features

    contrib = self.base.contributions(x)
    lg = self.base_logit(x)
    if self.context is not None:
        c = self.context
        slope = sum(c.coef[CONTEXT.index(k)] / c.scale[CONTEXT.index(k)]
                    for k in ("base_logit", "margin", "pred_margin"))
        final = self.context.logit(context_features(lg, r, self.null_logit))
    else:
        slope, final = 1.0, lg
    index = {f: i for i, f in enumerate(self.features)}
    out = []
    for k in range(len(lg)):
        fields = {name: round(float(slope * sum(contrib[k, index[f]] for f in feats)), 4)
                  for name, feats in FIELDS.items()}
        prior = round(float(slope * self.base.intercept), 4)
        rest = round(float(final[k]) - sum(fields.values()) - prior, 4)
        out.append({"fields": fields, "prior": prior, "rivals": rest, "log_odds": round(float(final[k]), 4)})
    return out


def test_explain_equals_the_row_by_row_sums(world):
    from hydrawatch.linking.model import LinkModel, default_model, rivals

    new, sus, pool = world
    model = default_model()
    res = _result(new, sus, pool)
    x = res.features
    riv = rivals(res.q, res.s, model.base_logit(x))
    fast = model.explain(x, riv)
    assert fast == _plain_explain(model, x, riv)
    no_context = LinkModel(**{**model.__dict__, "context": None})
    assert no_context.explain(x, riv) == _plain_explain(no_context, x, riv)


@pytest.mark.parametrize("kind", ["hashes", "tied_prefixes", "small", "duplicates"])
def test_stable_argsort_equals_numpy(kind):
    from hydrawatch.linking.keyhash import stable_argsort

    rng = np.random.default_rng(9)
    n = 200_000
    keys = rng.integers(-2**63, 2**63 - 1, n, dtype=np.int64)
    if kind == "tied_prefixes":  # high bits shared by a few runs, low bits differing
        keys[: n // 2000] = (keys[: n // 2000] >> 20 << 20) | 5
        keys[n // 2000: n // 1000] = (keys[: n // 2000] >> 20 << 20) | 3
    elif kind == "small":
        keys = rng.integers(-50, 50, n).astype(np.int64)
    elif kind == "duplicates":
        keys = keys[rng.integers(0, 1000, n)]
    np.testing.assert_array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))
    for m in (0, 1, 2, 3):
        np.testing.assert_array_equal(stable_argsort(keys[:m]), np.argsort(keys[:m], kind="stable"))


def test_co_neighbour_kernel_equals_the_sparse_product(world):
    new, sus, pool = world
    index = SuspendedIndex(sus, pool)
    for inv, rag in ((index.followers, new.followers), (index.following, new.following)):
        fast, plain = inv.query(rag), inv.query_sparse(rag, chunk=97)
        assert len(fast[0]) > 100
        for f, p in zip(fast, plain):
            np.testing.assert_array_equal(f, p)
        for top in (1, 3):
            for f, p in zip(inv.query(rag, top=top), inv.query_sparse(rag, top=top)):
                np.testing.assert_array_equal(f, p)
        # with the new accounts' starts: only suspended accounts each could replace
        start = new.created_at.copy()
        start[::7] = np.nan  # unknown start: any
        timed = inv.query(rag, start=start)
        for f, p in zip(timed, inv.query_sparse(rag, chunk=97, start=start)):
            np.testing.assert_array_equal(f, p)
        q, s = timed
        known = ~np.isnan(start[q])
        assert (start[q][known] >= inv.bound[s][known]).all()


def test_co_neighbour_top_ranks_only_predecessors_a_new_account_could_replace():
    """A community's members still active when the new account started must not fill its
    top co-neighbours and crowd out the member who was suspended (issue 13: 15 shared
    followees, never proposed)."""
    from hydrawatch.linking.batch import Ragged
    from hydrawatch.linking.candidates import CoNeighbourIndex

    # suspended rows 0..11 follow ids 0..29 (rows 0..10 all of them, row 11 fifteen);
    # rows 0..10 fell silent after the new account started, row 11 before it
    sus_following = Ragged.from_lists([list(range(30))] * 11 + [list(range(15))])
    bound = np.array([100.0] * 11 + [10.0])
    inv = CoNeighbourIndex(sus_following, 30, bound=bound)
    new_following = Ragged.from_lists([list(range(30))])
    q, s = inv.query(new_following, top=10)
    assert 11 not in s.tolist()  # without the start, the active siblings win
    q, s = inv.query(new_following, top=10, start=np.array([50.0]))
    assert s.tolist() == [11]


def _clustered_codes(seed=11, n=3000):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 2**63, (n, 4), dtype=np.int64).astype(np.uint64) * np.uint64(2) + \
        rng.integers(0, 2, (n, 4)).astype(np.uint64)
    base = codes[0].copy()
    for r in range(1, 400):  # a logo with 0..40 bits flipped, and exact copies
        c = base.copy()
        for bit in rng.choice(256, rng.integers(0, 41), replace=False):
            c[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
        codes[r] = c
    codes[400:450] = codes[450]
    return codes


def test_avatar_self_join_equals_brute_force():
    from hydrawatch.linking.density import densities
    from hydrawatch.media.index import brute_force

    codes = _clustered_codes()
    for maxd in (31, 16, 0):
        q, _i, _d = brute_force(codes, codes, maxd)
        np.testing.assert_array_equal(densities(codes, maxd), np.bincount(q, minlength=len(codes)))
    assert densities(codes).max() > 50


def test_avatar_densities_equal_the_index_search(world):
    new, sus, pool = world
    index = SuspendedIndex(sus, pool)
    rows = np.arange(len(sus))
    index.SEARCH_SECONDS = 0.0  # searching is always cheaper: the index search path
    searched = avatar_density(index, sus, rows)
    assert index.avatar_densities(queries=len(rows)) is None
    del index.SEARCH_SECONDS
    every = index.avatar_densities()
    have = np.array([bool(a) for a in sus.avatars])
    np.testing.assert_array_equal(every[have], searched[have])
    assert (every[~have] == 0).all() and every.max() >= 40
    np.testing.assert_array_equal(avatar_density(index, sus, rows), searched)  # the kept join


def test_stable_order_equals_numpy():
    from hydrawatch.linking.candidates import stable_order

    rng = np.random.default_rng(3)
    for key in (rng.integers(0, 1000, 50_000), rng.integers(0, 2**40, 50_000), rng.integers(0, 2**62, 1000),
                np.zeros(0, np.int64), np.array([5]), np.array([3, 3, 1, 3])):
        key = key.astype(np.int64)
        np.testing.assert_array_equal(stable_order(key), np.argsort(key, kind="stable"))


def test_features_in_batches_equal_one_call(world):
    from hydrawatch.linking.engine import batched_features
    from hydrawatch.linking.features import Frequencies, pair_features

    new, sus, pool = world
    cand = SuspendedIndex(sus, pool).candidates(new)
    freq = Frequencies.of_batches(new, sus)
    whole = pair_features(new, sus, cand.q, cand.s, pool, freq)
    for batch in (1, 7, 1000):
        np.testing.assert_array_equal(batched_features(new, sus, cand.q, cand.s, pool, freq, batch=batch), whole)
    rows = np.random.default_rng(1).integers(0, len(whole), 3000)
    for batch in (7, 1000, 10**6):  # packed: every value back bit for bit (NaNs, -0.0 too)
        packed = batched_features(new, sus, cand.q, cand.s, pool, freq, batch=batch, packed=True)
        np.testing.assert_array_equal(packed[:].view(np.int64), whole.view(np.int64))
        np.testing.assert_array_equal(packed[rows].view(np.int64), whole[rows].view(np.int64))
        np.testing.assert_array_equal(packed[5:900:3].view(np.int64), whole[5:900:3].view(np.int64))
    narrow = {p.dtype for cols in packed.parts for p in cols}
    assert np.dtype(np.float16) in narrow and np.dtype(np.float64) in narrow


def test_packed_features_keep_odd_values():
    from hydrawatch.linking.engine import PackedFeatures

    x = np.array([[0.0, -0.0, np.nan, 1e-300], [1.5, 2.0, -np.nan, 65504.0], [np.inf, 3.0, 0.1, 1e5]])
    x[1, 2] = np.frombuffer(np.int64(0x7FF8000000000123).tobytes(), np.float64)[0]  # a NaN payload
    p = PackedFeatures(3, 4)
    p.add(0, x[:2])
    p.add(2, x[2:])
    np.testing.assert_array_equal(p[:].view(np.int64), x.view(np.int64))
    np.testing.assert_array_equal(p[np.array([2, 0])].view(np.int64), x[[2, 0]].view(np.int64))


def _plain_inverse(rag, n_ids, max_hub):
    """CoNeighbourIndex's inverse as it was built: transpose, hubs zeroed by a product."""
    from scipy import sparse

    from hydrawatch.linking.candidates import neighbour_matrix

    inv = neighbour_matrix(rag, n_ids).T.tocsr()
    hubs = np.diff(inv.indptr) > max_hub
    if hubs.any():
        inv = sparse.diags((~hubs).astype(np.float32)) @ inv
        inv.eliminate_zeros()
    return inv.tocsr()


@pytest.mark.parametrize("max_hub", [0, 1, 3, 500, 10**6])
def test_inverse_index_equals_the_transposed_matrix(world, max_hub):
    from hydrawatch.linking.batch import Ragged
    from hydrawatch.linking.candidates import CoNeighbourIndex

    new, sus, pool = world
    odd = Ragged.from_lists([[3, 3, 1], [], [1, 7, 3, 1], [9], [2, 1, 1]])  # repeats; 9 >= n_ids
    for rag, n_ids in ((sus.followers, pool), (sus.following, pool), (odd, 8)):
        fast = CoNeighbourIndex(rag, n_ids, max_hub)  # n_ids raised to the largest id + 1
        plain = _plain_inverse(rag, fast.n_ids, max_hub)
        np.testing.assert_array_equal(fast.indptr, plain.indptr)
        np.testing.assert_array_equal(fast.indices, plain.indices)
        assert (plain.data == 1).all() and fast.inverse.shape == plain.shape


def test_pair_overlaps_kernel_equals_the_sparse_products(world):
    new, sus, pool = world
    cand = SuspendedIndex(sus, pool).candidates(new)
    for a_rag, b_rag in ((new.followers, sus.followers), (new.following, sus.following)):
        fast = features._overlap(a_rag, b_rag, cand.q, cand.s, pool)
        plain = _plain_overlap(a_rag, b_rag, cand.q, cand.s, pool)
        assert (fast[3] >= 3).sum() > 20  # sums of several weights
        for f, p in zip(fast, plain):
            np.testing.assert_array_equal(f, p)


def test_pair_overlaps_kernel_long_rows():
    """Rows sharing 0..600 ids: every branch of numpy's pairwise sum (< 8, <= 128, split)."""
    from scipy import sparse

    from hydrawatch.linking.keyhash import pair_overlaps

    rng = np.random.default_rng(8)
    n_ids, rows = 900, 60
    dense_a = rng.random((rows, n_ids)) < rng.random((rows, 1))
    dense_b = rng.random((rows, n_ids)) < rng.random((rows, 1))
    a = sparse.csr_matrix(dense_a.astype(np.float32))
    b = sparse.csr_matrix(dense_b.astype(np.float32))
    bw = b.copy()
    bw.data = rng.random(b.nnz) * 3
    q = rng.integers(0, rows, 500)
    s = rng.integers(0, rows, 500)
    shared, aa = np.zeros(len(q)), np.zeros(len(q))
    pair_overlaps(a.indptr, a.indices, b.indptr, b.indices, bw.data, q, s, shared, aa)
    aq = a[q]
    np.testing.assert_array_equal(shared, np.asarray(aq.multiply(b[s]).sum(axis=1)).ravel())
    np.testing.assert_array_equal(aa, np.asarray(aq.multiply(bw[s]).sum(axis=1)).ravel())
    assert shared.max() > 300 and (shared < 8).any()


def test_pairwise_sum_equals_numpy_reduceat():
    from hydrawatch.linking.keyhash import _pairwise_sum

    rng = np.random.default_rng(12)
    for n in list(range(1, 300)) + [511, 512, 1000, 1031, 4099]:
        w = rng.random(n) * 10 ** rng.uniform(-3, 3, n)
        assert w[0] + _pairwise_sum(w, 1, n - 1) == np.add.reduceat(w, [0])[0], n


def test_content_similarity_in_chunks_equals_one_product(world, monkeypatch):
    import copy

    new, sus, pool = world
    sus = copy.copy(sus)
    rng = np.random.default_rng(6)
    words = ["the", "old", "account", "media", "news", "front", "dawn", "light", "عدنا", "جديد", "voice"]
    texts = [[" ".join(rng.choice(words, rng.integers(1, 30))) for _ in range(rng.integers(0, 4))]
             for _ in range(len(sus))]
    from hydrawatch.linking.batch import PostRows

    sus.posts = PostRows([np.arange(len(t), dtype=float) for t in texts], texts,
                                  [[()] * len(t) for t in texts])
    cand = SuspendedIndex(sus, pool).candidates(new)
    whole = features.content_similarity(new, sus, cand.q, cand.s)
    assert np.isfinite(whole).sum() > 1000
    monkeypatch.setattr(features, "CONTENT_CHUNK", 7)
    np.testing.assert_array_equal(features.content_similarity(new, sus, cand.q, cand.s), whole)
