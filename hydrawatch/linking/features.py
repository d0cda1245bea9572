"""One feature row per candidate pair (new account q, suspended account s).

Every feature is computed in bulk over the pair arrays (rapidfuzz's element-wise
``cpdist``, sparse row products for overlaps and content); none looks at other pairs
except ``latest_suspension``, which compares a pair with the other candidates of the
same new account (in a chain A -> B -> C, C's true predecessor is B, the most recent).
"""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy import sparse

from hydrawatch.linking.batch import AccountBatch, Ragged
from hydrawatch.linking.handles import skeleton
from hydrawatch.pdq import hamming, to_codes

FEATURES = (
    "handle_sim",         # edit similarity of the handles (0..1)
    "skeleton_eq",        # same handle skeleton (handles.py)
    "skeleton_sim",       # edit similarity of the skeletons
    "name_sim",           # display names, word order ignored
    "bio_sim",            # bios
    "avatar_match",       # avatar PDQ distance <= 31
    "avatar_sim",         # 1 - distance / 128, clipped
    "followers_shared",   # log1p(shared followers)
    "followers_frac",     # share of the new account's followers who followed the old one
    "following_shared",   # log1p(shared followees)
    "following_frac",     # share of the new account's followees the old one followed
    "gap_log_hours",      # log1p(hours from the suspension to the new account's start)
    "latest_suspension",  # the most recently suspended of this new account's candidates
    "shoutout",           # the new account's posts mention a handle the old one held
    "shoutout_cue",       # ... in a post saying "new account" / "suspended" (many languages)
    "content_sim",        # cosine of character 3-gram profiles of recent posts
)
RECENT_POSTS = 20
_CUES = re.compile(
    r"new account|new acc\b|old (?:account|one)|back again|i'?m back|we are back|suspend|"
    r"banned|follow (?:back|my|our|the new)|this is the new|nouveau compte|de retour|ancien compte|"
    r"neuer account|nueva cuenta|موقوف|عدنا|"
    r"حساب(?:ي)? (?:ال)?جديد|الحساب القديم|تم (?:ال)?تعليق|علق|حظر|"
    r"yeni hesap|askıya|akun baru|новый аккаунт|заблокир", re.IGNORECASE)


def has_cue(text: str) -> bool:
    return bool(text) and _CUES.search(text) is not None


def _ratio(a: list[str], b: list[str], scorer=fuzz.ratio) -> np.ndarray:
    if not a:
        return np.zeros(0)
    sim = cpdist(a, b, scorer=scorer, workers=1).astype(np.float64) / 100.0
    empty = np.fromiter((not x or not y for x, y in zip(a, b)), bool, len(a))
    sim[empty] = 0.0
    return sim


def _overlap(new_rag: Ragged, sus_rag: Ragged, q, s, n_ids: int):
    from hydrawatch.linking.candidates import neighbour_matrix

    for rag in (new_rag, sus_rag):
        if len(rag.values):
            n_ids = max(n_ids, int(rag.values.max()) + 1)
    a, b = neighbour_matrix(new_rag, n_ids), neighbour_matrix(sus_rag, n_ids)
    shared = np.asarray(a[q].multiply(b[s]).sum(axis=1)).ravel()
    size = np.asarray(a.sum(axis=1)).ravel()[q]
    return np.log1p(shared), shared / np.maximum(size, 1), shared


def _avatar(new: AccountBatch, sus: AccountBatch, q, s) -> np.ndarray:
    dist = np.full(len(q), 256, np.int32)
    have = np.fromiter((bool(new.avatars[i]) and bool(sus.avatars[j]) for i, j in zip(q, s)),
                       bool, len(q))
    if have.any():
        idx = np.flatnonzero(have)
        a = to_codes([new.avatars[q[k]] for k in idx])
        b = to_codes([sus.avatars[s[k]] for k in idx])
        dist[idx] = hamming(a, b)
    return dist


def recent_text(batch: AccountBatch, row: int, cutoff: float = np.inf) -> str:
    if batch.posts is None:
        return ""
    times, texts = batch.posts.times[row], batch.posts.texts[row]
    chosen = [t for tm, t in zip(times, texts) if not tm > cutoff and t]
    return "\n".join(chosen[-RECENT_POSTS:])


_VECTORIZER = None


def text_vectors(texts: list[str]) -> sparse.csr_matrix:
    global _VECTORIZER
    if _VECTORIZER is None:
        from sklearn.feature_extraction.text import HashingVectorizer

        _VECTORIZER = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 3), n_features=1 << 18,
                                        alternate_sign=False, norm="l2", lowercase=True)
    return _VECTORIZER.transform(texts).tocsr()


def shoutouts(new: AccountBatch, sus: AccountBatch, q, s) -> tuple[np.ndarray, np.ndarray]:
    """(mentions a handle of s, does so in a post with a re-entry cue) per pair."""
    plain = np.zeros(len(q), np.float64)
    cue = np.zeros(len(q), np.float64)
    if new.posts is None:
        return plain, cue
    for k, (i, j) in enumerate(zip(q, s)):
        if not new.posts.mentions[i]:
            continue
        old = set(sus.handles[j]) | {"#" + sus.ids[j]}
        for text, ms in zip(new.posts.texts[i], new.posts.mentions[i]):
            if old.intersection(ms):
                plain[k] = 1.0
                if has_cue(text):
                    cue[k] = 1.0
                    break
    return plain, cue


def content_similarity(new: AccountBatch, sus: AccountBatch, q, s) -> np.ndarray:
    if not len(q) or new.posts is None or sus.posts is None:
        return np.zeros(len(q))
    uq, iq = np.unique(q, return_inverse=True)
    us, is_ = np.unique(s, return_inverse=True)
    a = text_vectors([recent_text(new, i) for i in uq])
    b = text_vectors([recent_text(sus, j) for j in us])
    return np.asarray(a[iq].multiply(b[is_]).sum(axis=1)).ravel()


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


def pair_features(new: AccountBatch, sus: AccountBatch, q: np.ndarray, s: np.ndarray,
                  n_ids: int) -> np.ndarray:
    """(len(q), len(FEATURES)) float64 matrix."""
    q = np.asarray(q, np.int64)
    s = np.asarray(s, np.int64)
    nh, sh = new.primary_handles(), sus.primary_handles()
    a_h = [nh[i] for i in q]
    b_h = [sh[j] for j in s]
    skel_new = {i: skeleton(nh[i]) for i in set(q.tolist())}
    skel_sus = {j: skeleton(sh[j]) for j in set(s.tolist())}
    a_k = [skel_new[i] for i in q]
    b_k = [skel_sus[j] for j in s]
    cols = {}
    cols["handle_sim"] = _ratio(a_h, b_h)
    cols["skeleton_eq"] = np.fromiter((x == y and bool(x) for x, y in zip(a_k, b_k)), float, len(q))
    cols["skeleton_sim"] = _ratio(a_k, b_k)
    cols["name_sim"] = _ratio([new.names[i].casefold() for i in q],
                              [sus.names[j].casefold() for j in s], fuzz.token_sort_ratio)
    cols["bio_sim"] = _ratio([new.bios[i] for i in q], [sus.bios[j] for j in s])
    dist = _avatar(new, sus, q, s)
    cols["avatar_match"] = (dist <= 31).astype(float)
    cols["avatar_sim"] = np.clip(1.0 - dist / 128.0, 0.0, 1.0)
    cols["followers_shared"], cols["followers_frac"], _ = _overlap(new.followers, sus.followers, q, s, n_ids)
    cols["following_shared"], cols["following_frac"], _ = _overlap(new.following, sus.following, q, s, n_ids)
    gap = (new.created_at[q] - sus.suspended_at[s]) / 3600.0
    cols["gap_log_hours"] = np.log1p(np.clip(np.nan_to_num(gap, nan=24.0 * 30), 0, None))
    cols["latest_suspension"] = latest_suspension(q, sus.suspended_at[s])
    cols["shoutout"], cols["shoutout_cue"] = shoutouts(new, sus, q, s)
    cols["content_sim"] = content_similarity(new, sus, q, s)
    return np.column_stack([cols[f] for f in FEATURES]) if len(q) else np.zeros((0, len(FEATURES)))
