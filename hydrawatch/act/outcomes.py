"""What happened to reported accounts: when a case was reported, and when its account was
first seen removed after that (the shared vocabulary of issue 11).

A status observation is a row of ``statuses`` (written by ``track`` and by ingest).
"Removed" means offline: any of :data:`REMOVED_STATUSES`. ``unknown`` means the account
could not be checked, which is neither live nor removed. A report counts from its
``sent_at`` when its ``status`` is ``sent``; prepared or failed reports do not.

Observations are matched to an account by ``account_id``; rows that name only a handle
(X's lookup errors do) are matched by the account's current ``handle_norm``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hydrawatch.store.schema import Account, Case, Report, Status
from hydrawatch.timeutil import as_utc, iso, utcnow

ACCOUNT_STATUSES = ("active", "suspended", "not_found", "deactivated", "takendown", "unknown")
REMOVED_STATUSES = frozenset({"suspended", "not_found", "deactivated", "takendown"})
LIVE_STATUS = "active"
UNKNOWN_STATUS = "unknown"
SENT = "sent"

_CHUNK = 500


def is_removed(status: str | None) -> bool:
    return status in REMOVED_STATUSES


@dataclass(frozen=True)
class Outcome:
    """One reported case: when it was reported and what the checks after that saw.

    ``removed_at`` is the first removed observation at or after ``reported_at``;
    ``last_live_at`` the last ``active`` observation after the report (before removal, if
    any); ``reinstated_at`` the first ``active`` observation after ``removed_at``.
    """

    case_id: int
    platform: str
    account_id: str
    reported_at: datetime
    removed_at: datetime | None
    removed_status: str | None
    last_live_at: datetime | None
    reinstated_at: datetime | None
    last_status: str | None
    last_checked_at: datetime | None
    checks_after_report: int

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def checked(self) -> bool:
        """Seen live or removed at least once after the report."""
        return self.removed_at is not None or self.last_live_at is not None

    def as_dict(self) -> dict:
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, datetime):
                out[k] = iso(v)
        return out


def reported_at(db: Session, case_id: int, *, now: datetime | None = None) -> datetime | None:
    """When the case was first reported (its earliest sent report), or None."""
    now = now or utcnow()
    t = as_utc(db.scalar(select(func.min(Report.sent_at)).where(
        Report.case_id == case_id, Report.status == SENT, Report.sent_at <= now)))
    return t


def first_removed_after(db: Session, platform: str, account_id: str, since: datetime, *,
                        now: datetime | None = None) -> datetime | None:
    """The first time the account was seen removed at or after ``since``, or None."""
    obs = observations(db, platform, [account_id], now or utcnow()).get(account_id, [])
    return next((t for t, s in obs if t >= as_utc(since) and s in REMOVED_STATUSES), None)


def case_outcomes(db: Session, *, now: datetime | None = None,
                  platform: str | None = None) -> list[Outcome]:
    """One :class:`Outcome` per case with a sent report (as of ``now``), by case id."""
    now = now or utcnow()
    stmt = (select(Case.id, Case.platform, Case.account_id, func.min(Report.sent_at))
            .join(Report, Report.case_id == Case.id)
            .where(Report.status == SENT, Report.sent_at <= now)
            .group_by(Case.id, Case.platform, Case.account_id).order_by(Case.id))
    if platform:
        stmt = stmt.where(Case.platform == platform)
    rows = db.execute(stmt).all()
    by_platform: dict[str, list[str]] = {}
    for _, p, a, _ in rows:
        by_platform.setdefault(p, []).append(a)
    observed = {p: observations(db, p, ids, now) for p, ids in by_platform.items()}
    return [_outcome(cid, p, a, as_utc(sent), observed[p].get(a, []))
            for cid, p, a, sent in rows]


def latest_statuses(db: Session, platform: str, account_ids: list[str], *,
                    now: datetime | None = None) -> dict[str, tuple[datetime, str]]:
    """The newest observation of each account (``unknown`` included), by account id."""
    obs = observations(db, platform, account_ids, now or utcnow())
    return {a: rows[-1] for a, rows in obs.items() if rows}


def _outcome(case_id: int, platform: str, account_id: str, reported: datetime,
             obs: list[tuple[datetime, str]]) -> Outcome:
    removed_at = removed_status = last_live = reinstated = None
    after = [(t, s) for t, s in obs if t >= reported]
    for t, s in after:
        if removed_at is None:
            if s in REMOVED_STATUSES:
                removed_at, removed_status = t, s
            elif s == LIVE_STATUS:
                last_live = t
        elif s == LIVE_STATUS and reinstated is None:
            reinstated = t
    last = obs[-1] if obs else (None, None)
    return Outcome(case_id=case_id, platform=platform, account_id=account_id,
                   reported_at=reported, removed_at=removed_at, removed_status=removed_status,
                   last_live_at=last_live, reinstated_at=reinstated, last_status=last[1],
                   last_checked_at=last[0], checks_after_report=len(after))


def observations(db: Session, platform: str, account_ids: list[str],
                  now: datetime) -> dict[str, list[tuple[datetime, str]]]:
    """(time, status) observations up to ``now`` per account id, oldest first."""
    out: dict[str, list[tuple[datetime, str]]] = {}
    ids = sorted(set(account_ids))
    for lo in range(0, len(ids), _CHUNK):
        part = ids[lo: lo + _CHUNK]
        for aid, t, s in db.execute(select(Status.account_id, Status.observed_at, Status.status)
                                    .where(Status.platform == platform,
                                           Status.account_id.in_(part),
                                           Status.observed_at <= now)):
            out.setdefault(aid, []).append((as_utc(t), s))
        handles = dict(db.execute(select(Account.handle_norm, Account.account_id).where(
            Account.platform == platform, Account.account_id.in_(part),
            Account.handle_norm.is_not(None))).all())
        if handles:
            names = list(handles)
            for h, t, s in db.execute(select(Status.handle_norm, Status.observed_at, Status.status)
                                      .where(Status.platform == platform, Status.account_id == "",
                                             Status.handle_norm.in_(names),
                                             Status.observed_at <= now)):
                out.setdefault(handles[h], []).append((as_utc(t), s))
    for rows in out.values():
        rows.sort()
    return out
