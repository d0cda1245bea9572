"""Combining the signals into one score (0..1) and explaining it in words.

With enough verified seeds, a small logistic model is fitted on seeds (label 1) against
every other scored account (label 0). Most of those are not members, and the members among
them were not chosen differently from the seeds, so the model's ranking follows the
probability of membership (learning from positive and unlabelled data). Signals that can
only be evidence *for* membership (policy endorsement, reshares of seeds, logo matches...)
are constrained to non-negative weights: a feature whose fitted weight comes out negative
is dropped and the model refitted, so no one scores lower for matching the policy.

Following verified accounts is deliberately *not* a feature of the model: members follow
each other densely, so in-sample it predicts the seeds well, but it is exactly what
journalists and researchers do too (follows enter only through the network signal, with a
small weight). With too few seeds the score is a noisy-OR of the policy evidence, weighted by the pack's
``weights``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SEEDS = 5

FEATURES = (
    "endorse_posts",      # log1p(posts endorsing policy hashtags or slogans)
    "endorse_share",      # share of the account's posts that endorse
    "distinct_policy",    # log1p(distinct policy hashtags and slogans used endorsingly)
    "quoted_posts",       # log1p(policy posts inside reporting or criticism)
    "text_model",         # mean log-odds of the cross-fitted text model
    "network",            # log1p(personalised PageRank x scored accounts)
    "seed_reshares",      # log1p(reshares of verified accounts' posts)
    "seed_engagement",    # log1p(replies to, mentions and quotes of verified accounts)
    "avatar_match",       # 1 - distance/32 when the avatar matches the hash bank
    "media_matches",      # log1p(posted images matching the hash bank)
    "posts",              # log1p(posts)
)
NON_NEGATIVE = {"endorse_posts", "endorse_share", "distinct_policy", "text_model", "network",
                "seed_reshares", "avatar_match", "media_matches"}


@dataclass
class Combiner:
    mode: str                      # "learned" | "policy-only"
    coef: dict[str, float]
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    intercept: float = 0.0

    def contributions(self, F: np.ndarray) -> np.ndarray:
        """Per account and feature: coefficient x standardised value (log-odds units)."""
        if self.mode != "learned":
            return np.zeros_like(F)
        Z = (F - self.mean) / self.scale
        return Z * np.array([self.coef.get(f, 0.0) for f in FEATURES])


def fit_combiner(F: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Combiner | None:
    """Logistic regression on standardised features with sign constraints; None when the
    labels cannot support a model."""
    from sklearn.linear_model import LogisticRegression

    if y.sum() < MIN_SEEDS or (1 - y).sum() < MIN_SEEDS:
        return None
    mean = F.mean(axis=0)
    scale = F.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (F - mean) / scale
    active = [i for i in range(len(FEATURES)) if F[:, i].std() > 0]
    for _ in range(len(FEATURES)):
        model = LogisticRegression(C=0.3, class_weight="balanced", max_iter=1000)
        model.fit(Z[:, active], y, sample_weight=weight)
        bad = [i for i, c in zip(active, model.coef_[0]) if c < 0 and FEATURES[i] in NON_NEGATIVE]
        if not bad:
            break
        active = [i for i in active if i not in bad]
        if not active:
            return None
    coef = {FEATURES[i]: float(c) for i, c in zip(active, model.coef_[0])}
    return Combiner(mode="learned", coef=coef, mean=mean, scale=scale,
                    intercept=float(model.intercept_[0]))


def learned_scores(comb: Combiner, F: np.ndarray) -> np.ndarray:
    logit = comb.contributions(F).sum(axis=1) + comb.intercept
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))


def policy_only_scores(sig: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Noisy-OR of policy evidence: endorsing posts, avatar and posted-image matches."""
    w_text = (weights.get("hashtags", 1.0) + weights.get("phrases", 1.0)) / 2
    w_pdq = weights.get("pdq", 1.0)
    p_text = 1 - np.exp(-0.35 * w_text * sig["endorse_posts"])
    avatar = sig["avatar_distance"] >= 0
    p_avatar = np.where(avatar, np.clip(0.6 * w_pdq * (1 - sig["avatar_distance"] / 64), 0, 0.95), 0)
    p_media = 1 - np.exp(-0.3 * w_pdq * sig["media_matches"])
    return 1 - (1 - p_text) * (1 - p_avatar) * (1 - p_media)


def feature_matrix(sig: dict[str, np.ndarray]) -> np.ndarray:
    posts = np.maximum(sig["posts"], 1)
    cols = {
        "endorse_posts": np.log1p(sig["endorse_posts"]),
        "endorse_share": sig["endorse_posts"] / posts,
        "distinct_policy": np.log1p(sig["distinct_tags"] + sig["distinct_phrases"]),
        "quoted_posts": np.log1p(sig["reporting_posts"] + sig["critical_posts"]),
        "text_model": np.clip(sig["text_logit"], -8, 8),
        "network": np.log1p(sig["network_feature"]),
        "seed_reshares": np.log1p(sig["seed_reshares_feature"]),
        "seed_engagement": np.log1p(sig["seed_engagement_feature"]),
        "avatar_match": np.where(sig["avatar_distance"] >= 0, 1 - sig["avatar_distance"] / 32, 0.0),
        "media_matches": np.log1p(sig["media_matches"]),
        "posts": np.log1p(sig["posts"]),
    }
    return np.stack([np.asarray(cols[f], dtype=float) for f in FEATURES], axis=1)
