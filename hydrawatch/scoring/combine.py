"""Combining the signals into one score (0..1) and explaining it in words.

With enough verified seeds, a small logistic model is fitted on seeds (label 1) against
every other scored account (label 0). Most of those are not members, and the members among
them were not chosen differently from the seeds, so the model's ranking follows the
probability of membership (learning from positive and unlabelled data). Signals that can
only be evidence *for* membership (policy endorsement, reshares of seeds, logo matches...)
are constrained to non-negative weights (a bounded fit), so no one scores lower for
matching the policy.

Following, replying to, mentioning and quoting verified accounts are deliberately *not*
features of the model: members follow and mention each other densely (a retweet mentions
its author), so in-sample they predict the seeds well, but they are exactly what
journalists, researchers and counter-speech accounts do too. They enter only through the
network signal, with small weights, and the reasons. With too few seeds the score is a noisy-OR of the policy evidence, weighted by the pack's
``weights``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydrawatch.scoring import signals

MIN_SEEDS = 5

# The columns and their sign constraints, from the signals' declarations (signals.py).
# Signals that can only be evidence *for* membership have non-negative weights; criticism
# and reporting (evidence against only) never raise a score.
FEATURES = signals.feature_names()
NON_NEGATIVE = signals.features_with_sign("+")
NON_POSITIVE = signals.features_with_sign("-")


@dataclass
class Combiner:
    mode: str                      # "learned" | "policy-only"
    coef: dict[str, float]
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    intercept: float = 0.0
    label_frequency: float = 1.0   # c: the share of members that are seeds, as fitted

    def contributions(self, F: np.ndarray) -> np.ndarray:
        """Per account and feature: coefficient x standardised value (log-odds units)."""
        if self.mode != "learned":
            return np.zeros_like(F)
        Z = (F - self.mean) / self.scale
        return Z * np.array([self.coef.get(f, 0.0) for f in FEATURES])


def _fit_bounded_logistic(Z: np.ndarray, y: np.ndarray, w: np.ndarray, lower: np.ndarray,
                          upper: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """L2-regularised weighted logistic regression with lower bounds on the coefficients
    (L-BFGS-B): a proper sign-constrained fit, not greedy feature dropping."""
    from scipy.optimize import minimize

    d = Z.shape[1]
    sign = np.where(y > 0, 1.0, -1.0)

    def loss(theta):
        beta, b = theta[:d], theta[d]
        m = sign * (Z @ beta + b)
        value = np.sum(w * np.logaddexp(0, -m)) + 0.5 * l2 * beta @ beta
        g = -w * sign * 0.5 * (1 - np.tanh(m / 2))  # d/dz of log(1 + e^-m) times sign
        return value, np.concatenate([Z.T @ g + l2 * beta, [g.sum()]])

    bounds = [(None if np.isinf(lo) else lo, None if np.isinf(hi) else hi)
              for lo, hi in zip(lower, upper)] + [(None, None)]
    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": 500})
    return res.x[:d], float(res.x[d])


def fit_combiner(F: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Combiner | None:
    """Balanced, L2-regularised logistic regression on standardised features, with
    evidence-only features constrained to non-negative weights; None when the labels
    cannot support a model."""
    if y.sum() < MIN_SEEDS or (1 - y).sum() < MIN_SEEDS:
        return None
    mean = F.mean(axis=0)
    scale = F.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (F - mean) / scale
    lower = np.array([0.0 if f in NON_NEGATIVE else -np.inf for f in FEATURES])
    upper = np.array([0.0 if f in NON_POSITIVE else np.inf for f in FEATURES])
    beta, intercept = _fit_bounded_logistic(Z, y, weight, lower, upper, l2=3.0)
    # Elkan & Noto (2008): with seeds picked at random among members, P(seed | x) =
    # c * P(member | x), and c is the mean P(seed | x) over the seeds.
    p = 1 / (1 + np.exp(-np.clip(Z @ beta + intercept, -50, 50)))
    label_frequency = float(np.clip(p[y > 0].mean(), 1e-6, 1))
    return Combiner(mode="learned", coef={f: float(c) for f, c in zip(FEATURES, beta)},
                    mean=mean, scale=scale, intercept=intercept, label_frequency=label_frequency)


def learned_scores(comb: Combiner, F: np.ndarray) -> np.ndarray:
    """The model's P(member | x) before calibration to the store: the seed log-odds
    shifted by the label frequency, ``sigmoid(logit - log c)`` (``P(seed | x) / c`` for
    small values, as Elkan & Noto; it saturates towards 1 instead of being capped, so the
    strongest accounts keep their order)."""
    logit = comb.contributions(F).sum(axis=1) + comb.intercept
    return _sigmoid(np.clip(logit - np.log(comb.label_frequency), -50, 50))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def log_odds(p: np.ndarray) -> np.ndarray:
    """logit(p), with p kept inside [1e-12, 1 - 1e-12]."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


# -- calibration to the store ---------------------------------------------------------------

CALIBRATION_MIN_ACCOUNTS = 200   # unlabelled active accounts needed to fit the mixture
_SD_FLOOR = 0.25                 # log-odds: neither component may collapse onto a spike


@dataclass
class Calibration:
    """``P(member) = sigmoid(slope * u + intercept)``, u the log-odds of the uncalibrated
    score, fitted on one store. ``base_rate``: the estimated share of members among the
    store's unlabelled accounts (the mixture weight); ``members`` / ``others``: the two
    mixture components (mean, sd of u); ``expected_members``: their estimated number."""
    slope: float
    intercept: float
    base_rate: float
    members: tuple[float, float]
    others: tuple[float, float]
    expected_members: float
    iterations: int

    def apply(self, p: np.ndarray) -> np.ndarray:
        return _sigmoid(np.clip(self.slope * log_odds(p) + self.intercept, -50, 50))

    def as_dict(self) -> dict:
        return {"slope": round(self.slope, 6), "intercept": round(self.intercept, 6),
                "base_rate": round(self.base_rate, 6),
                "members": [round(v, 4) for v in self.members],
                "others": [round(v, 4) for v in self.others],
                "expected_members": round(self.expected_members, 2), "iterations": self.iterations}


def _normal_logpdf(x: np.ndarray, mu: float, sd: float) -> np.ndarray:
    return -0.5 * ((x - mu) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)


def _weighted_moments(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    total = max(float(w.sum()), 1e-12)
    mu = float(w @ x) / total
    return mu, max(float(np.sqrt(w @ (x - mu) ** 2 / total)), _SD_FLOOR)


def calibrate_to_store(u: np.ndarray, seeds: np.ndarray, negatives: np.ndarray | None = None,
                       max_iter: int = 200) -> Calibration | None:
    """Fit the map from the uncalibrated log-odds ``u`` (one per active account) to
    P(member) on this store's own accounts.

    The model is fitted on seeds against everyone else, so its output is P(seed | x)
    (shifted by the label frequency), which depends on how many seeds there are and on
    which members they resemble (seeds are older, louder accounts; successors and quiet
    members look less like them) -- not on how many members the store holds. Its
    *ranking* is what the fit gets right: members and other accounts form two groups of
    log-odds. So the store's own distribution says where the line between them lies:

    1. a two-component Gaussian mixture over ``u`` by EM -- members and others -- with the
       seeds as members of known label (and reviewer-rejected accounts, ``negatives``, as
       known non-members); the members' component starts from the seeds, the others' from
       the unlabelled median. Each E-step keeps the posteriors monotone in ``u`` (an
       account never has a lower posterior than one with lower log-odds), so a wide
       component cannot claim the far tail of the other.
    2. Platt scaling of those posteriors, ``sigmoid(slope * u + intercept)`` with
       ``slope > 0``, fitted on Platt's smoothed targets (``(N+ + 1) / (N+ + 2)`` and
       ``1 / (N- + 2)``, so a clean separation cannot send the slope to infinity): a
       strictly increasing map, so the ranking is the model's, unchanged.

    None (keep the uncalibrated score) when the store is too small or the mixture does
    not separate (members' mean not above the others')."""
    from scipy.optimize import minimize

    u = np.asarray(u, dtype=float)
    seeds = np.asarray(seeds, dtype=bool)
    known_neg = np.zeros(len(u), dtype=bool) if negatives is None else np.asarray(negatives, bool) & ~seeds
    free = ~seeds & ~known_neg
    zu, zs = u[free], u[seeds]
    if len(zu) < CALIBRATION_MIN_ACCOUNTS or len(zs) < MIN_SEEDS:
        return None
    order = np.argsort(zu, kind="stable")
    mu1, sd1 = float(zs.mean()), max(float(zs.std()), _SD_FLOOR)
    mu0 = float(np.median(zu))
    sd0 = max(1.4826 * float(np.median(np.abs(zu - mu0))), _SD_FLOOR)
    zn = u[known_neg]
    pi, r = 0.05, None
    it = 0
    for it in range(1, max_iter + 1):
        l1 = np.log(pi) + _normal_logpdf(zu, mu1, sd1)
        l0 = np.log1p(-pi) + _normal_logpdf(zu, mu0, sd0)
        rn = _sigmoid(np.clip(l1 - l0, -50, 50))
        rn[order] = np.maximum.accumulate(rn[order])  # monotone in u
        done = r is not None and float(np.max(np.abs(rn - r))) < 1e-7
        r = rn
        pi = float(np.clip(r.mean(), 1e-4, 1 - 1e-4))
        mu1, sd1 = _weighted_moments(np.concatenate([zu, zs]), np.concatenate([r, np.ones(len(zs))]))
        mu0, sd0 = _weighted_moments(np.concatenate([zu, zn]), np.concatenate([1 - r, np.ones(len(zn))]))
        if done:
            break
    if not mu1 > mu0:
        return None
    # Platt scaling of the posteriors (seeds 1, rejected 0), smoothed targets
    z = np.concatenate([zu, zs, zn])
    t = np.concatenate([r, np.ones(len(zs)), np.zeros(len(zn))])
    n_pos = float(t.sum())
    hi, lo = (n_pos + 1) / (n_pos + 2), 1 / (len(t) - n_pos + 2)
    t = lo + (hi - lo) * t

    def loss(theta):
        m = theta[0] * z + theta[1]
        value = float(np.sum(t * np.logaddexp(0, -m) + (1 - t) * np.logaddexp(0, m)))
        g = _sigmoid(m) - t
        return value, np.array([g @ z, g.sum()])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B",
                   bounds=[(1e-3, None), (None, None)], options={"maxiter": 500})
    slope, intercept = (float(v) for v in res.x)
    return Calibration(slope=slope, intercept=intercept, base_rate=pi, members=(mu1, sd1),
                       others=(mu0, sd0), expected_members=float(r.sum()), iterations=it)


def avatar_evidence(sig: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """0..0.95: an avatar within PDQ distance 31 of the pack's logos (closer is stronger)."""
    d = sig["avatar_distance"]
    return np.where(d >= 0, np.clip(0.5 * weights.get("pdq", 1.0) * (1 - d / 64), 0, 0.95), 0.0)


def policy_only_parts(sig: dict[str, np.ndarray], weights: dict[str, float]) -> tuple[np.ndarray, ...]:
    """(p_text, p_avatar, p_media): the policy evidence of endorsing posts, the avatar and
    posted images, each 0..1."""
    w_text = (weights.get("hashtags", 1.0) + weights.get("phrases", 1.0)) / 2
    w_pdq = weights.get("pdq", 1.0)
    p_text = 1 - np.exp(-0.35 * w_text * sig["endorse_posts"])
    p_avatar = avatar_evidence(sig, weights)
    p_media = 1 - np.exp(-0.3 * w_pdq * sig["media_matches"])
    return p_text, p_avatar, p_media


def policy_only_scores(sig: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Noisy-OR of policy evidence: endorsing posts, avatar and posted-image matches."""
    p_text, p_avatar, p_media = policy_only_parts(sig, weights)
    return 1 - (1 - p_text) * (1 - p_avatar) * (1 - p_media)


def endorse_stance(sig: dict[str, np.ndarray]) -> np.ndarray:
    """0..1: the account's endorse purity (endorsing posts / policy posts), shrunk towards
    0 for few policy posts (``+ 2``): one endorsing post of one is 1/3, not 1."""
    return sig["endorse_posts"] / (sig["policy_posts"] + 2)


def counter_stance(sig: dict[str, np.ndarray]) -> np.ndarray:
    """0..1: the share of an account's stance-bearing posts that criticise, mock or report
    on the movement (cues in any post, slogans or not) rather than endorse it, shrunk
    towards 0 for accounts with few such posts. Account-level aggregation of the per-post
    stance cues: a counter-speech account's mocking posts that carry no cue word of their
    own are outweighed by its many posts that do."""
    against = sig["critical_any"] + sig["reporting_any"]
    return against / (sig["endorse_posts"] + against + 2)


def feature_matrix(sig: dict[str, np.ndarray]) -> np.ndarray:
    posts = np.maximum(sig["posts"], 1)
    # The account's stance weights its own endorsing posts: a post that slipped past the
    # stance cues counts little from an account that mostly quotes or mocks, and one post
    # is no habit.
    stance = endorse_stance(sig)
    cols = {
        "endorse_posts": np.log1p(sig["endorse_posts"] * stance),
        "endorse_days": np.log1p(sig["endorse_days"] * stance),
        "endorse_share": sig["endorse_posts"] / posts,
        # breadth of use, at most one item per endorsing post (one reshared bulletin can
        # carry every hashtag of the pack)
        "distinct_policy": np.log1p(stance * np.minimum(sig["distinct_tags"] + sig["distinct_phrases"],
                                                        sig["endorse_posts"])),
        "critical_share": sig["critical_any"] / (sig["posts"] + 2),
        "reporting_share": sig["reporting_any"] / (sig["posts"] + 2),
        "text_model": np.clip(sig["text_logit"], -8, 8),
        "text_dose": np.log1p(sig["text_dose"]),
        "network": np.log1p(sig["network_feature"]),
        "seed_reshares": np.log1p(sig["seed_reshares_feature"]),
        "seed_amplified": np.log1p(sig["seed_amplified_feature"]),
        "seed_mutual": np.log1p(sig["seed_mutual_feature"]),
        "avatar_match": np.where(sig["avatar_distance"] >= 0, 1 - sig["avatar_distance"] / 32, 0.0),
        "media_matches": np.log1p(sig["media_matches"]),
    }
    return np.stack([np.asarray(cols[f], dtype=float) for f in FEATURES], axis=1)
