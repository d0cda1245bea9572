"""One feature row per candidate pair (new account q, suspended account s).

A similarity that cannot be measured — a display name, bio, avatar or posts missing on
either side — is NaN, not 0: missing is not dissimilar (the model reads NaN as the
training mean, i.e. no evidence either way).

Every feature is computed in bulk over the pair arrays (rapidfuzz's element-wise
``cpdist``, sparse row products for overlaps and content); none looks at other pairs
except ``latest_suspension``, which compares a pair with the other candidates of the
same new account (in a chain A -> B -> C, C's true predecessor is B, the most recent).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy import sparse

from hydrawatch.linking.batch import AccountBatch, Ragged
from hydrawatch.linking import specs
from hydrawatch.linking.handles import local_part, name_core, skeleton, skeleton_rarity
from hydrawatch.media.pdq import hamming, to_codes

FEATURES = specs.feature_names()  # the columns, declared in specs.py
RARE_ENOUGH = 0.5         # a shared name/bio this rare weighs in (corroboration; names with a handle)
# an avatar or bio is the owner's own (identity evidence) only when at most N^0.2 accounts of
# a store of N hold it (5 of 2,000, 16 of a million): a community's logo or slogan bio is
# held by dozens, and at 0.5 (N^0.5: 100 of 10,000) linked community newcomers
IDENTITY_RARE = 0.8


@dataclass
class Frequencies:
    """How common each display name, bio and avatar is in the store: counts of the values
    held by more than one account (casefolded names and bios, exact avatar hashes) and the
    number of accounts. ``avatar_near`` (optional) counts, per suspended row, the suspended
    avatars within the match distance (a movement logo with a few bits flipped is shared);
    ``skeleton_rarity`` (optional), per suspended row, how rare its handle skeleton is among
    the suspended accounts (handles.skeleton_rarity; SuspendedIndex has it)."""

    total: int
    names: dict = field(default_factory=dict)
    bios: dict = field(default_factory=dict)
    avatars: dict = field(default_factory=dict)
    avatar_near: np.ndarray | None = None
    skeleton_rarity: np.ndarray | None = None

    @classmethod
    def of_batches(cls, *batches: AccountBatch) -> "Frequencies":
        """Counts over the given batches (when no store is at hand: tests, benchmarks)."""
        from collections import Counter

        names, bios, avatars = Counter(), Counter(), Counter()
        total = 0
        for b in batches:
            total += len(b)
            names.update(norm_value(n) for n in b.names if n)
            bios.update(norm_value(x) for x in b.bios if x)
            avatars.update(a for a in b.avatars if a)
        keep = lambda c: {k: v for k, v in c.items() if v > 1}  # noqa: E731
        return cls(total, keep(names), keep(bios), keep(avatars))

    def rarity(self, counts: np.ndarray) -> np.ndarray:
        """1 - log(count) / log(total): 1 for a value only one account holds, 0 for one
        every account holds."""
        return np.clip(1.0 - np.log(np.maximum(counts, 1)) / np.log(max(self.total, 3)), 0.0, 1.0)

    def counts(self, values: list[str], table: dict) -> np.ndarray:
        return np.fromiter((table.get(norm_value(v), 1) if v else 1 for v in values), np.float64, len(values))


def norm_value(text: str) -> str:
    return " ".join(text.casefold().split())


def _rare_cols(new: AccountBatch, sus: AccountBatch, q, s, freq: "Frequencies", cols: dict) -> None:
    uq, iq = np.unique(q, return_inverse=True)
    us, is_ = np.unique(s, return_inverse=True)
    for col, attr, table in (("name_rare", "names", freq.names), ("bio_rare", "bios", freq.bios)):
        a = freq.counts([getattr(new, attr)[i] for i in uq], table)[iq]
        b = freq.counts([getattr(sus, attr)[j] for j in us], table)[is_]
        base = "name_sim" if attr == "names" else "bio_sim"
        cols[col] = cols[base] * freq.rarity(np.maximum(a, b))
    a = np.fromiter((freq.avatars.get(new.avatars[i], 1) if new.avatars[i] else 1 for i in uq),
                    np.float64, len(uq))[iq]
    b = np.fromiter((freq.avatars.get(sus.avatars[j], 1) if sus.avatars[j] else 1 for j in us),
                    np.float64, len(us))[is_]
    c = np.maximum(a, b)
    if freq.avatar_near is not None:
        c = np.maximum(c, freq.avatar_near[s])
    cols["avatar_rare"] = cols["avatar_sim"] * freq.rarity(c)
RECENT_POSTS = 20
OVERLAP_CHUNK = 200_000
_CUES = re.compile(
    r"new account|new acc\b|old (?:account|one)|back again|i'?m back|we are back|suspend|"
    r"banned|follow (?:back|my|our|the new)|this is the new|nouveau compte|de retour|ancien compte|"
    r"neuer account|nueva cuenta|موقوف|عدنا|"
    r"حساب(?:ي)? (?:ال)?جديد|الحساب القديم|تم (?:ال)?تعليق|علق|حظر|"
    r"yeni hesap|askıya|akun baru|новый аккаунт|заблокир", re.IGNORECASE)


_NUMBER = re.compile(r"\d+")
_TAG_SEPARATORS = re.compile(r"[_.\-]+")


def number_tag(handle: str) -> str:
    """The handle's number tag: its last run of digits once separators are dropped
    ("giveaway44_53" -> "4453", "abu7_back" -> "7"); digits standing for letters inside a
    word ("g3tr1ch629") are not part of it."""
    if not handle:
        return ""
    runs = _NUMBER.findall(_TAG_SEPARATORS.sub("", handle))
    return runs[-1] if runs else ""


def _digit_codes(handles: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per handle: an id of its number tag (-1: none), its value (-1: none or huge), its length."""
    ids: dict[str, int] = {}
    sid = np.full(len(handles), -1, np.int64)
    val = np.full(len(handles), -1, np.int64)
    length = np.zeros(len(handles), np.int64)
    for k, h in enumerate(handles):
        ds = number_tag(h)
        if ds:
            sid[k] = ids.setdefault(ds, len(ids))
            val[k] = int(ds) if len(ds) <= 12 else -1
            length[k] = len(ds)
    return sid, val, length


def digit_features(new_handles: list[str], sus_handles: list[str], q, s):
    """(digit_both, digit_same, digit_step) for every pair, from per-row codes (no per-pair
    Python). Owners keep or bump their number tag; look-alikes in a spam cluster carry
    other numbers, so a differing tag counts against a pair (digit_both without the others)."""
    uq, iq = np.unique(q, return_inverse=True)
    us, is_ = np.unique(s, return_inverse=True)
    both = [new_handles[i] for i in uq] + [sus_handles[j] for j in us]
    sid, val, length = _digit_codes(both)
    a_id, a_v, a_len = sid[: len(uq)][iq], val[: len(uq)][iq], length[: len(uq)][iq]
    b_id, b_v = sid[len(uq):][is_], val[len(uq):][is_]
    have = (a_id >= 0) & (b_id >= 0)
    same = have & (a_id == b_id)
    diff = np.abs(a_v - b_v)
    step = (a_v >= 0) & (b_v >= 0) & (diff >= 1) & (diff <= 3)
    return have.astype(float), np.where(same, np.minimum(a_len, 4) / 4.0, 0.0), step.astype(float)


def has_cue(text: str) -> bool:
    return bool(text) and _CUES.search(text) is not None


def _ratio(a: list[str], b: list[str], scorer=fuzz.ratio, missing: float = 0.0) -> np.ndarray:
    """Element-wise similarity; ``missing`` where either side is empty."""
    if not a:
        return np.zeros(0)
    sim = cpdist(a, b, scorer=scorer, workers=1).astype(np.float64) / 100.0
    empty = np.fromiter((not x or not y for x, y in zip(a, b)), bool, len(a))
    sim[empty] = missing
    return sim


def adamic_adar_weights(degree: np.ndarray) -> np.ndarray:
    """Weight of a shared neighbour adjacent to ``degree`` suspended accounts: 1 / log(k),
    k = degree + 1 (the new account is adjacent too, so k >= 2). A follower of one suspended
    account who follows the new one weighs 1.44; a follower of a whole spam cluster little."""
    return 1.0 / np.log(np.maximum(degree, 1) + 1.0)


def ragged_rows(rag: Ragged, rows: np.ndarray) -> Ragged:
    """The given rows of ``rag`` (in that order) as a Ragged of their own."""
    rows = np.asarray(rows, np.int64)
    starts = rag.indptr[rows]
    lengths = rag.indptr[rows + 1] - starts
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    idx = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1], dtype=np.int64)
    return Ragged(indptr, rag.values[idx], rag.times[idx])


_DEGREES: dict[int, tuple] = {}


def neighbour_degrees(rag: Ragged, n_ids: int) -> np.ndarray:
    """For each neighbour id, how many rows of ``rag`` hold it (once per row) -- kept per
    (rag, n_ids) while ``rag`` lives, as every pair_features call of a run (features, link
    dating; each cluster partition) needs the same degrees of the whole suspended side."""
    from hydrawatch.linking.candidates import neighbour_matrix

    key = id(rag)
    hit = _DEGREES.get(key)
    if hit is not None and hit[0]() is rag and hit[1:3] == (n_ids, len(rag.values)):
        return hit[3]
    b = neighbour_matrix(rag, n_ids)
    degree = np.bincount(b.indices, minlength=b.shape[1])
    _DEGREES[key] = (weakref.ref(rag, lambda _r, k=key: _DEGREES.pop(k, None)), n_ids, len(rag.values),
                     degree)
    return degree


def _overlap(new_rag: Ragged, sus_rag: Ragged, q, s, n_ids: int):
    """Shared neighbours of each pair: (log1p(count), share of the new account's,
    log1p(Adamic-Adar sum), count, share of the suspended account's). A hub — a neighbour adjacent to more than MAX_HUB
    suspended accounts, as the candidate generators prune it — is shared with everyone and
    carries no identity, so it is not counted (``sus_rag`` must be the whole suspended side
    for the degrees to be right)."""
    from hydrawatch.linking.candidates import MAX_HUB, neighbour_matrix

    for rag in (new_rag, sus_rag):
        if len(rag.values):
            n_ids = max(n_ids, int(rag.values.max()) + 1)
    a = neighbour_matrix(new_rag, n_ids)
    degree = neighbour_degrees(sus_rag, n_ids)
    # only the suspended rows the pairs name: the matrix rows are row-local, the degrees
    # (the whole suspended side's) are computed once per batch
    us, s = np.unique(s, return_inverse=True)
    b = neighbour_matrix(ragged_rows(sus_rag, us), n_ids)
    if (degree > MAX_HUB).any():
        b.data[degree[b.indices] > MAX_HUB] = 0
        b.eliminate_zeros()
    # each neighbour's rarity weight; float64: the sums do not depend on the order the store
    # returned the rows in
    weights = adamic_adar_weights(degree[b.indices]).astype(np.float64)
    shared = np.zeros(len(q))
    aa = np.zeros(len(q))
    # per pair, the sorted rows merged (keyhash.pair_overlaps: the counts and sums of
    # a[q].multiply(b[s]).sum(axis=1), in the same order, without gathering the rows)
    from hydrawatch.linking.keyhash import pair_overlaps

    pair_overlaps(a.indptr, a.indices, b.indptr, b.indices, weights, q, s, shared, aa)
    size = np.diff(a.indptr)[q]  # a's and b's values are all 1: row sums are entry counts
    old_size = np.diff(b.indptr)[s]
    return (np.log1p(shared), shared / np.maximum(size, 1), np.log1p(aa), shared,
            shared / np.maximum(old_size, 1))


def _row_codes(avatars: list, rows: np.ndarray, used: np.ndarray) -> np.ndarray:
    """(len(rows), 32) uint8 codes of the avatars of ``rows`` (zeros where not ``used``)."""
    out = np.zeros((len(rows), 32), np.uint8)
    out[used] = to_codes([avatars[r] for r in rows[used].tolist()])
    return out


def _avatar(new: AccountBatch, sus: AccountBatch, q, s) -> np.ndarray:
    """PDQ distance of each pair's avatars (256: either is missing); each row's hex is
    decoded once, not once per pair."""
    dist = np.full(len(q), 256, np.int32)
    if not len(q):
        return dist
    uq, iq = np.unique(q, return_inverse=True)
    us, is_ = np.unique(s, return_inverse=True)
    hq = np.fromiter((bool(new.avatars[i]) for i in uq.tolist()), bool, len(uq))
    hs = np.fromiter((bool(sus.avatars[j]) for j in us.tolist()), bool, len(us))
    have = hq[iq] & hs[is_]
    if have.any():
        idx = np.flatnonzero(have)
        uq_used = np.zeros(len(uq), bool)
        uq_used[iq[idx]] = True
        us_used = np.zeros(len(us), bool)
        us_used[is_[idx]] = True
        a, b = _row_codes(new.avatars, uq, uq_used), _row_codes(sus.avatars, us, us_used)
        dist[idx] = hamming(a[iq[idx]], b[is_[idx]])
    return dist


def recent_text(batch: AccountBatch, row: int, cutoff: float = np.inf) -> str:
    if batch.posts is None:
        return ""
    times, texts = batch.posts.times[row], batch.posts.texts[row]
    chosen = [t for tm, t in zip(times, texts) if not tm > cutoff and t]
    return "\n".join(chosen[-RECENT_POSTS:])


TEXT_CHARS = 1500     # characters of recent posts that count for content similarity
TEXT_BUCKETS = 1 << 18


def text_vectors(texts: list[str], chunk: int = 2000) -> sparse.csr_matrix:
    """L2-normalised hashed character 3-gram counts, one row per text (vectorised like
    minhash.trigram_codes: a fixed-width code-point array per chunk, no Python per 3-gram)."""
    from hydrawatch.linking.minhash import trigram_codes

    blocks = []
    for lo in range(0, max(len(texts), 1), chunk):
        part = [" ".join(t[-TEXT_CHARS:].lower().split()) for t in texts[lo: lo + chunk]]
        codes, mask = trigram_codes(part, max_len=TEXT_CHARS + 2)
        rows = np.nonzero(mask)[0]
        buckets = ((codes[mask] * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(46)).astype(np.int64)
        m = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, buckets)),
                              shape=(len(part), TEXT_BUCKETS))
        m.sum_duplicates()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        m = sparse.diags(1.0 / np.maximum(norms, 1e-12)).astype(np.float32) @ m
        blocks.append(m.tocsr())
    return sparse.vstack(blocks).tocsr()[: len(texts)]


def shoutouts(new: AccountBatch, sus: AccountBatch, q, s) -> tuple[np.ndarray, np.ndarray]:
    """(mentions a handle of s, does so in a post with a re-entry cue) per pair."""
    plain = np.zeros(len(q), np.float64)
    cue = np.zeros(len(q), np.float64)
    if new.posts is None:
        return plain, cue
    mentions_any = np.fromiter((any(ms) for ms in new.posts.mentions), bool, len(new))
    for k in np.flatnonzero(mentions_any[q]) if len(q) else ():
        i, j = q[k], s[k]
        old = set(sus.handles[j]) | {"#" + sus.ids[j]}
        for text, ms in zip(new.posts.texts[i], new.posts.mentions[i]):
            if old.intersection(ms):
                plain[k] = 1.0
                if has_cue(text):
                    cue[k] = 1.0
                    break
    return plain, cue


CONTENT_CHUNK = 50_000


def content_similarity(new: AccountBatch, sus: AccountBatch, q, s) -> np.ndarray:
    if not len(q) or new.posts is None or sus.posts is None:
        return np.full(len(q), np.nan)
    uq, iq = np.unique(q, return_inverse=True)
    us, is_ = np.unique(s, return_inverse=True)
    ta, tb = [recent_text(new, i) for i in uq], [recent_text(sus, j) for j in us]
    a, b = text_vectors(ta), text_vectors(tb)
    sim = np.empty(len(q))
    for lo in range(0, len(q), CONTENT_CHUNK):  # row gathers of a chunk of pairs at a time (row-local sums)
        part = slice(lo, lo + CONTENT_CHUNK)
        sim[part] = np.asarray(a[iq[part]].multiply(b[is_[part]]).sum(axis=1)).ravel()
    empty_a = np.fromiter((not x for x in ta), bool, len(ta))
    empty_b = np.fromiter((not x for x in tb), bool, len(tb))
    sim[empty_a[iq] | empty_b[is_]] = np.nan
    return sim


def latest_suspension(q: np.ndarray, sus_at: np.ndarray) -> np.ndarray:
    """1 for the pair whose predecessor was suspended last among q's candidates."""
    out = np.zeros(len(q))
    if not len(q):
        return out
    t = np.nan_to_num(sus_at, nan=-np.inf)
    order = np.lexsort((-t, q))
    first = np.r_[True, q[order][1:] != q[order][:-1]]
    out[order[first]] = 1.0
    return out


NEAR_IDENTICAL = 0.9      # a display name or bio this similar (and rare) is the same person's
AVATAR_NEAR = 1.0 - 16 / 128  # avatar_sim of a near copy (PDQ distance <= 16)
FOLLOWEE_HANDLE = 0.6     # shared followees are identity only with a handle this close (or its number)
VERY_RARE = 0.9           # a name this rare (a handful of accounts in any store) is identity on its own


def _rarity(x: np.ndarray, rare: str, sim: str) -> np.ndarray:
    """The rarity factor of a rarity-weighted similarity column (rare = sim x rarity)."""
    f = {name: i for i, name in enumerate(FEATURES)}
    s = np.nan_to_num(x[:, f[sim]])
    return np.where(s > 0, np.nan_to_num(x[:, f[rare]]) / np.maximum(s, 1e-9), 0.0)


def identity_evidence(x: np.ndarray) -> np.ndarray:
    """Per feature row: is there evidence of the *same owner* beyond the handle, of a kind a
    look-alike does not get for free? Without it a pair can reach the review queue, never
    an automatic link. It counts:

    - a **rare, near-identical** avatar (PDQ distance <= 16) or bio (similarity >= 0.9)
      with rarity >= IDENTITY_RARE (at most N^0.2 accounts of N hold it); a near-identical
      display name that is very rare (VERY_RARE), or rare (RARE_ENOUGH) with a handle that
      resembles: a common name, a movement logo, a default avatar or a bio that merely
      reads alike is no identity;
    - a shout-out (the new account's posts mention a handle the old one held);
    - two or more shared **followees** with a handle that resembles (edit similarity >=
      FOLLOWEE_HANDLE, or the same number tag): whom an account follows is its owner's
      choice, but a community's members follow the same accounts, so without the handle
      it says which community, not which member.

    Returning **followers** alone are not counted: who follows an account is its audience's
    doing, and a look-alike handle draws the victim's community too (issue 13's decoys were
    auto-linked on a variant handle plus a few such followers). They still weigh in the
    model's score and can carry a pair into the review queue.
    """
    f = {name: x[:, i] for i, name in enumerate(FEATURES)}
    avatar = ((np.nan_to_num(f["avatar_sim"]) >= AVATAR_NEAR)
              & (_rarity(x, "avatar_rare", "avatar_sim") >= IDENTITY_RARE))
    resembles = (f["handle_sim"] >= FOLLOWEE_HANDLE) | (f["digit_same"] > 0)
    name_rarity = _rarity(x, "name_rare", "name_sim")
    name = ((np.nan_to_num(f["name_sim"]) >= NEAR_IDENTICAL)
            & ((name_rarity >= VERY_RARE) | ((name_rarity >= RARE_ENOUGH) & resembles)))
    bio = (np.nan_to_num(f["bio_sim"]) >= NEAR_IDENTICAL) & (_rarity(x, "bio_rare", "bio_sim") >= IDENTITY_RARE)
    # one shared followee is common ground (popular accounts), two are a pattern
    # one shared followee is common ground (popular accounts), two are a pattern — of the
    # owner's when the handle resembles too; with a fresh handle, of the community's
    followees = (f["following_shared"] >= np.log1p(2) - 1e-9) & resembles
    return avatar | name | bio | (f["shoutout"] > 0) | followees


def pair_features(new: AccountBatch, sus: AccountBatch, q: np.ndarray, s: np.ndarray,
                  n_ids: int, freq: Frequencies | None = None) -> np.ndarray:
    """(len(q), len(FEATURES)) float64 matrix. ``freq``: how common names, bios and
    avatars are in the store (default: counted over the two batches)."""
    q = np.asarray(q, np.int64)
    s = np.asarray(s, np.int64)
    nh, sh = new.primary_handles(), sus.primary_handles()
    # handles compared by the part their owners chose (no fediverse instance or hosting domain)
    nh = {i: local_part(nh[i]) for i in set(q.tolist())}
    sh = {j: local_part(sh[j]) for j in set(s.tolist())}
    a_h = [nh[i] for i in q]
    b_h = [sh[j] for j in s]
    skel_new = {i: skeleton(h) for i, h in nh.items()}
    skel_sus = {j: skeleton(h) for j, h in sh.items()}
    a_k = [skel_new[i] for i in q]
    b_k = [skel_sus[j] for j in s]
    cols = {}
    cols["handle_sim"] = _ratio(a_h, b_h)
    cols["skeleton_eq"] = np.fromiter((x == y and bool(x) for x, y in zip(a_k, b_k)), float, len(q))
    cols["skeleton_sim"] = _ratio(a_k, b_k)
    if freq is None or freq.skeleton_rarity is None:
        rarity = skeleton_rarity([skeleton(h[0]) if h else "" for h in sus.handles])
    else:
        rarity = freq.skeleton_rarity
    cols["skeleton_rare"] = cols["skeleton_eq"] * (rarity[s] if len(s) else np.zeros(0))
    cols["digit_both"], cols["digit_same"], cols["digit_step"] = digit_features(nh, sh, q, s)
    # names compared without punctuation and re-entry markers ("Joanna - back" is "Joanna")
    n_names = {i: name_core(new.names[i]) for i in set(q.tolist())}
    s_names = {j: name_core(sus.names[j]) for j in set(s.tolist())}
    cols["name_sim"] = _ratio([n_names[i] for i in q], [s_names[j] for j in s], fuzz.token_sort_ratio,
                              missing=np.nan)
    cols["bio_sim"] = _ratio([new.bios[i] for i in q], [sus.bios[j] for j in s], missing=np.nan)
    dist = _avatar(new, sus, q, s)
    cols["avatar_match"] = (dist <= 31).astype(float)
    cols["avatar_sim"] = np.where(dist > 128, np.nan, np.clip(1.0 - dist / 128.0, 0.0, 1.0))
    (cols["followers_shared"], cols["followers_frac"], cols["followers_aa"],
     _, cols["followers_back"]) = _overlap(new.followers, sus.followers, q, s, n_ids)
    (cols["following_shared"], cols["following_frac"], cols["following_aa"],
     _, cols["following_back"]) = _overlap(new.following, sus.following, q, s, n_ids)
    gap = (new.created_at[q] - sus.suspended_at[s]) / 3600.0
    cols["gap_log_hours"] = np.log1p(np.clip(np.nan_to_num(gap, nan=24.0 * 30), 0, None))
    cols["latest_suspension"] = latest_suspension(q, sus.suspended_at[s])
    cols["shoutout"], cols["shoutout_cue"] = shoutouts(new, sus, q, s)
    cols["content_sim"] = content_similarity(new, sus, q, s)
    _rare_cols(new, sus, q, s, freq if freq is not None else Frequencies.of_batches(new, sus), cols)
    cols["corroboration"] = (((dist <= 8) & (cols["avatar_rare"] >= RARE_ENOUGH * 0.9)).astype(float)
                             + (cols["followers_frac"] >= 0.3)
                             + (cols["following_frac"] >= 0.3) + (cols["name_rare"] >= 0.85 * RARE_ENOUGH)
                             + (cols["bio_rare"] >= 0.85 * RARE_ENOUGH) + cols["shoutout"])
    return np.column_stack([cols[f] for f in FEATURES]) if len(q) else np.zeros((0, len(FEATURES)))
