"""One account's score redone step by step from what scoring stored, so that every number
``hydrawatch explain`` shows follows from the ones above it:

    learned:      feature contributions + intercept = logit
                  sigmoid(logit - log c)              = P(member), before calibration
                                                        (c: label frequency)
                  x (1 - counter-stance)              = stance-gated
                  noisy-OR with the avatar evidence   = with avatar
                  sigmoid(a x logit(that) + b)        = calibrated to the store
                                                        (a, b: combine.calibrate_to_store)
    policy-only:  noisy-OR of text, avatar and media evidence
    then:         max with the standing inherited from a verified predecessor; 1 for a
                  verified seed; rounded to 6 decimals = the stored score.

Pure arithmetic over the stored ``score_signals`` row: no numpy, no database.
"""

from __future__ import annotations

import math


def _sigmoid(x: float) -> float:
    """As combine._sigmoid: 0.5 (1 + tanh(x / 2)), so the step values match the stored
    score to the last bit."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def _step(steps: list, name: str, formula: str, value: float) -> float:
    steps.append({"name": name, "formula": formula, "value": value})
    return value


def explain_steps(info: dict) -> dict | None:
    """``{"mode", "features": [{name, value, contribution}], "steps": [{name, formula,
    value}], "score"}`` for an ``explain_account`` result; None when the account was
    scored before scores kept their steps (score again)."""
    sig = info.get("signals") or {}
    parts = sig.get("combine")
    if not parts or info.get("score") is None:
        return None
    steps: list[dict] = []
    features: list[dict] = []
    if sig.get("mode") == "learned":
        contributions = sig.get("contributions") or {}
        values = parts.get("features") or {}
        features = [{"name": k, "value": values.get(k), "contribution": v}
                    for k, v in contributions.items()]
        intercept = float(sig.get("intercept") or 0.0)
        logit = _step(steps, "logit", f"sum of {len(features)} contributions "
                      f"{sum(contributions.values()):+.6f} + intercept {intercept:+.6f}",
                      math.fsum(contributions.values()) + intercept)
        c = parts["label_frequency"]
        if "prior_shift" in parts:
            shifted = min(max(logit - math.log(c), -50.0), 50.0)
            value = _step(steps, "P(member) (before calibration)",
                          f"1 / (1 + exp(-({logit:+.6f} - log c {c:.6f})))",
                          _sigmoid(shifted))
        else:  # scored before the store calibration: P(seed) / c, capped at 1
            clipped = min(max(logit, -50.0), 50.0)
            p_seed = _step(steps, "P(seed)", f"1 / (1 + exp({-clipped:+.6f}))",
                           1.0 / (1.0 + math.exp(-clipped)))
            value = _step(steps, "P(member) (calibrated)", f"min(1, {p_seed:.6f} / {c:.6f})",
                          min(1.0, p_seed / c))
        counter = parts["counter_stance"]
        value = _step(steps, "stance-gated", f"{value:.6f} x (1 - counter-stance {counter:.6f})",
                      value * (1 - counter))
        avatar = parts["avatar_evidence"]
        value = _step(steps, "with avatar evidence",
                      f"1 - (1 - {value:.6f}) x (1 - avatar {avatar:.6f})",
                      1 - (1 - value) * (1 - avatar))
        if "calibration_slope" in parts:
            a, b = parts["calibration_slope"], parts["calibration_intercept"]
            p = min(max(value, 1e-12), 1 - 1e-12)
            u = math.log(p) - math.log1p(-p)
            value = _step(steps, "P(member) (calibrated to this store)",
                          f"1 / (1 + exp(-({a:.6f} x logit {u:+.6f} {b:+.6f})))",
                          _sigmoid(min(max(a * u + b, -50.0), 50.0)))
    else:
        p_text, p_avatar, p_media = parts["p_text"], parts["p_avatar"], parts["p_media"]
        value = _step(steps, "policy evidence",
                      f"1 - (1 - text {p_text:.6f}) x (1 - avatar {p_avatar:.6f}) x "
                      f"(1 - media {p_media:.6f})",
                      1 - (1 - p_text) * (1 - p_avatar) * (1 - p_media))
    standing = parts.get("standing", 0.0)
    if standing > 0 and not sig.get("verified"):
        value = _step(steps, "inherited standing", f"max({value:.6f}, {standing:.6f})",
                      max(value, standing))
    if sig.get("verified"):
        value = _step(steps, "verified seed", "a verified account scores 1", 1.0)
    value = _step(steps, "rounded", f"round({value:.9f}, 6)", round(value, 6))
    return {"mode": sig.get("mode"), "features": features, "steps": steps, "score": info["score"]}
