"""``hydrawatch track``: ask each platform about every listed account not checked lately.

Every answer is a ``statuses`` row (source ``track``) and, when it says something, the
account's current status. A reported case moves to ``removed`` when the account is gone
(suspended, not found, deactivated, taken down) and to ``active`` when it is still live;
an ``active`` case seen gone later moves to ``removed``.

An account the platform could not be asked about gets an ``unknown`` row (source
``track: <why>``) and stays stale, so the next run asks again; a rate limit that resets
later than the client will wait ends that platform's run, never the others'. Each batch
commits on its own: an interrupted run keeps what it learnt and resumes from there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Mapping

import httpx
from sqlalchemy import func, select

from hydrawatch.act.cases_io import move_case
from hydrawatch.verification.states import VERIFIED_STATES
from hydrawatch.ingest.statuses import set_latest_status
from hydrawatch.platforms import AccountRef, get_platform
from hydrawatch.platforms.client import REMOVED, UNKNOWN, PlatformError, RateLimited, StatusResult, batches
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, Status
from hydrawatch.timeutil import utcnow

SOURCE = "track"
DEFAULT_STALE_HOURS = 24.0


@dataclass
class TrackSummary:
    checked: int = 0
    unknown: int = 0
    unchecked: int = 0            # no API for the platform, or its run ended on a rate limit
    removed: int = 0              # cases moved to removed in this run
    active: int = 0               # cases moved to active in this run
    statuses: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


Progress = Callable[[str, int], None]   # (platform, accounts done in this step)


def stale_accounts(db, platform: str | None, now: datetime, stale: timedelta) -> list[tuple[str, str, str | None]]:
    """(platform, account_id, handle) of every listed account with no known status from
    ``track`` since ``now - stale``."""
    q = (select(Case.platform, Case.account_id, Account.handle_norm)
         .join(Account, (Account.platform == Case.platform) & (Account.account_id == Case.account_id),
               isouter=True)
         .where(Case.state.in_(VERIFIED_STATES))
         .where(~select(Status.id).where(Status.platform == Case.platform,
                                         Status.account_id == Case.account_id,
                                         Status.source == SOURCE, Status.status != UNKNOWN,
                                         Status.observed_at > now - stale).exists()))
    if platform:
        q = q.where(Case.platform == platform)
    return [tuple(r) for r in db.execute(q.order_by(Case.platform, Case.id))]


def track(store, *, platform: str | None = None, stale_hours: float = DEFAULT_STALE_HOURS,
          http: httpx.Client | None = None, env: Mapping[str, str] | None = None,
          now: datetime | None = None, progress: Progress | None = None,
          on_start: Callable[[dict], None] | None = None) -> TrackSummary:
    """Check every stale listed account (of ``platform``, or all). ``now`` is the time
    written on each observation (the simulator's virtual clock in benchmarks)."""
    if platform:
        platform = get_platform(platform).name
    env = os.environ if env is None else env
    now = now or utcnow()
    summary = TrackSummary()
    with transaction(store) as db:
        todo = stale_accounts(db, platform, now, timedelta(hours=stale_hours))
    per_platform: dict[str, list[AccountRef]] = {}
    for p, account_id, handle in todo:
        per_platform.setdefault(p, []).append(AccountRef(p, handle, account_id))
    if on_start:
        on_start({p: len(refs) for p, refs in per_platform.items()})
    own_http = http is None
    http = http or httpx.Client(follow_redirects=False)
    try:
        for name, refs in sorted(per_platform.items()):
            client = get_platform(name).client(http, env)
            if client is None:
                summary.unchecked += len(refs)
                if progress:
                    progress(name, len(refs))
                continue
            for i, batch in enumerate(batches(refs, client.batch_size)):
                try:
                    results = client.check(batch)
                except PlatformError as exc:
                    learnt = {res.ref for res in exc.partial}
                    results = list(exc.partial) + [StatusResult(r, UNKNOWN, r.account_id, r.handle, str(exc))
                                                   for r in batch if r not in learnt]
                    summary.errors.append(str(exc))
                    if isinstance(exc, RateLimited):  # the rest of this platform waits for a later run
                        _record(store, results, now, summary)
                        rest = len(refs) - (i + 1) * client.batch_size
                        summary.unchecked += max(rest, 0)
                        if progress:
                            progress(name, len(refs) - i * client.batch_size)
                        break
                _record(store, results, now, summary)
                if progress:
                    progress(name, len(batch))
    finally:
        if own_http:
            http.close()
    return summary


def _record(store, results: list[StatusResult], now: datetime, summary: TrackSummary) -> None:
    with transaction(store) as db:
        latest = []
        for r in results:
            account_id = r.ref.account_id or r.account_id or ""
            source = SOURCE if r.status != UNKNOWN else f"{SOURCE}: {r.detail or 'no answer'}"[:500]
            exists = db.scalar(select(func.count(Status.id)).where(
                Status.platform == r.ref.platform, Status.account_id == account_id,
                Status.handle_norm == (r.ref.handle or ""), Status.status == r.status,
                Status.observed_at == now))
            if not exists:
                db.add(Status(platform=r.ref.platform, account_id=account_id,
                              handle_norm=r.ref.handle or "", status=r.status, observed_at=now,
                              source=source))
            summary.statuses[r.status] = summary.statuses.get(r.status, 0) + 1
            if r.status == UNKNOWN:
                summary.unknown += 1
                continue
            summary.checked += 1
            if account_id:
                latest.append((r.ref.platform, account_id, r.status, now))
                _move(db, r.ref.platform, account_id, r.status, summary)
        db.flush()
        set_latest_status(db, latest)


def _move(db, platform: str, account_id: str, status: str, summary: TrackSummary) -> None:
    case = db.scalars(select(Case).where(Case.platform == platform, Case.account_id == account_id)
                      .with_for_update()).first()
    if case is None:
        return
    gone = status in REMOVED
    if case.state == "reported" and gone or case.state == "active" and gone:
        move_case(db, case, "removed", SOURCE, f"track: {platform} says {status}")
        summary.removed += 1
    elif case.state == "reported" and not gone:
        move_case(db, case, "active", SOURCE, f"track: still live on {platform} after the report")
        summary.active += 1

