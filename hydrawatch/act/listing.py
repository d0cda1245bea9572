"""The verified list as it leaves hydrawatch: one :class:`ListEntry` per listed account.

What an entry holds is exactly what may be published: platform, id, handle, category,
verification date, the number of independent confirming organisations, the SHA-256 of
each evidence item, and whether the account is still live. Never a reviewer, nominator,
user or organisation name (analysts in this field receive threats), never evidence content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from hydrawatch.act.outcomes import LIVE_STATUS, REMOVED_STATUSES, UNKNOWN_STATUS, observations
from hydrawatch.store.schema import Account, Case, Evidence, Media, Review, User
from hydrawatch.timeutil import as_utc, iso, utcnow

_PDQ = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 500


@dataclass(frozen=True)
class ListEntry:
    platform: str
    account_id: str
    handle: str | None
    category: str | None
    verified_at: datetime | None
    confirmations: int
    evidence_sha256: tuple[str, ...]
    status: str  # "active" (last check saw it live), "removed", or "unchecked"
    status_at: datetime | None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.account_id}"

    def as_dict(self) -> dict:
        return {"platform": self.platform, "id": self.account_id, "handle": self.handle,
                "category": self.category, "verified_at": iso(self.verified_at),
                "confirmations": self.confirmations,
                "evidence_sha256": list(self.evidence_sha256), "status": self.status,
                "status_at": iso(self.status_at)}


def listed_states() -> tuple[str, ...]:
    from hydrawatch.verification.states import VERIFIED_STATES

    return VERIFIED_STATES


def verified_entries(db: Session, *, now: datetime | None = None) -> list[ListEntry]:
    """Every listed account (a case in a verified state), by platform and id."""
    now = as_utc(now) or utcnow()
    cases = db.execute(select(Case.id, Case.platform, Case.account_id, Case.category,
                              Case.verified_at, Case.state)
                       .where(Case.state.in_(listed_states()))
                       .order_by(Case.platform, Case.account_id)).all()
    ids = [c.id for c in cases]
    confirms, hashes = _confirmations(db, ids), _evidence(db, ids)
    handles, status = {}, {}
    by_platform: dict[str, list[str]] = {}
    for c in cases:
        by_platform.setdefault(c.platform, []).append(c.account_id)
    for platform, accs in by_platform.items():
        for lo in range(0, len(accs), _CHUNK):
            for aid, handle in db.execute(select(Account.account_id, Account.handle).where(
                    Account.platform == platform, Account.account_id.in_(accs[lo: lo + _CHUNK]))):
                handles[(platform, aid)] = handle
        for aid, obs in observations(db, platform, accs, now).items():
            known = [(t, s) for t, s in obs if s != UNKNOWN_STATUS]
            if known:
                t, s = known[-1]
                status[(platform, aid)] = ("removed" if s in REMOVED_STATUSES else
                                           LIVE_STATUS if s == LIVE_STATUS else "unchecked", t)
    out = []
    for c in cases:
        st, at = status.get((c.platform, c.account_id), ("unchecked", None))
        if st == "unchecked" and c.state == "removed":  # track said so; its rows may be pruned
            st = "removed"
        out.append(ListEntry(platform=c.platform, account_id=c.account_id,
                             handle=handles.get((c.platform, c.account_id)), category=c.category,
                             verified_at=as_utc(c.verified_at), confirmations=confirms.get(c.id, 0),
                             evidence_sha256=tuple(hashes.get(c.id, ())), status=st, status_at=at))
    return out


def verified_pdq(db: Session) -> list[str]:
    """PDQ hashes of the media posted by listed accounts, sorted, each once."""
    keys = db.execute(select(Case.platform, Case.account_id)
                      .where(Case.state.in_(listed_states()))).all()
    by_platform: dict[str, list[str]] = {}
    for p, a in keys:
        by_platform.setdefault(p, []).append(a)
    found: set[str] = set()
    for platform, accs in by_platform.items():
        for lo in range(0, len(accs), _CHUNK):
            for (pdq,) in db.execute(select(Media.pdq).where(
                    Media.platform == platform, Media.account_id.in_(accs[lo: lo + _CHUNK]),
                    Media.pdq.is_not(None))):
                value = pdq.strip().lower()
                if _PDQ.match(value):
                    found.add(value)
    return sorted(found)


def _confirmations(db: Session, case_ids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for lo in range(0, len(case_ids), _CHUNK):
        part = case_ids[lo: lo + _CHUNK]
        for cid, n in db.execute(select(Review.case_id, func.count(distinct(User.org_id)))
                                 .join(User, User.id == Review.user_id)
                                 .where(Review.case_id.in_(part), Review.verdict == "confirm")
                                 .group_by(Review.case_id)):
            out[cid] = int(n)
    return out


def _evidence(db: Session, case_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, set[str]] = {}
    for lo in range(0, len(case_ids), _CHUNK):
        part = case_ids[lo: lo + _CHUNK]
        for cid, sha in db.execute(select(Evidence.case_id, Evidence.sha256)
                                   .where(Evidence.case_id.in_(part))):
            out.setdefault(cid, set()).add(sha)
    return {cid: sorted(v) for cid, v in out.items()}
