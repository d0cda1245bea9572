"""Where a crawl starts and what it will cost: the seeds (verified cases in the store, or a
list file in any form ``lists import`` reads) and, for ``--dry-run``, the request count
estimate from the seeds' profile counts (page caps where they are unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from hydrawatch.collect.fetch import Limits, Target
from hydrawatch.errors import InputError
from hydrawatch.store.schema import Account, Case
from hydrawatch.verification.states import VERIFIED_STATES

COLLECTABLE = ("x", "mastodon", "bluesky")


def seeds_from_store(store, platforms=COLLECTABLE) -> list[Target]:
    """Every account whose case is verified (or reported, removed...), on ``platforms``."""
    with store.session(readonly=True) as db:
        rows = db.execute(select(Case.platform, Case.account_id, Account.handle)
                          .join(Account, (Account.platform == Case.platform)
                                & (Account.account_id == Case.account_id), isouter=True)
                          .where(Case.state.in_(VERIFIED_STATES), Case.platform.in_(platforms))
                          .order_by(Case.platform, Case.account_id)).all()
    return [Target(p, a, h) for p, a, h in rows]


def seeds_from_file(path, platforms=COLLECTABLE) -> list[Target]:
    """Seeds from a list file (``@handle``, ``x:id:123``, profile URLs...); rows on other
    platforms or naming nothing are refused with their line."""
    from hydrawatch.ingest.lists import read_rows

    data = Path(path).read_bytes()
    out, bad = [], []
    for row in read_rows(data):
        if row.ref is None:
            if row.problem:
                bad.append(f"line {row.row}: {row.problem}")
            continue
        if row.ref.platform in platforms:
            out.append(Target(row.ref.platform, row.ref.account_id, row.ref.handle))
    if bad:
        raise InputError("; ".join(bad[:5]), path=str(path))
    return list(dict.fromkeys(out))


@dataclass
class Plan:
    seeds: dict[str, int] = field(default_factory=dict)     # per platform
    budget: int = 0
    hops: int = 2
    per_account: dict[str, int] = field(default_factory=dict)  # requests for one account
    requests: int = 0                                        # upper estimate

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        out = [f"seeds: {', '.join(f'{p} {n}' for p, n in self.seeds.items()) or 'none'}",
               f"hops: {self.hops}, budget: {self.budget} accounts (seeds included)"]
        for p, n in self.per_account.items():
            out.append(f"{p}: about {n} requests an account (profile, posts, followers, followees)")
        out.append(f"estimated requests: at most {self.requests:,}")
        return out


def make_plan(store, seeds: list[Target], *, budget: int, hops: int, limits: Limits, fetchers) -> Plan:
    plan = Plan(budget=budget, hops=hops)
    for s in seeds:
        plan.seeds[s.platform] = plan.seeds.get(s.platform, 0) + 1
    plan.seeds = dict(sorted(plan.seeds.items()))
    counts = {}
    with store.session(readonly=True) as db:
        for s in seeds:
            if s.account_id:
                row = db.execute(select(Account.followers, Account.following, Account.posts_count).where(
                    Account.platform == s.platform, Account.account_id == s.account_id)).first()
                counts[s] = tuple(row) if row else (None, None, None)
    for p, fetcher in sorted(fetchers.items()):
        if p not in plan.seeds:
            continue
        plan.per_account[p] = fetcher.estimate(None, None, None)
    n_seeds = sum(plan.seeds.values())
    seed_cost = sum(fetchers[s.platform].estimate(*counts.get(s, (None, None, None)))
                    for s in seeds if s.platform in fetchers)
    others = max(budget - n_seeds, 0)
    avg = max(plan.per_account.values()) if plan.per_account else 0
    plan.requests = seed_cost + (others * avg if hops > 0 else 0)
    return plan
