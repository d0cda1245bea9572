"""The text model in bounded memory: two streaming passes over the posts.

Pass 1 (:meth:`TextPass.add`, batch by batch while the content counters run): each batch's
hashed n-gram rows are added into the per-fold, per-class column sums the model is fitted
from -- a dense ``(2k + 1, N_FEATURES)`` table, ~23 MB whatever the store size -- and
spilled to a temporary file. Pass 2 (:meth:`TextPass.signal`): the model is fitted from the
sums and the spilled batches are read back one at a time to score every post. Memory is one
batch plus the sums; nothing keeps every post's n-grams at once.

The result is bit-for-bit the one of fitting on all posts stacked: the sums are exact
integer counts (float32 is exact below 2**24, as before), each post's logit is the same
row product, and per-account totals are accumulated in post order, as ``np.bincount`` over
all posts did.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
from numba import njit
from scipy import sparse

from hydrawatch.scoring.content import N_FEATURES, TextModel, ratios_from_sums


@njit(cache=True)
def _group_sums(sums, indptr, indices, group, n_features):
    """sums[group[r], c] += 1 for every distinct n-gram c of row r (presence, not count)."""
    for r in range(len(indptr) - 1):
        g = group[r]
        for j in range(indptr[r], indptr[r + 1]):
            sums[g, indices[j]] += 1.0


@njit(cache=True)
def _accumulate(total, dose, posts, owner, logits):
    for j in range(len(owner)):
        a = owner[j]
        total[a] += logits[j]
        dose[a] += max(logits[j], 0.0)
        posts[a] += 1


def model_from_sums(sums: np.ndarray, n_pos: int, n_neg: int, k: int,
                    smoothing: float = 1.0) -> TextModel | None:
    """The cross-fitted model from pass 1's per-fold class sums (one pass's, or the sum of
    several partitions' -- integer counts, so the addition is exact); None with fewer than
    5 positive or negative posts."""
    if n_pos < 5 or n_neg < 5:
        return None
    return TextModel(ratios=ratios_from_sums(sums.astype(np.float32), k, smoothing))


def mean_logit(total: np.ndarray, posts: np.ndarray) -> np.ndarray:
    return np.divide(total, posts, out=np.zeros(len(total)), where=posts > 0)


class TextPass:
    def __init__(self, positive: np.ndarray, negative: np.ndarray, fold: np.ndarray, k: int, n: int):
        self.positive, self.negative, self.fold, self.k, self.n = positive, negative, fold, k, n
        self.sums = np.zeros((2 * k + 1, N_FEATURES), dtype=np.float64)
        self.n_pos = self.n_neg = 0
        self.posts = 0   # posts of known accounts, spilled
        self.seen = 0    # every post read
        self._dir = tempfile.TemporaryDirectory(prefix="hydrawatch-score-")
        self._parts: list[str] = []

    def add(self, X: sparse.csr_matrix, owner: np.ndarray) -> None:
        self.seen += len(owner)
        keep = owner >= 0
        if not keep.all():
            X, owner = X[keep], owner[keep]
        if not len(owner):
            return
        X = X.tocsr()
        X.sort_indices()
        pos_post = self.positive[owner]
        neg_post = self.negative[owner]
        self.n_pos += int(pos_post.sum())
        self.n_neg += int(neg_post.sum())
        post_fold = self.fold[owner]
        group = np.where(pos_post, post_fold, np.where(neg_post, self.k + post_fold, 2 * self.k))
        _group_sums(self.sums, X.indptr, X.indices, group, N_FEATURES)
        path = os.path.join(self._dir.name, f"{len(self._parts)}.npz")
        np.savez(path, indptr=X.indptr, indices=X.indices, data=X.data, owner=owner)
        self._parts.append(path)
        self.posts += len(owner)

    def model(self, smoothing: float = 1.0) -> TextModel | None:
        return model_from_sums(self.sums, self.n_pos, self.n_neg, self.k, smoothing)

    def totals(self, model: TextModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pass 2: (sum of post logits, dose, posts) per account over the spilled batches."""
        n = self.n
        posts = np.zeros(n, dtype=np.int64)
        total = np.zeros(n)
        dose = np.zeros(n)
        for path in self._parts:
            with np.load(path) as part:
                owner = part["owner"]
                X = sparse.csr_matrix((part["data"], part["indices"], part["indptr"]),
                                      shape=(len(owner), N_FEATURES))
            logits = model.post_logits(X, self.fold[owner])
            _accumulate(total, dose, posts, owner, logits)
        return total, dose, posts

    def signal(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """(mean post logit, dose, has model) per account; see ``score._text_signal``."""
        n = self.n
        try:
            model = self.model()
            if model is None:
                return np.zeros(n), np.zeros(n), False
            total, dose, posts = self.totals(model)
            return mean_logit(total, posts), dose, True
        finally:
            self.close()

    def close(self) -> None:
        self._dir.cleanup()
