"""Content: policy-pack matches per post, and a learned character-level text model.

Per batch of posts, everything is columnar: the batch is normalised as one string, hashtags
and phrases are matched with one regex pass and C-level ``map`` calls, per-post flags become
per-account counts with ``np.bincount``. The text model hashes character n-grams
(``char_wb``, 2-4: language-agnostic, robust to spelling variants and Arabic morphology)
and is a linear model, so scoring a batch is one sparse matrix product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from numba import njit
from scipy import sparse

from hydrawatch.scoring.policy import Policy
from hydrawatch.scoring.stance import line_starts, posts_of, stance_cues
from hydrawatch.textnorm import _HASHTAG_IN_TEXT, hashtag_key, normalize_many

_MATCH_SUB = re.compile(r"(?:[^\w\n]|_)+")   # runs that become one space (reference form)
# The same, faster: "_" made a space first, then only runs that are not already one plain
# space are replaced (tests/test_score_fast.py).
_MATCH_RUNS = re.compile(r"[^\w\n]{2,}|[^\w\n ]")


def match_subbed(norm_joined: str) -> str:
    """``_MATCH_SUB.sub(" ", norm_joined)``: every run of non-word characters (and ``_``),
    newlines aside, one space."""
    return _MATCH_RUNS.sub(" ", norm_joined.replace("_", " "))
N_FEATURES = 2 ** 18


class PolicyMatcher:
    """The policy's hashtags and phrases, ready to match batches against."""

    def __init__(self, policy: Policy):
        self.tags = list(policy.tag_keys.items())          # (key, tag as written)
        self.tag_id = {k: i for i, (k, _) in enumerate(self.tags)}
        self.phrases = list(policy.phrase_forms.items())   # (form, phrase as written)
        self.phrase_id = {f: i for i, (f, _) in enumerate(self.phrases)}
        self.phrase_re = None
        if self.phrases:
            alts = sorted((re.escape(f) for f, _ in self.phrases), key=len, reverse=True)
            self.phrase_re = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")
        self._key_cache: dict[str, int] = {}

    def _tag_ids(self, tags: list[str]) -> np.ndarray:
        cache = self._key_cache
        for tag in set(tags).difference(cache):
            cache[tag] = self.tag_id.get(hashtag_key(tag), -1) if isinstance(tag, str) else -1
        if len(cache) > 500_000:  # hostile input could grow it without bound
            cache.clear()
            return self._tag_ids(tags)
        return np.fromiter(map(cache.__getitem__, tags), dtype=np.int64, count=len(tags))

    def tag_pairs(self, column_tags: list, text_tags: list[list[str]], n: int) -> np.ndarray:
        """Distinct (post, tag id) pairs as an (m, 2) array: tags from the post's hashtag
        field and tags written in its text."""
        text_owner = np.repeat(np.arange(n), np.fromiter(map(len, text_tags), dtype=np.int64, count=n))
        return self.tag_pairs_flat(column_tags, list(chain.from_iterable(text_tags)), text_owner, n)

    def tag_pairs_flat(self, column_tags: list, text_tags: list[str], text_owner: np.ndarray,
                       n: int) -> np.ndarray:
        """:meth:`tag_pairs` with the text's tags given flat, each with its post."""
        col = [t if isinstance(t, list) else [] for t in column_tags]
        lens = np.fromiter(map(len, col), dtype=np.int64, count=n)
        flat = [t if isinstance(t, str) else str(t) for t in chain(chain.from_iterable(col), text_tags)]
        if not flat or not self.tags:
            return np.zeros((0, 2), dtype=np.int64)
        owner = np.concatenate([np.repeat(np.arange(n), lens), np.asarray(text_owner, dtype=np.int64)])
        ids = self._tag_ids(flat)
        keep = ids >= 0
        pairs = np.unique(owner[keep] * len(self.tags) + ids[keep])
        return np.stack([pairs // len(self.tags), pairs % len(self.tags)], axis=1)

    def phrase_pairs(self, match_joined: str, starts: np.ndarray) -> tuple[np.ndarray, str]:
        """Distinct (post, phrase id) pairs, and the text with the phrases blanked out."""
        if self.phrase_re is None:
            return np.zeros((0, 2), dtype=np.int64), match_joined
        hits = [(m.start(), self.phrase_id[m.group()]) for m in self.phrase_re.finditer(match_joined)]
        if not hits:
            return np.zeros((0, 2), dtype=np.int64), match_joined
        pos, pid = zip(*hits)
        codes = np.unique(posts_of(pos, starts) * len(self.phrases) + np.asarray(pid))
        blanked = self.phrase_re.sub(lambda m: " " * len(m.group()), match_joined)
        return np.stack([codes // len(self.phrases), codes % len(self.phrases)], axis=1), blanked


@dataclass
class PostAnalysis:
    """What one batch of posts says, post by post (columns)."""

    account: np.ndarray
    norm: list[str]
    tag_pairs: np.ndarray       # (post, tag id)
    phrase_pairs: np.ndarray    # (post, phrase id)
    policy: np.ndarray          # bool: carries a policy hashtag or phrase
    reporting: np.ndarray
    critical: np.ndarray
    is_reshare: np.ndarray
    day: np.ndarray             # int64 day number (-1: unknown)


def analyse_posts(batch, matcher: PolicyMatcher) -> PostAnalysis:
    n = len(batch.text)
    norm = normalize_many(batch.text)
    norm = [t.replace("\n", " ") for t in norm] if any("\n" in t for t in norm) else norm
    norm_joined = "\n".join(norm)
    # hashtags written in the text: one scan of the joined batch (a match never spans a
    # newline, so each post's matches are its own ``findall``'s)
    norm_starts = line_starts(norm_joined)
    hits = [(m.start(), m.group(1)) for m in _HASHTAG_IN_TEXT.finditer(norm_joined)]
    text_owner = posts_of([p for p, _ in hits], norm_starts) if hits else np.zeros(0, dtype=np.int64)
    tag_pairs = matcher.tag_pairs_flat(batch.hashtags, [t for _, t in hits], text_owner, n)
    match_joined = match_subbed(norm_joined)
    match_starts = line_starts(match_joined)
    phrase_pairs, blanked = matcher.phrase_pairs(match_joined, match_starts)
    policy = np.zeros(n, dtype=bool)
    policy[tag_pairs[:, 0]] = True
    policy[phrase_pairs[:, 0]] = True
    # Stance cues on every post: on policy posts they decide endorsement; over all of an
    # account's posts they give its overall stance (counter-speech accounts mostly post
    # against the movement, with or without its slogans).
    cues = stance_cues(blanked, match_starts, norm_joined, norm_starts, batch.urls, n)
    reporting, critical = cues["reporting"], cues["critical"]
    return PostAnalysis(account=batch.account, norm=norm, tag_pairs=tag_pairs,
                        phrase_pairs=phrase_pairs, policy=policy, reporting=reporting,
                        critical=critical, is_reshare=batch.is_reshare,
                        day=batch.day if batch.day is not None else np.full(n, -1, dtype=np.int64))


COUNTERS = ("posts", "reshares", "policy_posts", "endorse_posts", "reporting_posts",
            "critical_posts", "endorse_reshares", "critical_any", "reporting_any")


@dataclass
class ContentCounts:
    """Per-account content counters, accumulated batch by batch."""

    n: int
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    _tag_codes: list = field(default_factory=list)
    _phrase_codes: list = field(default_factory=list)
    _day_codes: list = field(default_factory=list)
    n_tags: int = 0
    n_phrases: int = 0

    def __post_init__(self):
        self.counts = {k: np.zeros(self.n, dtype=np.int64) for k in COUNTERS}

    def add(self, a: PostAnalysis) -> None:
        acc = a.account
        ok = acc >= 0
        # A post that carries a slogan inside reporting or criticism is not endorsement.
        quoted = a.policy & (a.reporting | a.critical)
        endorse = a.policy & ~quoted
        flags = {"posts": np.ones(len(acc), dtype=bool), "reshares": a.is_reshare,
                 "policy_posts": a.policy, "endorse_posts": endorse,
                 "reporting_posts": a.policy & a.reporting & ~a.critical,
                 "critical_posts": a.policy & a.critical,
                 "endorse_reshares": endorse & a.is_reshare,
                 # the account's stance over all its posts, slogans or not
                 "critical_any": a.critical, "reporting_any": a.reporting & ~a.critical}
        for key, flag in flags.items():
            self.counts[key] += np.bincount(acc[ok & flag], minlength=self.n)
        dated = ok & endorse & (a.day >= 0)
        if dated.any():  # distinct (account, day) with endorsing posts
            self._day_codes.append(np.unique(acc[dated] * 100_000 + a.day[dated] % 100_000))
        for pairs, store, width in ((a.tag_pairs, self._tag_codes, self.n_tags),
                                    (a.phrase_pairs, self._phrase_codes, self.n_phrases)):
            if len(pairs) and width:
                posts = pairs[:, 0]
                keep = endorse[posts] & ok[posts]
                store.append(np.unique(acc[posts[keep]] * width + pairs[keep, 1]))

    def merge(self, part: "ContentCounts", rows: np.ndarray) -> None:
        """Add the counters of ``part`` (another partition's accounts; its account ``i`` is
        this one's ``rows[i]``). Counts add; the distinct (account, tag/phrase/day) codes are
        re-keyed and kept, so ``distinct`` and ``endorse_days`` give what one pass over all
        posts gives."""
        rows = np.asarray(rows, dtype=np.int64)
        for key, values in part.counts.items():
            self.counts[key][rows] += values
        for codes, store, width in ((part._day_codes, self._day_codes, 100_000),
                                    (part._tag_codes, self._tag_codes, self.n_tags),
                                    (part._phrase_codes, self._phrase_codes, self.n_phrases)):
            for c in codes:
                store.append(rows[c // width] * width + c % width)

    def endorse_days(self) -> np.ndarray:
        """Per account: distinct days with at least one endorsing post."""
        if not self._day_codes:
            return np.zeros(self.n)
        u = np.unique(np.concatenate(self._day_codes))
        return np.bincount(u // 100_000, minlength=self.n).astype(float)

    def distinct(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """(account, tag or phrase id) pairs each account used in endorsing posts."""
        codes, width = ((self._tag_codes, self.n_tags) if which == "tags"
                        else (self._phrase_codes, self.n_phrases))
        if not codes or not width:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        u = np.unique(np.concatenate(codes))
        return u // width, u % width


_MULT = np.uint64(1_000_003)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)


@njit(cache=True)
def _ngram_rows(codes, n_rows, n_features):
    """CSR parts (indptr, sorted distinct column indices, counts) of the hashed character
    2-4-grams of newline-separated texts given as code points: per window start ``i`` the
    same rolling product and mix as :func:`char_ngrams_plain`, per row the columns sorted and
    counted (what ``sum_duplicates`` does to the COO form)."""
    m = len(codes)
    cols = np.empty(max(3 * m, 1), dtype=np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    out_idx = np.empty(max(3 * m, 1), dtype=np.int32)
    out_val = np.empty(max(3 * m, 1), dtype=np.float32)
    nf = np.uint64(n_features)
    row = 0
    start = 0    # first column slot of the current row
    k = 0        # columns written
    nnz = 0
    i = 0
    while i <= m:
        if i == m or codes[i] == 10:   # end of a row: sort, count, emit
            seg = np.sort(cols[start:k])
            j = 0
            while j < len(seg):
                c = seg[j]
                cnt = 1
                while j + cnt < len(seg) and seg[j + cnt] == c:
                    cnt += 1
                out_idx[nnz] = c
                out_val[nnz] = cnt
                nnz += 1
                j += cnt
            row += 1
            indptr[row] = nnz
            k = 0
            start = 0
            i += 1
            continue
        h = np.uint64(codes[i])
        for size in range(2, 5):
            e = i + size - 1
            if e >= m or codes[e] == 10:
                break
            h = h * _MULT + np.uint64(codes[e])
            mixed = (h ^ np.uint64(size)) * _GOLDEN
            mixed ^= mixed >> _SHIFT
            cols[k] = np.int64(mixed % nf)
            k += 1
        i += 1
    return indptr, out_idx[:nnz].copy(), out_val[:nnz].copy()


def char_ngrams(texts: list[str], n_features: int = N_FEATURES) -> sparse.csr_matrix:
    """Hashed character 2-4-gram counts, one row per text (texts split at newlines, as in
    :func:`char_ngrams_plain`), in canonical CSR form (sorted, distinct column indices).
    Compiled: one pass over the batch's code points; bit-for-bit the plain version's matrix
    (tests/test_score_fast.py)."""
    n = len(texts)
    joined = "\n".join(" " + t + " " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    n_rows = int(np.count_nonzero(codes == 10)) + 1 if n else 0
    if not n or n_rows != n:  # none, or a text with a newline of its own: the plain version
        return char_ngrams_plain(texts, n_features)
    indptr, indices, data = _ngram_rows(codes, n, n_features)
    X = sparse.csr_matrix((data, indices, indptr), shape=(n, n_features))
    X.has_sorted_indices = True
    X.has_canonical_format = True
    return X


def char_ngrams_plain(texts: list[str], n_features: int = N_FEATURES) -> sparse.csr_matrix:
    """Hashed character 2-4-gram counts, one row per text, computed over the whole batch
    at once: the joined text becomes an array of code points, n-gram hashes are rolling
    products over shifted views of it, and n-grams that cross a text boundary are masked
    out. (sklearn's HashingVectorizer does the same per text in Python, ~20x slower.)"""
    n = len(texts)
    joined = "\n".join(" " + t + " " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 10
    seps = np.cumsum(is_sep)
    owner = seps - is_sep  # text index of each char
    rows, cols = [], []
    h = np.zeros(len(codes), dtype=np.uint64)
    for size in range(1, 5):
        span = len(codes) - size + 1
        if span <= 0:
            break
        h = h[:span] * np.uint64(1_000_003) + codes[size - 1:size - 1 + span]
        if size < 2:
            continue
        # no separator inside the window [i, i + size - 1]
        ok = (seps[size - 1:size - 1 + span] - seps[:span] + is_sep[:span]) == 0
        mixed = (h[ok] ^ np.uint64(size)) * np.uint64(0x9E3779B97F4A7C15)
        mixed ^= mixed >> np.uint64(29)
        rows.append(owner[:span][ok])
        cols.append((mixed % np.uint64(n_features)).astype(np.int64))
    if not rows:
        return sparse.csr_matrix((n, n_features), dtype=np.float32)
    r = np.concatenate(rows).astype(np.int64)
    c = np.concatenate(cols)
    X = sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, n_features))
    X.sum_duplicates()
    return X


@dataclass
class TextModel:
    """Cross-fitted naive-Bayes log-count ratios over hashed character n-grams.

    For each n-gram, ``log P(n-gram | verified accounts' posts) - log P(n-gram | other
    posts)`` with additive smoothing (Wang & Manning's NB features: strong on short text,
    and training is one sparse column sum, no iterative fitting). A post's score is the
    mean ratio of its n-grams. Accounts are split into ``k`` folds; the ratios that score
    fold ``f`` never counted fold ``f``'s posts, so an unlabelled member (counted among
    the negatives) is not pushed down by its own posts, and seeds get an honest score for
    the combiner to learn from.
    """

    ratios: np.ndarray   # (n_features, k) float32

    def post_logits(self, X: sparse.csr_matrix, fold_of_post: np.ndarray) -> np.ndarray:
        lengths = np.asarray(X.sum(axis=1)).ravel()
        scores = np.asarray(X @ self.ratios)
        scores = scores[np.arange(X.shape[0]), fold_of_post]
        return np.divide(scores, lengths, out=np.zeros_like(scores), where=lengths > 0)


def fit_text_model(X: sparse.csr_matrix, post_account: np.ndarray, positive: np.ndarray,
                   negative: np.ndarray, fold: np.ndarray, k: int,
                   smoothing: float = 1.0) -> TextModel | None:
    """Log-count ratios per fold: posts of positive (verified) accounts against posts of
    negative (rejected and ordinary) accounts outside the fold."""
    pos_post = positive[post_account]
    neg_post = negative[post_account]
    if pos_post.sum() < 5 or neg_post.sum() < 5:
        return None
    post_fold = fold[post_account]
    B = X.copy()
    B.data[:] = 1.0  # presence, not counts: one post repeating a word is one vote
    # Per fold and class, column sums via one sparse product: (2k, posts) @ (posts, features).
    group = np.where(pos_post, post_fold, np.where(neg_post, k + post_fold, 2 * k))
    G = sparse.csr_matrix((np.ones(len(group), dtype=np.float32), (group, np.arange(len(group)))),
                          shape=(2 * k + 1, len(group)))
    sums = np.asarray((G @ B).todense())
    return TextModel(ratios=ratios_from_sums(sums, k, smoothing))


def ratios_from_sums(sums: np.ndarray, k: int, smoothing: float = 1.0) -> np.ndarray:
    """Per-fold log-count ratios from the ``(2k + 1, features)`` presence counts: rows
    ``0..k-1`` positive posts of each fold, ``k..2k-1`` negative ones, ``2k`` the rest."""
    pos_all, neg_all = sums[:k].sum(axis=0), sums[k:2 * k].sum(axis=0)
    ratios = np.zeros((sums.shape[1], k), dtype=np.float32)
    for f in range(k):
        p = pos_all - sums[f] + smoothing
        q = neg_all - sums[k + f] + smoothing
        ratios[:, f] = np.log(p / p.sum()) - np.log(q / q.sum())
    return ratios
