"""Human-readable reasons for an account's score, strongest first.

Reasons are written for an analyst deciding whether to nominate an account: each names
the evidence (which hashtags, how many reshares, which logo distance) so it can be checked
against the account's posts. Notes that *lower* suspicion ("not counted as endorsement")
are listed too, so a reviewer sees why a journalist quoting slogans was not flagged.
"""

from __future__ import annotations

import numpy as np

MAX_LISTED = 4


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _listing(items: list[str], fmt) -> str:
    shown = ", ".join(fmt(x) for x in items[:MAX_LISTED])
    return shown + (", ..." if len(items) > MAX_LISTED else "")


def group_by_account(accounts: np.ndarray, ids: np.ndarray, names: list[str]) -> dict[int, list[str]]:
    """{account index: [names]} from (account, id) pairs sorted by account."""
    out: dict[int, list[str]] = {}
    if len(accounts) == 0:
        return out
    order = np.argsort(accounts, kind="stable")
    accounts, ids = accounts[order], ids[order]
    bounds = np.flatnonzero(np.diff(accounts)) + 1
    for chunk_acc, chunk_ids in zip(np.split(accounts, bounds), np.split(ids, bounds)):
        out[int(chunk_acc[0])] = [names[j] for j in chunk_ids]
    return out


def account_reasons(i: int, sig: dict[str, np.ndarray], contrib: dict[str, float] | None,
                    tags: list[str], phrases: list[str], verified: bool,
                    inherited: tuple[str, float, bool] | None, network_pct: float,
                    banks: list[str] | None = None) -> list[str]:
    """Reasons for account ``i``. ``contrib``: log-odds contribution per feature when the
    learned model scored it (None: policy-only score); ``inherited``: (predecessor label,
    link confidence, predecessor suspended) when the account inherits a predecessor's
    standing; ``network_pct``: its percentile of network proximity (0..100); ``banks``:
    the imported hash banks its avatar or images matched."""
    ranked: list[tuple[float, str]] = []

    def add(strength: float, text: str, feature: str | None = None) -> None:
        if contrib is not None and feature is not None:
            strength = contrib.get(feature, 0.0) + strength * 1e-3
        ranked.append((strength, text))

    if verified:
        ranked.append((1e9, "verified account (its case was confirmed by reviewers)"))
    if inherited is not None:
        who, conf, suspended = inherited
        state = "suspended verified" if suspended else "verified"
        ranked.append((1e8, f"successor of {state} account {who} (link confidence {conf:.2f})"))

    endorse = int(sig["endorse_posts"][i])
    if tags:
        add(endorse, f"uses {_plural(len(tags), 'policy hashtag')} "
                     f"({_listing(tags, lambda t: '#' + t)}) in {_plural(endorse, 'post')}",
            "distinct_policy")
    if phrases:
        add(endorse, f"repeats {_plural(len(phrases), 'policy slogan')} "
                     f"({_listing(phrases, lambda p: chr(34) + p + chr(34))})", "endorse_posts")
    if endorse and not tags and not phrases:
        add(endorse, f"{_plural(endorse, 'post')} carry policy hashtags or slogans", "endorse_posts")
    reshared = int(sig["seed_reshares"][i])
    if reshared:
        add(reshared, f"reshared {_plural(reshared, 'post')} of verified accounts", "seed_reshares")
    engaged = int(sig["seed_engagement"][i])
    if engaged:
        add(engaged * 0.1, f"replied to, mentioned or quoted verified accounts {_plural(engaged, 'time')}",
            "seed_engagement")
    if network_pct >= 90 and float(sig["network"][i]) > 0:
        add(network_pct / 100, f"close to verified accounts in the reshare network "
                               f"(top {max(100 - network_pct, 0.1):.1f}% of proximity)", "network")
    amplified = int(sig["seed_amplified"][i])
    if amplified:
        add(amplified, f"reshared, replied to or mentioned by verified accounts {_plural(amplified, 'time')}",
            "seed_amplified")
    mutual = int(sig["seed_mutual"][i])
    if mutual:
        add(mutual, f"follows and is followed back by {_plural(mutual, 'verified account')}", "seed_mutual")
    prob = float(sig["text_prob"][i])
    if prob >= 0.5 and sig["posts"][i] > 0:
        add(prob, f"writes like verified accounts (text model {prob:.2f})", "text_model")
    d = int(sig["avatar_distance"][i])
    if d >= 0:
        what = f"hash bank {_listing(banks, repr)}" if banks else "policy logo"
        add(2.0, f"avatar matches {what} (PDQ distance {d})", "avatar_match")
    m = int(sig["media_matches"][i])
    if m:
        what = f"hash bank {_listing(banks, repr)}" if banks else "the policy hash bank"
        add(m, f"posted {_plural(m, 'image')} matching {what} "
               f"(best PDQ distance {int(sig['media_distance'][i])})", "media_matches")
    notes = []
    days = int(sig["endorse_days"][i]) if "endorse_days" in sig else endorse
    if endorse and days <= 1 and not verified:
        notes.append(f"policy content on a single day only ({_plural(endorse, 'post')}) — "
                     "a one-off share weighs little")
    follows = int(sig["seed_follows"][i])
    if follows:  # always last among the evidence: following is what observers do too
        notes.append(f"follows {_plural(follows, 'verified account')} (weak: researchers and "
                     "journalists follow too)")
    rep, crit = int(sig["reporting_posts"][i]), int(sig["critical_posts"][i])
    if rep:
        notes.append(f"quotes slogans in reporting ({_plural(rep, 'post')} with news links, report "
                     "wording or quotation) — not counted as endorsement")
    if crit:
        notes.append(f"uses policy hashtags or slogans to criticise or mock them "
                     f"({_plural(crit, 'post')}) — not counted as endorsement")
    crit_any, posts = int(sig["critical_any"][i]), int(sig["posts"][i])
    if crit_any and posts and crit_any / posts >= 0.2 and not verified:
        notes.append(f"{_plural(crit_any, 'post')} of {posts} speak against the movement — its "
                     "other policy posts weigh less")
    ranked.sort(key=lambda r: -r[0])
    return [text for _, text in ranked] + notes
