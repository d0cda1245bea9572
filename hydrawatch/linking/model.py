"""The link confidence model, fitted on simulated worlds by scripts/fit_link_model.py and
shipped as hydrawatch/link_model.json (plain numbers: no pickle, nothing but numpy at run
time).

Two stacked logistic regressions:

1. **base**: over the pair features (features.py) — how much a pair looks like a re-entry
   on its own. Its log-odds are the ``base_logit``.
2. **context**: over ``CONTEXT``, which compares the pair with its rivals: the other
   candidates of the same new account (a clear margin over the runner-up means more than
   the same score among many look-alikes) and the other new accounts proposed for the
   same predecessor (a new account that is its predecessor's best successor too —
   "mutual best" — is far more likely right). The context model's output is the
   confidence.

Logistic regressions because the output is a calibrated probability when the training
pairs look like the pairs scored (both come from the same candidate generators), the
coefficients can be read in a review, and the model is a few numbers in JSON. The context
model is fitted on out-of-fold base log-odds (one simulated world held out at a time), so
it learns how far to trust base scores on worlds the base model never saw.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from hydrawatch.linking import specs
from hydrawatch.linking.features import FEATURES, identity_evidence

MODEL_PATH = Path(__file__).resolve().parent.parent / "link_model.json"

CONTEXT = (
    "base_logit",     # log-odds of the base model (clipped to +-15)
    "margin",         # base_logit minus the best other candidate's of the same new account
                      # (or the null rival's, when higher: see context_features)
    "is_top",         # the new account's best candidate by base_logit (and above the null)
    "rivals",         # log1p(plausible other candidates of the same new account: the sum
                      # of their base probabilities, see _plausible_others)
    "pred_margin",    # base_logit minus the best other new account's for the same predecessor
    "mutual_best",    # this new account is also the predecessor's best candidate successor
    "pred_rivals",    # log1p(plausible other new accounts proposed for the same predecessor)
)
# Sign constraints (on standardised coefficients) that make the model monotone in the
# evidence, declared with each feature in specs.py.
NON_NEGATIVE = specs.NON_NEGATIVE
BOUNDS: dict[str, tuple[float, float]] = specs.feature_bounds()
# the pair's own strength (base logit, its margins over rivals, being the best) can only
# help it; the number of rivals may count either way
CONTEXT_BOUNDS = (NON_NEGATIVE, NON_NEGATIVE, NON_NEGATIVE, (-np.inf, np.inf), NON_NEGATIVE,
                  NON_NEGATIVE, (-np.inf, np.inf))
# Fields: how a link's log-odds are explained (LinkModel.explain), one weight per field
# (each feature declares its field in specs.py).
FIELDS: dict[str, tuple[str, ...]] = specs.fields()
# Fields that say who an account is (its own choices), as opposed to where it moves
# (followers, followees, posts, timing): a pair must beat its rivals on these to be an
# automatic link (LinkModel.cap).
IDENTITY_FIELDS = ("handle", "display name", "bio", "avatar", "shout-out")
ID_MARGIN = 0.25      # log-odds of identity evidence a pair needs over its best rival
LOGIT_CLIP = 15.0
MARGIN_CLIP = 10.0
NULL_LOGIT = -2.5     # default null rival (the model file carries the fitted one)
CAP_GAP = 1e-4        # capped pairs sit this far under the threshold (rows keep 6 decimals)


@dataclass
class Rivals:
    """Per pair: the best base logit among the other candidates of its new account and
    how many of them are plausible (``_plausible_others``); the same among the other new
    accounts proposed for its predecessor."""

    best_q: np.ndarray   # -inf when there is none
    n_q: np.ndarray
    best_s: np.ndarray
    n_s: np.ndarray

    def take(self, idx) -> "Rivals":
        return Rivals(self.best_q[idx], self.n_q[idx], self.best_s[idx], self.n_s[idx])


def _best_other(group: np.ndarray, logit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per element: max logit among the *other* elements of its group, and their count."""
    n = len(group)
    best = np.full(n, -np.inf)
    count = np.zeros(n, np.int64)
    if not n:
        return best, count
    order = np.lexsort((-logit, group))
    g, v = group[order], logit[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, n])
    first = np.repeat(starts, sizes)
    top1 = v[first]
    second_idx = first + 1
    has_second = sizes > 1
    top2 = np.where(np.repeat(has_second, sizes), v[np.minimum(second_idx, n - 1)], -np.inf)
    is_first = np.arange(n) == first
    best[order] = np.where(is_first, top2, top1)
    count[order] = np.repeat(sizes - 1, sizes)
    return best, count


def _plausible_others(group: np.ndarray, logit: np.ndarray) -> np.ndarray:
    """Per element: how many *plausible* other elements its group has — the sum of the
    others' base probabilities. A predecessor that a dozen weak look-alikes were proposed
    for (a spam cluster's shared bio, a community's shared followees) has about as few
    real rivals as one with none; counting them all made such a predecessor lose to a
    sibling with fewer proposals."""
    if not len(group):
        return np.zeros(0)
    p = _sigmoid(np.clip(logit, -LOGIT_CLIP, LOGIT_CLIP))
    _, inv = np.unique(group, return_inverse=True)
    total = np.bincount(inv, weights=p)
    return np.maximum(total[inv] - p, 0.0)


def rivals(q: np.ndarray, s: np.ndarray, logit: np.ndarray) -> Rivals:
    q, s = np.asarray(q, np.int64), np.asarray(s, np.int64)
    bq, _ = _best_other(q, logit)
    bs, _ = _best_other(s, logit)
    return Rivals(bq, _plausible_others(q, logit), bs, _plausible_others(s, logit))


def context_features(logit: np.ndarray, r: Rivals, null_logit: float = NULL_LOGIT) -> np.ndarray:
    """(n, len(CONTEXT)) matrix from base log-odds and their rivals. Every pair also has
    a *null* rival — "it replaces no one", at ``null_logit`` (the base rate of links among
    the training candidates) — so a lone weak candidate has a small margin, not a large one:
    having no rival is not evidence."""
    lg = np.clip(logit, -LOGIT_CLIP, LOGIT_CLIP)
    margin = np.clip(lg - np.maximum(r.best_q, null_logit), -MARGIN_CLIP, MARGIN_CLIP)
    pmargin = np.clip(lg - np.maximum(r.best_s, null_logit), -MARGIN_CLIP, MARGIN_CLIP)
    cols = [lg, margin, (margin >= 0).astype(float), np.log1p(r.n_q),
            pmargin, (pmargin >= 0).astype(float), np.log1p(r.n_s)]
    return np.column_stack(cols) if len(lg) else np.zeros((0, len(CONTEXT)))


@dataclass
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def standardise(self, x: np.ndarray) -> np.ndarray:
        """(x - mean) / scale, with NaN (a similarity that could not be measured) at 0: the
        training mean, no evidence either way."""
        return np.nan_to_num((x - self.mean) / self.scale, nan=0.0)

    def logit(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        return self.standardise(x) @ self.coef + self.intercept

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature log-odds contributions relative to the mean pair."""
        return self.standardise(x) * self.coef

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, c: float, bounds=None, weight=None,
            start: "Logistic | None" = None, groups: np.ndarray | None = None,
            rank_weight: float = 0.0) -> "Logistic":
        """L2-penalised (1 / c) logistic regression on standardised columns, each
        coefficient within ``bounds`` (a (lo, hi) per column; default unbounded). ``y``
        may be soft (posterior probabilities, for EM); ``weight`` weighs rows. ``start``
        keeps its standardisation and pulls the coefficients towards its own (the penalty
        is on the distance from them) — a re-estimate from shipped defaults.
        ``groups`` (with ``rank_weight`` > 0): each row's choice set (the new account of a
        candidate pair); the loss adds ``rank_weight`` x the mean conditional-logit loss of
        the sets holding a positive (-log of its softmax share within the set), so the
        weights also learn *which* candidate of a set is right, not only how link-like
        each pair is on its own."""
        from scipy.optimize import minimize

        if start is not None:
            mean, scale = start.mean, start.scale
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column
                mean = np.nan_to_num(np.nanmean(x, axis=0), nan=0.0)
                scale = np.nanstd(x, axis=0)
            scale = np.where(np.isnan(scale) | (scale < 1e-9), 1.0, scale)
        z = cls(mean, scale, np.zeros(x.shape[1]), 0.0).standardise(x)
        y = np.asarray(y, float)
        w = np.ones(len(y)) if weight is None else np.asarray(weight, float)
        prior = np.zeros(x.shape[1]) if start is None else start.coef
        n = max(w.sum(), 1.0)

        rank = None  # (set of each kept row, their standardised rows, positives, number of sets)
        if groups is not None and rank_weight > 0:
            _, gi = np.unique(np.asarray(groups), return_inverse=True)
            has_pos = np.bincount(gi, weights=(y > 0.5).astype(float)) > 0
            keep = has_pos[gi]
            if has_pos.any():
                rank = (np.unique(gi[keep], return_inverse=True)[1], z[keep], y[keep] > 0.5, int(has_pos.sum()))

        def rank_loss(m):
            """Mean over the sets of -log(softmax share of the positive), and its gradient
            in the rows' scores ``m``."""
            gk, _, pos, n_sets = rank
            top = np.full(n_sets, -np.inf)
            np.maximum.at(top, gk, m)
            e = np.exp(m - top[gk])
            tot = np.bincount(gk, weights=e, minlength=n_sets)
            value = ((top + np.log(tot)).sum() - m[pos].sum()) / n_sets
            return value, (e / tot[gk] - pos) / n_sets

        def loss(theta):
            b, a = theta[:-1], theta[-1]
            m = z @ b + a
            # mean weighted log-loss, log(1 + e^m) - y m, computed stably
            ll = np.logaddexp(0.0, m) - y * m
            p = 1.0 / (1.0 + np.exp(-np.clip(m, -40, 40)))
            g = w * (p - y)
            d = b - prior
            value = (w @ ll + 0.5 / c * d @ d) / n
            grad = np.r_[(z.T @ g + d / c) / n, g.sum() / n]
            if rank is not None:
                rv, rg = rank_loss(rank[1] @ b)  # shift-invariant: no intercept term
                value += rank_weight * rv
                grad[:-1] += rank_weight * (rank[1].T @ rg)
            return value, grad

        lo_hi = list(bounds) if bounds is not None else [(-np.inf, np.inf)] * x.shape[1]
        b0 = np.clip(prior, [lo for lo, _ in lo_hi], [hi for _, hi in lo_hi])
        a0 = start.intercept if start is not None else 0.0
        res = minimize(loss, np.r_[b0, a0], jac=True, method="L-BFGS-B",
                       bounds=[(None if np.isinf(lo) else lo, None if np.isinf(hi) else hi)
                               for lo, hi in lo_hi] + [(None, None)],
                       options={"maxiter": 5000})
        return cls(mean, scale, res.x[:-1], float(res.x[-1]))

    def as_dict(self) -> dict:
        return {"mean": _round(self.mean), "scale": _round(self.scale), "coef": _round(self.coef),
                "intercept": round(float(self.intercept), 6)}

    @classmethod
    def from_dict(cls, d: dict) -> "Logistic":
        return cls(np.array(d["mean"], float), np.array(d["scale"], float), np.array(d["coef"], float),
                   float(d["intercept"]))


def shared_claims_capped(conf: np.ndarray, rank: np.ndarray, s: np.ndarray, threshold: float) -> np.ndarray:
    """``conf`` with every automatic claim on a predecessor that another new account claims
    automatically too capped just under ``threshold``: when two new accounts are each sure
    they replace the same suspended account — community members sharing its followers, a
    first name and a logo, or two backups of one owner — a reviewer decides, not the order
    of their scores. ``rank``: 1 = the new account's best candidate (only those claim)."""
    claim = (rank == 1) & (conf >= threshold)
    if claim.sum() < 2:
        return conf
    s = np.asarray(s)
    claimed, counts = np.unique(s[claim], return_counts=True)
    shared = np.isin(s, claimed[counts > 1]) & claim
    return np.where(shared, np.minimum(conf, threshold - CAP_GAP), conf)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class LinkModel:
    features: tuple[str, ...]
    base: Logistic
    context: Logistic | None
    threshold: float
    meta: dict = field(default_factory=dict)
    null_logit: float = NULL_LOGIT
    suggest: float | None = None  # review-queue threshold: [suggest, threshold) is for a reviewer

    @property
    def suggest_threshold(self) -> float:
        return self.threshold if self.suggest is None else min(self.suggest, self.threshold)

    def base_logit(self, x: np.ndarray) -> np.ndarray:
        return self.base.logit(x)

    def confidence(self, base_logit: np.ndarray, r: Rivals) -> np.ndarray:
        """The calibrated confidence of pairs from their base log-odds and rivals."""
        if self.context is None:
            return _sigmoid(base_logit)
        return _sigmoid(self.context.logit(context_features(base_logit, r, self.null_logit)))

    def identity_score(self, x: np.ndarray) -> np.ndarray:
        """Per pair: the base model's log-odds from identity fields only (IDENTITY_FIELDS:
        handle, display name, bio, avatar, shout-out) — what says *who* the account is,
        not which community it moves in."""
        idx = [self.features.index(f) for k in IDENTITY_FIELDS for f in FIELDS[k]]
        return self.base.contributions(x)[:, idx].sum(axis=1) if len(x) else np.zeros(0)

    def cap(self, conf: np.ndarray, x: np.ndarray | None, q: np.ndarray | None = None,
            eligible: np.ndarray | None = None) -> np.ndarray:
        """Pairs stay just under the auto threshold, whatever the model says (they can
        still reach the review queue), when

        - they have no identity evidence beyond the handle (features.identity_evidence), or
        - (with ``q``, the new account of each pair) another candidate of the same new
          account that has identity evidence too has at least as much identity evidence
          (``identity_score`` within ID_MARGIN): two suspended accounts that look equally
          like the new one — siblings of a spam cluster, members of one community sharing
          a logo — are for a reviewer, not for community overlap, to tell apart.

        ``eligible``: ``self.eligible(x, q)`` when already computed (then ``x`` may be None)."""
        ok = self.eligible(x, q) if eligible is None else eligible
        return np.where(ok, conf, np.minimum(conf, self.threshold - CAP_GAP))

    def one_claimant(self, conf: np.ndarray, rank: np.ndarray, s: np.ndarray) -> np.ndarray:
        """``shared_claims_capped`` at this model's threshold."""
        return shared_claims_capped(conf, rank, s, self.threshold)

    def eligible(self, x: np.ndarray, q: np.ndarray | None = None) -> np.ndarray:
        """The pairs ``cap`` leaves alone: those that may be automatic links."""
        ok = identity_evidence(x)
        if q is not None and len(x):
            score = self.identity_score(x)
            # every other candidate counts as a rival here, with or without identity evidence
            # of its own: a handle that resembles several suspended accounts of one naming
            # family ("cryptoboost5_ii", "cryptoboost50") says none of them is the owner
            best, _ = _best_other(np.asarray(q, np.int64), score)
            ok &= score - best >= ID_MARGIN
        return ok

    def explain(self, x: np.ndarray, r: Rivals) -> list[dict]:
        """Each pair's confidence log-odds as a sum of field weights (FIELDS), plus ``prior``
        (the weight of a pair with average evidence) and ``rivals`` (what comparing it with
        the other candidates of both accounts adds or takes away). The context model is
        linear in the base log-odds (but for clipping and the is-best flags), so each
        field's base contribution is scaled by the context model's total slope in it; the
        remainder is the rivals' term. The parts sum to the log-odds exactly."""
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
        # each field's column at once, added in the same order as a per-row sum() would
        cols = []
        for feats in FIELDS.values():
            acc = 0
            for f in feats:
                acc = acc + contrib[:, index[f]]
            cols.append([round(v, 4) for v in np.broadcast_to(slope * acc, len(lg)).tolist()])
        names = list(FIELDS)
        prior = round(float(slope * self.base.intercept), 4)
        out = []
        for k, fin in enumerate(final.tolist()):
            fields = {name: col[k] for name, col in zip(names, cols)}
            rest = round(fin - sum(fields.values()) - prior, 4)
            out.append({"fields": fields, "prior": prior, "rivals": rest, "log_odds": round(fin, 4)})
        return out

    def predict(self, x: np.ndarray, q: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Confidence of every pair (q[k], s[k]); the rivals are the other pairs given."""
        lg = self.base_logit(x)
        return self.cap(self.confidence(lg, rivals(q, s, lg)), x, q)

    @classmethod
    def load(cls, path: Path | str | None = None) -> "LinkModel":
        data = orjson.loads(Path(path or MODEL_PATH).read_bytes())
        feats = tuple(data["features"])
        if feats != FEATURES or ("context" in data and tuple(data["context"]["features"]) != CONTEXT):
            raise ValueError(f"{path or MODEL_PATH}: features differ from the code's; "
                             f"re-run scripts/fit_link_model.py")
        ctx = Logistic.from_dict(data["context"]) if data.get("context") else None
        null = float(data["context"].get("null_logit", NULL_LOGIT)) if ctx is not None else NULL_LOGIT
        suggest = data.get("suggest_threshold")
        return cls(feats, Logistic.from_dict(data["base"]), ctx, float(data["threshold"]),
                   data.get("meta", {}), null, None if suggest is None else float(suggest))

    def save(self, path: Path | str | None = None) -> None:
        data = {"features": list(self.features), "base": self.base.as_dict(),
                "context": ({"features": list(CONTEXT), "null_logit": round(self.null_logit, 6),
                             **self.context.as_dict()}
                            if self.context is not None else None),
                "threshold": self.threshold, "suggest_threshold": self.suggest, "meta": self.meta}
        Path(path or MODEL_PATH).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _round(a: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in a]


_cached: LinkModel | None = None


def default_model() -> LinkModel:
    global _cached
    if _cached is None:
        _cached = LinkModel.load()
    return _cached
