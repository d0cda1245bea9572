"""Per-store calibration of the link model's field weights (issue 13), in the spirit of
Fellegi–Sunter record linkage as Splink does it: the weights are re-estimated by EM on the
store's *own* candidate pairs, with no labels needed, starting from the shipped defaults.

The base model's log-odds of a pair are a sum of field weights (model.FIELDS: handle,
display name, bio, avatar, returning followers, shared followees, timing, shout-out, posts,
corroboration) around a prior. Calibration re-estimates one non-negative multiplier per
field and the prior:

    log-odds' = prior' + sum_f alpha_f * weight_f(pair)

- **E-step**: each pair's posterior of being the right predecessor, from the full model
  (context and rivals as in `hydrawatch link`) under the current weights, normalised per
  new account so that it replaces at most one account ("it replaces no one" takes the rest).
  Reviewer decisions are labels: a confirmed link's posterior is 1, a rejected one's 0.
- **M-step**: a weighted logistic regression of those posteriors on the field weights,
  each ``alpha_f >= 0`` (so a field that counted *for* a pair can only count for it less or
  more, never against it: the model stays monotone in the evidence) and pulled towards 1
  (the shipped defaults) by an L2 penalty, so a small store moves little.

A store whose naming, timing or communities differ from the simulator's thus learns, for
instance, that display names here are uninformative (alpha near 0) or that shared followees
carry more. The calibrated weights are returned as an ordinary LinkModel (the base
coefficients scaled), so explanations (`LinkModel.explain`) stay sums of field weights.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hydrawatch.linking.model import BOUNDS, FIELDS, LinkModel, Logistic, rivals

ITERATIONS = 5
STRENGTH = 1.0     # L2 pull of the multipliers towards 1 (inverse: larger moves less)
MIN_PAIRS = 200    # fewer candidate pairs than this: keep the shipped weights


def field_matrix(model: LinkModel, x: np.ndarray) -> np.ndarray:
    """(n, len(FIELDS)) per-pair field weights of the base model (around its mean pair)."""
    contrib = model.base.contributions(x)
    index = {f: i for i, f in enumerate(model.features)}
    return np.column_stack([contrib[:, [index[f] for f in feats]].sum(axis=1) for feats in FIELDS.values()])


def scaled(model: LinkModel, alpha: np.ndarray, intercept: float) -> LinkModel:
    """``model`` with each field's base coefficients multiplied by its alpha (clipped to the
    sign bounds) and the given prior."""
    coef = model.base.coef.copy()
    index = {f: i for i, f in enumerate(model.features)}
    for a, feats in zip(alpha, FIELDS.values()):
        for f in feats:
            lo, hi = BOUNDS[f]
            # bounds are on standardised coefficients, as in the fit
            coef[index[f]] = float(np.clip(coef[index[f]] * a, lo, hi))
    base = Logistic(model.base.mean, model.base.scale, coef, float(intercept))
    return replace(model, base=base)


def posteriors(model: LinkModel, x: np.ndarray, q: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Each pair's chance of being its new account's predecessor: the model's confidence
    as odds, normalised over the new account's candidates plus "no one"."""
    lg = model.base_logit(x)
    conf = np.clip(model.confidence(lg, rivals(q, s, lg)), 1e-6, 1 - 1e-6)
    odds = conf / (1 - conf)
    _, inv = np.unique(q, return_inverse=True)
    total = np.bincount(inv, weights=odds)
    return odds / (1.0 + total[inv])


def calibrate(model: LinkModel, x: np.ndarray, q: np.ndarray, s: np.ndarray,
              labels: np.ndarray | None = None, *, iterations: int = ITERATIONS,
              strength: float = STRENGTH) -> tuple[LinkModel, dict]:
    """EM re-estimate of the field weights on one store's candidate pairs (see the module
    docstring). ``labels``: per pair 1 (a reviewer confirmed it), 0 (rejected) or NaN.
    Returns the calibrated model and a summary (alpha per field, prior, iterations)."""
    n = len(x)
    info = {"pairs": int(n), "alpha": dict.fromkeys(FIELDS, 1.0), "prior": float(model.base.intercept),
            "iterations": 0, "labelled": 0}
    if n < MIN_PAIRS:
        return model, info
    q = np.asarray(q, np.int64)
    labels = np.full(n, np.nan) if labels is None else np.asarray(labels, float)
    known = ~np.isnan(labels)
    info["labelled"] = int(known.sum())
    z = field_matrix(model, x)
    k = z.shape[1]
    alpha = np.ones(k)
    intercept = float(model.base.intercept)
    current = model
    for it in range(iterations):
        post = posteriors(current, x, q, s)
        post = np.where(known, labels, post)
        # labelled pairs weigh as much as a whole new account's worth of evidence, and more
        weight = np.where(known, 5.0, 1.0)
        # the penalty pulls towards the shipped weights (alpha = 1), whatever the iterate
        fit = Logistic.fit(z, post, strength, bounds=[(0.0, np.inf)] * k, weight=weight,
                           start=Logistic(np.zeros(k), np.ones(k), np.ones(k), intercept))
        moved = float(np.abs(fit.coef - alpha).max())
        alpha = fit.coef  # the prior stays: the context model and the null rival are calibrated on it
        current = scaled(model, alpha, intercept)
        info["iterations"] = it + 1
        if moved < 1e-3:
            break
    info["alpha"] = {name: round(float(a), 4) for name, a in zip(FIELDS, alpha)}
    info["prior"] = round(float(intercept), 4)
    return current, info
