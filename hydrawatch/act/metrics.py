"""Outcome figures for the transparency report (`hydrawatch metrics`).

Definitions (each figure is "as of ``now``": later rows are ignored):

- cases: ``opened`` every case (each starts as a nomination or a re-entry link),
  ``verified`` cases that were ever verified (``verified_at`` set), ``rejected`` cases in
  state ``rejected``; ``nominations`` the nomination rows behind them.
- reports: sent reports per platform (``recipient``) and ``channel``, plus failed and
  prepared ones.
- per platform, over reported cases (a sent report): ``removed`` = seen removed at or
  after the first report; ``removal_rate`` = removed / reported; ``reinstated`` = seen
  live again after that; ``unchecked`` = never seen live or removed after the report.
- time to removal: hours from first report to first removed observation over removed
  cases; median and 90th percentile (linear interpolation, numpy's default).
- survival: Kaplan–Meier (lifelines) over reported cases that were checked: the event is
  removal, a case still live is censored at its last live check. ``live_at_7_days`` and
  ``live_at_30_days`` are S(7) and S(30) with time in days.
- re-entries: successors whose best link (rank 1) is at or above the linking threshold and
  not rejected; days to return = successor creation (or first seen) minus the
  predecessor's first removal; hydra families = connected components of those links.
- appeals: submitted, open, upheld, delisted (a delisting is a reversal of the listing).
- unchecked accounts: listed accounts whose newest status observation is ``unknown``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hydrawatch.act.outcomes import (REMOVED_STATUSES, UNKNOWN_STATUS, Outcome, case_outcomes,
                                     latest_statuses)
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Appeal, Case, Link, Nomination, Report, Status
from hydrawatch.timeutil import as_utc, iso, utcnow

SURVIVAL_DAYS = (7, 30)
_DAY = 86400.0


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(float(x), nd)


@dataclass(frozen=True)
class CaseCounts:
    opened: int
    nominations: int
    verified: int
    rejected: int
    by_state: dict[str, int]


@dataclass(frozen=True)
class ReportCounts:
    sent: int
    failed: int
    prepared: int
    sent_by_platform_channel: dict[str, dict[str, int]]


@dataclass(frozen=True)
class PlatformOutcomes:
    platform: str
    reported: int
    removed: int
    removal_rate: float | None
    still_live: int
    reinstated: int
    unchecked: int


@dataclass(frozen=True)
class TimeToRemoval:
    removed: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Survival:
    """Kaplan–Meier estimate; ``curve`` is the step function as (day, S(day)) points."""

    at_risk: int
    events: int
    censored: int
    live_at_7_days: float | None
    live_at_30_days: float | None
    curve: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Reentries:
    linked: int
    median_days_to_return: float | None
    family_sizes: dict[int, int]
    largest_family: int


@dataclass(frozen=True)
class AppealCounts:
    submitted: int
    open: int
    upheld: int
    delisted: int

    @property
    def reversals(self) -> int:
        return self.delisted


@dataclass(frozen=True)
class Metrics:
    as_of: datetime
    cases: CaseCounts
    reports: ReportCounts
    platforms: list[PlatformOutcomes]
    time_to_removal: TimeToRemoval
    survival: Survival
    reentries: Reentries
    appeals: AppealCounts
    unchecked_accounts: int

    def as_dict(self) -> dict:
        out = asdict(self)
        out["as_of"] = iso(self.as_of)
        out["appeals"]["reversals"] = self.appeals.reversals
        out["survival"]["curve"] = [list(p) for p in self.survival.curve]
        out["reentries"]["family_sizes"] = {str(k): v for k, v in
                                            sorted(self.reentries.family_sizes.items())}
        return out


def compute_metrics(db_or_store, *, now: datetime | None = None) -> Metrics:
    """Every figure of the transparency report, computed from the store as of ``now``."""
    now = as_utc(now) or utcnow()
    with transaction(db_or_store, readonly=True) as db:
        outcomes = case_outcomes(db, now=now)
        return Metrics(as_of=now, cases=case_counts(db, now), reports=report_counts(db, now),
                       platforms=platform_outcomes(outcomes),
                       time_to_removal=time_to_removal(outcomes),
                       survival=survival(outcomes), reentries=reentries(db, now),
                       appeals=appeal_counts(db, now),
                       unchecked_accounts=unchecked_accounts(db, now))


def case_counts(db: Session, now: datetime) -> CaseCounts:
    c = Case.__table__.c
    by_state = dict(db.execute(select(c.state, func.count()).where(c.opened_at <= now)
                               .group_by(c.state)).all())
    verified = db.scalar(select(func.count()).where(c.verified_at.is_not(None),
                                                    c.verified_at <= now)) or 0
    nominations = db.scalar(select(func.count()).select_from(Nomination)
                            .where(Nomination.created_at <= now)) or 0
    return CaseCounts(opened=sum(by_state.values()), nominations=nominations, verified=verified,
                      rejected=by_state.get("rejected", 0), by_state=dict(sorted(by_state.items())))


def report_counts(db: Session, now: datetime) -> ReportCounts:
    r = Report.__table__.c
    rows = db.execute(select(r.recipient, r.channel, r.status, func.count())
                      .where(r.sent_at <= now)
                      .group_by(r.recipient, r.channel, r.status)).all()
    by: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for recipient, channel, status, n in rows:
        totals[status] = totals.get(status, 0) + n
        if status == "sent":
            by.setdefault(recipient, {})[channel] = by.get(recipient, {}).get(channel, 0) + n
    return ReportCounts(sent=totals.get("sent", 0), failed=totals.get("failed", 0),
                        prepared=totals.get("prepared", 0),
                        sent_by_platform_channel={p: dict(sorted(c.items()))
                                                  for p, c in sorted(by.items())})


def platform_outcomes(outcomes: list[Outcome]) -> list[PlatformOutcomes]:
    by: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by.setdefault(o.platform, []).append(o)
    out = []
    for platform, rows in sorted(by.items()):
        removed = sum(o.removed for o in rows)
        out.append(PlatformOutcomes(
            platform=platform, reported=len(rows), removed=removed,
            removal_rate=_round(removed / len(rows)),
            still_live=sum(1 for o in rows if not o.removed and o.last_live_at is not None),
            reinstated=sum(o.reinstated_at is not None for o in rows),
            unchecked=sum(not o.checked for o in rows)))
    return out


def time_to_removal(outcomes: list[Outcome]) -> TimeToRemoval:
    hours = [(o.removed_at - o.reported_at).total_seconds() / 3600 for o in outcomes if o.removed]
    if not hours:
        return TimeToRemoval(0, None, None)
    import numpy as np

    return TimeToRemoval(len(hours), _round(median(hours)), _round(np.percentile(hours, 90)))


def survival(outcomes: list[Outcome]) -> Survival:
    durations, events = [], []
    for o in outcomes:
        if o.removed:
            durations.append((o.removed_at - o.reported_at).total_seconds() / _DAY)
            events.append(True)
        elif o.last_live_at is not None:
            durations.append((o.last_live_at - o.reported_at).total_seconds() / _DAY)
            events.append(False)
    if not durations:
        return Survival(0, 0, 0, None, None, [])
    from lifelines import KaplanMeierFitter  # slow to import: only when there is data

    km = KaplanMeierFitter().fit(durations, event_observed=events)
    at = km.survival_function_at_times(list(SURVIVAL_DAYS)).tolist()
    sf = km.survival_function_
    curve = [(_round(t), _round(s)) for t, s in zip(sf.index.tolist(), sf.iloc[:, 0].tolist())]
    return Survival(at_risk=len(durations), events=sum(events),
                    censored=len(events) - sum(events), live_at_7_days=_round(at[0]),
                    live_at_30_days=_round(at[1]), curve=curve)


def reentries(db: Session, now: datetime) -> Reentries:
    from hydrawatch.linking.families import components
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD

    rows = db.execute(select(Link.platform, Link.successor_id, Link.predecessor_id).where(
        Link.rank == 1, Link.confidence >= DEFAULT_THRESHOLD, Link.state != "rejected",
        Link.created_at <= now)).all()
    by_platform: dict[str, list[tuple[str, str]]] = {}
    for p, s, pr in rows:
        by_platform.setdefault(p, []).append((s, pr))
    days, sizes = [], {}
    for platform, pairs in by_platform.items():
        for members in components(pairs):
            sizes[len(members)] = sizes.get(len(members), 0) + 1
        days.extend(_days_to_return(db, platform, pairs, now))
    return Reentries(linked=len({(p, s) for p, s, _ in rows}),
                     median_days_to_return=_round(median(days)) if days else None,
                     family_sizes=dict(sorted(sizes.items())), largest_family=max(sizes, default=0))


def _days_to_return(db: Session, platform: str, pairs: list[tuple[str, str]],
                    now: datetime) -> list[float]:
    ids = sorted({x for pair in pairs for x in pair})
    start: dict[str, datetime] = {}
    for lo in range(0, len(ids), 500):
        for aid, created, first in db.execute(select(Account.account_id, Account.created_at,
                                                     Account.first_seen).where(
                Account.platform == platform, Account.account_id.in_(ids[lo: lo + 500]))):
            if created or first:
                start[aid] = as_utc(created or first)
    preds = sorted({p for _, p in pairs})
    removed: dict[str, datetime] = {}
    for lo in range(0, len(preds), 500):
        for aid, t in db.execute(select(Status.account_id, func.min(Status.observed_at)).where(
                Status.platform == platform, Status.account_id.in_(preds[lo: lo + 500]),
                Status.status.in_(sorted(REMOVED_STATUSES)), Status.observed_at <= now)
                .group_by(Status.account_id)):
            removed[aid] = as_utc(t)
    return [(start[s] - removed[p]).total_seconds() / _DAY for s, p in pairs
            if s in start and p in removed and start[s] >= removed[p]]


def appeal_counts(db: Session, now: datetime) -> AppealCounts:
    states = dict(db.execute(select(Appeal.state, func.count()).where(Appeal.submitted_at <= now)
                             .group_by(Appeal.state)).all())
    return AppealCounts(submitted=sum(states.values()), open=states.get("open", 0),
                        upheld=states.get("upheld", 0), delisted=states.get("delisted", 0))


def unchecked_accounts(db: Session, now: datetime) -> int:
    from hydrawatch.verification.states import VERIFIED_STATES

    by_platform: dict[str, list[str]] = {}
    for p, a in db.execute(select(Case.platform, Case.account_id)
                           .where(Case.state.in_(VERIFIED_STATES))):
        by_platform.setdefault(p, []).append(a)
    n = 0
    for platform, ids in by_platform.items():
        latest = latest_statuses(db, platform, ids, now=now)
        n += sum(1 for _, s in latest.values() if s == UNKNOWN_STATUS)
    return n
