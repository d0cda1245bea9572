"""find_links: candidates -> features -> confidence -> rank -> reasons -> linkable_at.

A pure function over two AccountBatch values (no database), so the store path, the
scale benchmark and the tests all run the same code.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np

from hydrawatch.linking.batch import AccountBatch
from hydrawatch.linking.dating import linkable_times
from hydrawatch.linking.candidates import SOURCE_NAMES, Candidates, SuspendedIndex
from hydrawatch.linking.features import FEATURES, Frequencies, pair_features
from hydrawatch.linking.model import LinkModel, Rivals, default_model, rivals

KEEP_PER_SUCCESSOR = 5  # candidates written per new account (for review and MRR)
MIN_KEEP = 0.01         # runners-up below this confidence are not worth a row
RUNNER_UP_GAP = 1e-4    # runners-up are capped this far under the threshold (rows keep 6 decimals)
_F = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class LinkResult:
    q: np.ndarray            # row in the new batch
    s: np.ndarray            # row in the suspended batch
    confidence: np.ndarray
    rank: np.ndarray         # 1 = best candidate of that new account
    sources: np.ndarray      # generator bit mask
    features: np.ndarray
    linkable_at: np.ndarray  # NaN unless the link is at/above the threshold
    reasons: Sequence[list[str]]  # per pair (find_links: made a block at a time when read)
    candidates: int          # pairs scored (after blocking)
    threshold: float
    suggest: float = 1.0     # pairs in [suggest, threshold) go to the review queue
    weights: Sequence[dict] | None = None  # per pair: LinkModel.explain (as reasons)
    calibration: dict | None = None    # calibrate.calibrate's summary, when run

    def accepted(self) -> np.ndarray:
        return self.confidence >= self.threshold

    def suggested(self) -> np.ndarray:
        """Best candidates under the auto threshold but at/above the suggest threshold."""
        return (self.rank == 1) & (self.confidence >= self.suggest) & (self.confidence < self.threshold)


def rank_within(q: np.ndarray, conf: np.ndarray, tie: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Order by (q, -confidence[, -tie]) and each pair's 1-based rank within its q. ``tie``
    breaks equal confidences: pairs the rule capped at the same value keep the order of
    the model's own confidences."""
    order = np.lexsort((-conf, q)) if tie is None else np.lexsort((-tie, -conf, q))
    qs = q[order]
    starts = np.searchsorted(qs, qs, "left")
    rank = np.empty(len(q), np.int64)
    rank[order] = np.arange(len(q)) - starts + 1
    return order, rank


def find_links(new: AccountBatch, suspended: AccountBatch, *, n_ids: int,
               index: SuspendedIndex | None = None, model: LinkModel | None = None,
               keep: int = KEEP_PER_SUCCESSOR, date_links: bool = True,
               prepare: Callable[[np.ndarray], None] | None = None,
               freq: Frequencies | None = None, calibrate: bool = False,
               decisions: dict[tuple[str, str], int] | None = None) -> LinkResult:
    """Link each account of ``new`` to the suspended account it most likely replaces.
    ``prepare(rows)``, when given, is called with the suspended rows that became
    candidates before features are computed (the store loads their posts then).
    ``freq``: how common names, bios and avatars are in the store (default: counted
    over the two batches). ``calibrate``: re-estimate the field weights on these candidate
    pairs first (calibrate.py, EM from the shipped defaults); ``decisions`` — reviewer
    verdicts by (new id, suspended id), 1 confirmed, 0 rejected — are its labels.

    Three stages, which a cluster run (hydrawatch/cluster/link.py) spreads over
    partitions of ``new``: ``propose`` and ``describe`` work pair by pair (each new
    account's pairs need only that account and the whole suspended side); ``decide``
    compares rivals across every new account's pairs, so it sees all of them at once."""
    model = model or default_model()
    cand, x, freq = propose(new, suspended, n_ids=n_ids, index=index, prepare=prepare, freq=freq,
                            packed=not calibrate)
    labels = None
    if calibrate and decisions:
        labels = np.array([decisions.get((new.ids[i], suspended.ids[j]), np.nan)
                           for i, j in zip(cand.q.tolist(), cand.s.tolist())], float)
    d = decide(cand, x, model, keep=keep, calibrate=calibrate, labels=labels,
               scored=None if calibrate else pair_scores(model, x, cand.q))
    q, s, src, xk = cand.q[d.idx], cand.s[d.idx], cand.sources[d.idx], x[d.idx]
    del x  # the features of the pairs not kept (most of them)
    linkable, weights, reasons = describe(new, suspended, q, s, xk, src, d.conf, d.riv, d.model,
                                          n_ids, freq, date_links, lazy=True)
    return LinkResult(q, s, d.conf, d.rank, src, xk, linkable, reasons, len(cand.q),
                      d.model.threshold, d.model.suggest_threshold, weights, d.calibration)


def propose(new: AccountBatch, suspended: AccountBatch, *, n_ids: int,
            index: SuspendedIndex | None = None,
            prepare: Callable[[np.ndarray], None] | None = None,
            freq: Frequencies | None = None, packed: bool = False) -> tuple[Candidates, np.ndarray, Frequencies]:
    """Stage 1: the candidate pairs (blocking) and their features, (candidates, features,
    frequencies used). Pair by pair: a pair's row depends on its new account, the whole
    suspended side and ``freq`` only, and each new account's pairs come out together, in
    the same order, whichever other new accounts are in ``new``. ``packed``: the features
    as ``PackedFeatures`` (the same values in about half the memory)."""
    index = index or SuspendedIndex(suspended, n_ids)
    cand = index.candidates(new)
    if prepare is not None:
        prepare(np.unique(cand.s))
    freq = freq if freq is not None else Frequencies.of_batches(new, suspended)
    if freq.avatar_near is None:
        freq.avatar_near = avatar_density(index, suspended, density_rows(new, suspended, cand))
    if freq.skeleton_rarity is None:
        freq.skeleton_rarity = index.skeleton_rarity
    return cand, batched_features(new, suspended, cand.q, cand.s, n_ids, freq, packed=packed), freq


PAIR_BATCH = 100_000  # candidate pairs whose features are computed at once (bounds memory)


def batched_features(new: AccountBatch, suspended: AccountBatch, q: np.ndarray, s: np.ndarray,
                     n_ids: int, freq: Frequencies | None, batch: int = PAIR_BATCH,
                     packed: bool = False) -> np.ndarray:
    """``pair_features`` of the pairs, ``batch`` pairs at a time, each batch ending at a new
    account's last pair: a row depends only on its pair and the other pairs of the same new
    account (latest_suspension), so the rows are the same as in one call, and the
    temporaries (two dozen columns, strings, sparse rows) stay those of one batch.
    ``packed``: a ``PackedFeatures`` of the rows instead of one float64 matrix."""
    if not packed and (len(q) <= batch or (np.diff(q) < 0).any()):
        return pair_features(new, suspended, q, s, n_ids, freq)
    x = PackedFeatures(len(q), len(FEATURES)) if packed else np.empty((len(q), len(FEATURES)))
    for b in (_account_blocks(q, batch) if not (np.diff(q) < 0).any() else [slice(0, len(q))]):
        part = pair_features(new, suspended, q[b], s[b], n_ids, freq)
        if packed:
            x.add(b.start, part)
        else:
            x[b] = part
    return x


class PackedFeatures:
    """An (n, F) float64 feature matrix held as column pieces, each batch's column in the
    narrowest float type that gives back every one of its values bit for bit (float16 for
    flags, counts and the like, float32, else float64). Reading rows (a slice, or an array
    of row numbers) gives float64 rows equal to the matrix's bit for bit."""

    def __init__(self, n: int, width: int):
        self.shape = (n, width)
        self.starts: list[int] = []
        self.parts: list[list[np.ndarray]] = []

    def __len__(self) -> int:
        return self.shape[0]

    @staticmethod
    def _narrow(col: np.ndarray) -> np.ndarray:
        bits = col.view(np.int64)
        for dt in (np.float16, np.float32):
            with np.errstate(over="ignore"):  # an overflow to inf is caught by the comparison
                c = col.astype(dt)
            if np.array_equal(c.astype(np.float64).view(np.int64), bits):
                return c
        return col.copy()

    def add(self, lo: int, x: np.ndarray) -> None:
        """Rows lo .. lo + len(x) (added in row order)."""
        x = np.asarray(x, np.float64)
        self.starts.append(lo)
        self.parts.append([self._narrow(np.ascontiguousarray(x[:, c])) for c in range(x.shape[1])])

    def __getitem__(self, rows) -> np.ndarray:
        n, width = self.shape
        if isinstance(rows, slice):
            lo, hi, step = rows.indices(n)
            rows = np.arange(lo, hi, step)
        rows = np.asarray(rows, np.int64)
        out = np.empty((len(rows), width))
        ends = self.starts[1:] + [n]
        for lo, hi, cols in zip(self.starts, ends, self.parts):
            sel = np.flatnonzero((rows >= lo) & (rows < hi))
            if not len(sel):
                continue
            local = rows[sel] - lo
            for c, col in enumerate(cols):
                out[sel, c] = col[local]
        return out


@dataclass
class Decision:
    model: LinkModel            # calibrated when asked
    calibration: dict | None
    idx: np.ndarray             # the kept candidate pairs, in output order (by new account)
    conf: np.ndarray            # per kept pair
    rank: np.ndarray
    riv: Rivals


SCORE_BLOCK = 1 << 16  # rows scored at once (a multiple of 4,096: the BLAS kernels see the
                       # same row alignment in every block, so the sums are those of one call)


def _row_blocks(n: int, block: int = SCORE_BLOCK):
    return [slice(lo, min(lo + block, n)) for lo in range(0, n, block)]


def _account_blocks(q: np.ndarray, block: int = SCORE_BLOCK):
    """Slices of about ``block`` pairs each ending at a new account's last pair (q sorted)."""
    out, lo = [], 0
    while lo < len(q):
        hi = min(lo + block, len(q))
        if hi < len(q):
            hi = int(np.searchsorted(q, q[hi], "left"))
            if hi <= lo:
                hi = int(np.searchsorted(q, q[lo], "right"))
        out.append(slice(lo, hi))
        lo = hi
    return out


def pair_scores(model: LinkModel, x: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What ``decide`` needs of the features: each pair's base logit, and whether ``cap``
    leaves it alone (computed within each new account's pairs, so partition by partition).
    A block of rows at a time (the logit is row by row; eligibility compares a pair with
    the other pairs of its new account only, so blocks end at a new account's last pair):
    the standardised copies of the features are a block's, not the whole (n, 25) matrix's."""
    q = np.asarray(q)
    if len(q) <= SCORE_BLOCK or (np.diff(q) < 0).any():
        x = x[:] if isinstance(x, PackedFeatures) else x
        return model.base_logit(x), model.eligible(x, q)
    base = np.concatenate([model.base_logit(x[b]) for b in _row_blocks(len(q))])
    eligible = np.concatenate([model.eligible(x[b], q[b]) for b in _account_blocks(q)])
    return base, eligible


def _confidence(model: LinkModel, base: np.ndarray, riv: Rivals) -> np.ndarray:
    """``model.confidence`` a block of rows at a time (row by row, given the rivals)."""
    if len(base) <= SCORE_BLOCK:
        return model.confidence(base, riv)
    return np.concatenate([model.confidence(base[b], riv.take(b)) for b in _row_blocks(len(base))])


def decide(cand: Candidates, x: np.ndarray | None, model: LinkModel, *, keep: int = KEEP_PER_SUCCESSOR,
           calibrate: bool = False, labels: np.ndarray | None = None,
           scored: tuple[np.ndarray, np.ndarray] | None = None) -> Decision:
    """Stage 2, over every candidate pair at once: (calibration,) base logits, rivals,
    confidence, rank within each new account, and which pairs are kept. ``scored``:
    ``pair_scores`` already computed where the features are (then ``x`` is needed only
    to calibrate)."""
    calibration = None
    if calibrate:
        from hydrawatch.linking.calibrate import calibrate as em

        model, calibration = em(model, x, cand.q, cand.s, labels)
        scored = None
    base, eligible = pair_scores(model, x, cand.q) if scored is None else scored
    riv = rivals(cand.q, cand.s, base)
    raw = _confidence(model, base, riv)
    conf = model.cap(raw, None, eligible=eligible)
    order, rank = rank_within(cand.q, conf, raw)
    # A new account replaces one account: only its best candidate can be a link. The
    # runners-up stay (for review and MRR) just under the threshold at most.
    conf = np.where(rank > 1, np.minimum(conf, model.threshold - RUNNER_UP_GAP), conf)
    # ... and a suspended account two new accounts both claim is for a reviewer
    conf = model.one_claimant(conf, rank, cand.s)
    kept = (rank <= keep) & ((conf >= MIN_KEEP) | (rank == 1))
    idx = order[kept[order]]
    return Decision(model, calibration, idx, conf[idx], rank[idx], riv.take(idx))


def describe(new: AccountBatch, suspended: AccountBatch, q: np.ndarray, s: np.ndarray,
             x: np.ndarray, sources: np.ndarray, conf: np.ndarray, riv: Rivals, model: LinkModel,
             n_ids: int, freq: Frequencies | None, date_links: bool = True, lazy: bool = False):
    """Stage 3, pair by pair over the kept pairs: (linkable_at, field weights, reasons).
    ``lazy``: the weights and reasons as sequences that make them a block of pairs at a
    time when read (``Described``), the same values, without holding them all at once."""
    linkable = np.full(len(q), np.nan)
    accepted = np.flatnonzero(conf >= model.threshold)
    if date_links and len(accepted):
        linkable[accepted] = linkable_times(new, suspended, q[accepted], s[accepted], n_ids, model,
                                            x[accepted, _F["latest_suspension"]], riv.take(accepted), freq)
    described = Described(new, suspended, q, s, x, sources, riv, model)
    if lazy:
        return linkable, described.weights, described.reasons
    return linkable, list(described.weights), list(described.reasons)


class Described:
    """The field weights and reasons of kept pairs, made ``BLOCK`` pairs at a time when read
    (``weights`` and ``reasons`` are read-only sequences over them): a store writes them a
    block at a time, so ~2 KB of Python objects per kept pair are never all held at once.
    The last block made is kept, so reading both in step (``zip``) makes each block once."""

    BLOCK = 4096  # a multiple of 4,096 rows: LinkModel.explain's sums are those of one call

    def __init__(self, new: AccountBatch, suspended: AccountBatch, q: np.ndarray, s: np.ndarray,
                 x: np.ndarray, sources: np.ndarray, riv: Rivals, model: LinkModel):
        self.new, self.suspended, self.q, self.s, self.x = new, suspended, q, s, x
        self.sources, self.riv, self.model = sources, riv, model
        self._last: tuple[int, tuple[list, list]] | None = None
        self.weights = LazyRows(self, 0)
        self.reasons = LazyRows(self, 1)

    def __len__(self) -> int:
        return len(self.q)

    def block(self, b: int) -> tuple[list[dict], list[list[str]]]:
        if self._last is not None and self._last[0] == b:
            return self._last[1]
        blk = slice(b * self.BLOCK, min((b + 1) * self.BLOCK, len(self.q)))
        q, s, x, src = (a[blk].tolist() if a.ndim == 1 else a[blk] for a in (self.q, self.s, self.x, self.sources))
        weights = self.model.explain(x, self.riv.take(blk))
        reasons = [pair_reasons(self.new, self.suspended, i, j, xr, k) + [weight_line(w)]
                   for i, j, xr, k, w in zip(q, s, x, src, weights)]
        self._last = (b, (weights, reasons))
        return self._last[1]


class LazyRows(Sequence):
    """One of ``Described``'s per-pair lists (0: weights, 1: reasons), made when read. Equal
    to a list of the same items; pickles as that list (a cluster worker ships lists)."""

    def __init__(self, described: Described, part: int):
        self._d, self._part = described, part

    def __len__(self) -> int:
        return len(self._d)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = operator.index(k)
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError("pair index out of range")
        b, off = divmod(k, self._d.BLOCK)
        return self._d.block(b)[self._part][off]

    def __iter__(self):
        for b in range(-(-len(self) // self._d.BLOCK)):
            yield from self._d.block(b)[self._part]

    def __eq__(self, other):
        if not isinstance(other, (list, tuple, LazyRows)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"<{len(self)} {('weights', 'reasons')[self._part]} made when read>"

    def __reduce__(self):
        return list, (list(self),)


def density_rows(new: AccountBatch, suspended: AccountBatch, cand: Candidates) -> np.ndarray:
    """The candidate suspended rows whose avatar density can change a feature: those in a
    pair whose avatars are both known and less than 128 bits apart. For any other pair
    avatar_sim is 0 or NaN, so avatar_rare (avatar_sim x rarity) is 0 or NaN whatever the
    density; the PDQ searches of those rows would be wasted."""
    from hydrawatch.linking.features import _avatar

    return np.unique(cand.s[_avatar(new, suspended, cand.q, cand.s) < 128])


def avatar_density(index: SuspendedIndex, suspended: AccountBatch, rows: np.ndarray) -> np.ndarray:
    """Per suspended row (only ``rows`` are computed, the others 1): how many suspended
    avatars lie within the match distance of its own — a movement logo or a default
    avatar is shared by many, a personal photo by one."""
    out = np.ones(len(suspended))
    rows = np.array([int(r) for r in rows if suspended.avatars[int(r)]], np.int64)
    if len(rows) and len(index.avatars):
        every = index.avatar_densities(len(rows))  # None: searching these rows is cheaper
        if every is not None:
            out[rows] = np.maximum(every[rows], 1)
        else:
            q, _s = index.avatar_matches([suspended.avatars[r] for r in rows])
            out[rows] = np.maximum(np.bincount(q, minlength=len(rows)), 1)
    return out


def weight_line(w: dict) -> str:
    """A link's log-odds as the sum of its field weights, for reviewers."""
    parts = [f"{name} {v:+.2f}" for name, v in sorted(w["fields"].items(), key=lambda kv: -abs(kv[1]))
             if abs(v) >= 0.005]
    return (f"weights (log-odds {w['log_odds']:+.2f} = prior {w['prior']:+.2f}"
            + "".join(f", {p}" for p in parts) + f", rivals {w['rivals']:+.2f})")


def pair_reasons(new: AccountBatch, sus: AccountBatch, i: int, j: int, x: np.ndarray,
                 sources: int) -> list[str]:
    """Why a pair was proposed and scored as it was, for reviewers."""
    f = dict(zip(FEATURES, x.tolist()))
    nh, oh = new.handles[i][0] if new.handles[i] else "", sus.handles[j][0] if sus.handles[j] else ""
    out = []
    if f["shoutout_cue"]:
        out.append(f"posts announce the re-entry and mention @{oh}")
    elif f["shoutout"]:
        out.append(f"posts mention the suspended @{oh}")
    if f["skeleton_eq"]:
        out.append(f"handle @{nh} is a variant of @{oh}"
                   + (f" (a naming family: rarity {f['skeleton_rare']:.2f})" if f["skeleton_rare"] < 0.7 else ""))
    elif f["handle_sim"] >= 0.6:
        out.append(f"handle @{nh} resembles @{oh} ({f['handle_sim']:.2f})")
    if f["digit_same"] >= 0.75:
        out.append("handles carry the same number")
    elif f["digit_step"]:
        out.append("handle number a small step from the old one's")
    if f["avatar_match"]:
        out.append(f"same avatar (PDQ distance {round((1 - f['avatar_sim']) * 128)}; "
                   f"rarity-weighted {f['avatar_rare']:.2f})")
    shared = round(np.expm1(f["followers_shared"]))
    if shared:
        out.append(f"{shared} follower(s) of the new account followed @{oh} "
                   f"({f['followers_frac']:.0%} of its followers; rarity-weighted "
                   f"{np.expm1(f['followers_aa']):.1f})")
    shared = round(np.expm1(f["following_shared"]))
    if shared:
        out.append(f"follows {shared} account(s) @{oh} followed ({f['following_frac']:.0%})")
    if f["name_sim"] >= 0.7:
        out.append(f"display name similar ({f['name_sim']:.2f}; rarity-weighted {f['name_rare']:.2f})")
    if f["bio_sim"] >= 0.6:
        out.append(f"bio similar ({f['bio_sim']:.2f}; rarity-weighted {f['bio_rare']:.2f})")
    if f["content_sim"] >= 0.4:
        out.append(f"posts read alike ({f['content_sim']:.2f})")
    hours = float(np.expm1(f["gap_log_hours"]))
    out.append(f"created {_hours(hours)} after @{oh}'s suspension was seen")
    out.append("proposed by " + ", ".join(n for b, n in SOURCE_NAMES.items() if sources & b))
    return out


def _hours(h: float) -> str:
    if h < 1:
        return "within the hour"
    if h < 48:
        return f"{h:.0f} h"
    return f"{h / 24:.0f} days"
