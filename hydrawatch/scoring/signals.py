"""The scoring signals, declared: each names the features it gives the combiner, the sign
each feature's weight may take, and the reasons it can put in an account's explanation.

The combiner's feature columns (``combine.FEATURES``) and its sign constraints
(``combine.NON_NEGATIVE``, ``combine.NON_POSITIVE``) are derived from :data:`SIGNALS`, in
this order. Adding a feature is one line here plus its column in ``pipeline.py``; the order
of the columns is the order of the signals and of their features below.

This module is data only (no numpy): docs and tests read it without the numeric stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sign = Literal["+", "-", "any"]


@dataclass(frozen=True)
class Feature:
    """One column of the combiner. ``sign``: "+" evidence for membership only (its weight is
    never negative), "-" evidence against only (never positive), "any" either way."""

    name: str
    sign: Sign
    doc: str


@dataclass(frozen=True)
class Signal:
    """One scoring signal: the module that computes it, its features, and the reasons it
    can give (``reasons.account_reasons`` writes them; listed here as their gist)."""

    name: str
    module: str
    features: tuple[Feature, ...]
    reasons: tuple[str, ...]


SIGNALS: tuple[Signal, ...] = (
    Signal("policy", "hydrawatch.scoring.content", (
        Feature("endorse_posts", "+", "log1p(endorsing posts x the account's endorse purity)"),
        Feature("endorse_days", "+", "log1p(distinct days with endorsing posts): repeated, not once"),
        Feature("endorse_share", "+", "share of the account's posts that endorse"),
        Feature("distinct_policy", "+", "log1p(distinct policy hashtags and slogans used endorsingly)"),
    ), ("uses N policy hashtags (...) in N posts", "repeats N policy slogans (...)",
        "N posts carry policy hashtags or slogans",
        "policy content on a single day only — a one-off share weighs little")),
    Signal("stance", "hydrawatch.scoring.stance", (
        Feature("critical_share", "-", "posts with criticism cues / (posts + 2), slogans or not"),
        Feature("reporting_share", "-", "posts with reporting cues / (posts + 2)"),
    ), ("quotes slogans in reporting — not counted as endorsement",
        "uses policy hashtags or slogans to criticise or mock them — not counted as endorsement",
        "N posts of M speak against the movement — its other policy posts weigh less")),
    Signal("text", "hydrawatch.scoring.content", (
        Feature("text_model", "+", "mean log-odds of the cross-fitted text model"),
        Feature("text_dose", "+", "log1p(summed positive log-odds of its posts)"),
    ), ("writes like verified accounts (text model P)",)),
    Signal("network", "hydrawatch.scoring.network", (
        Feature("network", "+", "log1p(personalised PageRank x scored accounts)"),
        Feature("seed_reshares", "+", "log1p(reshares of verified accounts' posts)"),
        Feature("seed_amplified", "+", "log1p(reshares, replies, mentions of it by verified accounts)"),
        Feature("seed_mutual", "+", "log1p(verified accounts it follows that follow it back)"),
    ), ("reshared N posts of verified accounts", "close to verified accounts in the reshare network",
        "reshared, replied to or mentioned by verified accounts N times",
        "follows and is followed back by N verified accounts",
        "replied to, mentioned or quoted verified accounts N times (reason only, no feature)",
        "follows N verified accounts (weak: reason only, no feature)")),
    Signal("media", "hydrawatch.scoring.media", (
        Feature("avatar_match", "+", "1 - distance/32 when the avatar matches the hash bank"),
        Feature("media_matches", "+", "log1p(posted images matching the hash bank)"),
    ), ("avatar matches the policy logo / hash bank (PDQ distance D)",
        "posted N images matching the policy hash bank")),
)


def feature_names() -> tuple[str, ...]:
    """Every feature, in column order."""
    return tuple(f.name for s in SIGNALS for f in s.features)


def features_with_sign(sign: Sign) -> frozenset[str]:
    return frozenset(f.name for s in SIGNALS for f in s.features if f.sign == sign)


def signal(name: str) -> Signal:
    for s in SIGNALS:
        if s.name == name:
            return s
    raise KeyError(f"no scoring signal {name!r} (known: {', '.join(s.name for s in SIGNALS)})")
