"""Columnar account batches: what the linking engine reads (from the store or synthesised).

Times are float64 epoch seconds, NaN when unknown. Neighbour ids (followers, followees)
are integers from one id space shared by both batches of a run (the store loader interns
account ids; a benchmark can draw them directly).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Ragged:
    """Rows of variable length: row i is ``values[indptr[i]:indptr[i+1]]`` (and ``times``)."""

    indptr: np.ndarray
    values: np.ndarray
    times: np.ndarray

    @classmethod
    def empty(cls, n: int) -> "Ragged":
        return cls(np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))

    @classmethod
    def from_lists(cls, rows: list[list], times: list[list] | None = None) -> "Ragged":
        lengths = np.fromiter((len(r) for r in rows), np.int64, len(rows))
        indptr = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=indptr[1:])
        values = np.fromiter((v for r in rows for v in r), np.int64, int(indptr[-1]))
        if times is None:
            t = np.full(len(values), np.nan)
        else:
            t = np.fromiter((v for r in times for v in r), np.float64, int(indptr[-1]))
        return cls(indptr, values, t)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> np.ndarray:
        return self.values[self.indptr[i]: self.indptr[i + 1]]

    def row_times(self, i: int) -> np.ndarray:
        return self.times[self.indptr[i]: self.indptr[i + 1]]

    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    def slice(self, lo: int, hi: int) -> "Ragged":
        """Rows lo..hi-1 (views of this one's arrays)."""
        a, b = int(self.indptr[lo]), int(self.indptr[hi])
        return Ragged(self.indptr[lo: hi + 1] - a, self.values[a:b], self.times[a:b])


@dataclass
class PostRows:
    """Each account's posts, oldest first: times, texts and the handles they mention."""

    times: list[np.ndarray]
    texts: list[list[str]]
    mentions: list[list[tuple[str, ...]]]

    @classmethod
    def empty(cls, n: int) -> "PostRows":
        return cls([np.zeros(0)] * n, [[] for _ in range(n)], [[] for _ in range(n)])


@dataclass
class AccountBatch:
    ids: list[str]
    handles: list[tuple[str, ...]]   # normalised; [0] = the handle held last (when suspended)
    names: list[str]
    bios: list[str]
    avatars: list[str | None]
    created_at: np.ndarray            # creation time, or first seen when unknown
    suspended_at: np.ndarray          # first suspension observation (NaN: not suspended)
    active_until: np.ndarray          # last sign of life before the suspension (NaN unknown)
    followers: Ragged                 # ids of accounts following this one, with edge times
    following: Ragged                 # ids this account follows
    posts: PostRows | None = None
    statuses: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def slice(self, lo: int, hi: int) -> "AccountBatch":
        """Rows lo..hi-1 as a batch of their own."""
        hi = min(hi, len(self))
        posts = None if self.posts is None else PostRows(
            self.posts.times[lo:hi], self.posts.texts[lo:hi], self.posts.mentions[lo:hi])
        return AccountBatch(self.ids[lo:hi], self.handles[lo:hi], self.names[lo:hi], self.bios[lo:hi],
                            self.avatars[lo:hi], self.created_at[lo:hi], self.suspended_at[lo:hi],
                            self.active_until[lo:hi], self.followers.slice(lo, hi),
                            self.following.slice(lo, hi), posts, self.statuses[lo:hi])

    def primary_handles(self) -> list[str]:
        return [h[0] if h else "" for h in self.handles]
