"""After a crawl: score and link the store with the new accounts in view, and nominate the
highest-scoring new accounts for review with the reason "found by collection". A
nomination opens a case in state ``nominated``; only reviewers verify it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from hydrawatch.store.schema import Account, Case

REASON = "found by collection"


@dataclass
class AfterSummary:
    scored: int = 0
    linked: dict = field(default_factory=dict)
    nominated: list = field(default_factory=list)   # "platform:id"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def score_link_nominate(store, new_accounts, *, since=None, top: int = 20, min_score: float = 0.5,
                        progress: bool = False) -> AfterSummary:
    """Link (with ``since`` = the earliest first activity among the new accounts, so every
    one of them is in view), score (writing the new accounts' scores only), then nominate
    the ``top`` new accounts scoring at least ``min_score``. ``since`` given: only the new
    accounts first seen since then count."""
    from hydrawatch.linking.pipeline import link_store
    from hydrawatch.scoring.pipeline import score_store
    from hydrawatch.verification.review import nominate
    from hydrawatch.verification.roles import system
    from hydrawatch.timeutil import as_utc

    out = AfterSummary()
    new = set(map(tuple, new_accounts))
    with store.session(readonly=True) as db:
        seen = {(p, a): as_utc(f) for p, a, f in db.execute(select(Account.platform, Account.account_id,
                                                                   Account.first_seen)) if (p, a) in new}
    if since is not None:
        new = {k for k in new if seen.get(k) is not None and seen[k] >= as_utc(since)}
    if not new:
        return out
    firsts = [seen[k] for k in new if seen.get(k) is not None]
    linked = link_store(store, since=since or (min(firsts) if firsts else None))
    out.linked = linked.as_dict() if hasattr(linked, "as_dict") else {}
    summary = score_store(store, progress=progress, only=new)
    out.scored = summary.accounts_scored
    with store.session(readonly=True) as db:
        open_cases = set(db.execute(select(Case.platform, Case.account_id)).all())
        ranked = db.execute(select(Account.platform, Account.account_id, Account.score)
                            .where(Account.score >= min_score)
                            .order_by(Account.score.desc(), Account.platform, Account.account_id)).all()
    picks = [(p, a) for p, a, _ in ranked if (p, a) in new and (p, a) not in open_cases][:top]
    for platform, account_id in picks:
        nominate(store, platform, account_id, by_user=system("collect"), reason=REASON,
                 source="collect")
        out.nominated.append(f"{platform}:{account_id}")
    return out
