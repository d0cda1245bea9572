"""``hydrawatch report submit``: every verified case not yet reported goes to its platform.

Platforms with a report API (Mastodon, Bluesky) get one report per account; the platform's
report id is stored as the report's ``reference`` and the case moves to ``reported``. A
re-entry (a case carrying a link to a suspended predecessor) is reported as ban evasion,
citing the predecessor. Platforms without one (X, Telegram) get a report pack
(``packs.py``): its rows are ``prepared`` until a person sends it and runs
``hydrawatch report mark-sent PACK``.

A failed report is a ``failed`` row with the error in ``extra``; the case stays
``verified``, so the next run tries it again. Nothing here stops at one failure.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Mapping

import httpx
from sqlalchemy import select

from hydrawatch.act.cases_io import account_of, evidence_of, move_case, post_ids_of, predecessor_of
from hydrawatch.act.packs import PackEntry, write_pack
from hydrawatch.errors import InputError, NotFound
from hydrawatch.platforms import get_platform
from hydrawatch.platforms.client import REMOVED, PlatformError, ReportRequest
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, Report
from hydrawatch.timeutil import iso, utcnow

DEFAULT_PACK_DIR = "report-packs"


@dataclass(frozen=True)
class ReportOutcome:
    case_id: int
    platform: str
    account_id: str
    channel: str            # api | pack
    status: str             # sent | prepared | failed | would-send | would-prepare
    reference: str | None = None
    ban_evasion_of: str | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SubmitSummary:
    outcomes: list[ReportOutcome] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "sent": self.count("sent"),
                "prepared": self.count("prepared"), "failed": self.count("failed"),
                "packs": self.packs, "outcomes": [o.as_dict() for o in self.outcomes]}


def _actor(db, by_user: str | None, action: str = "report.send") -> str:
    """Who reports: a reviewer or admin (``by_user``), or the pipeline itself."""
    from hydrawatch.verification.roles import require_role, system

    return require_role(db, by_user or system("report"), action, object_type="report").name


def pending_cases(db, platform: str | None) -> list[Case]:
    """Verified cases with no report prepared or sent (failed ones are tried again), whose
    account is not already known to be gone (reporting a suspended account helps nobody)."""
    done = select(Report.case_id).where(Report.status.in_(("prepared", "sent")))
    gone = select(Account.id).where(Account.platform == Case.platform,
                                    Account.account_id == Case.account_id,
                                    Account.status.in_(REMOVED))
    q = select(Case).where(Case.state == "verified", Case.id.not_in(done), ~gone.exists())
    if platform:
        q = q.where(Case.platform == platform)
    return list(db.scalars(q.order_by(Case.id)))


def submit_reports(store, *, platform: str | None = None, dry_run: bool = False,
                   by_user: str | None = None, http: httpx.Client | None = None,
                   env: Mapping[str, str] | None = None, now: datetime | None = None,
                   pack_dir: str | Path = DEFAULT_PACK_DIR) -> SubmitSummary:
    """Report every verified, unreported case (of ``platform``, or all)."""
    if platform:
        platform = get_platform(platform).name
    env = os.environ if env is None else env
    now = now or utcnow()
    own_http = http is None
    http = http or httpx.Client(follow_redirects=False)
    outcomes: list[ReportOutcome] = []
    packs: list[str] = []
    try:
        with transaction(store) as db:
            actor = _actor(db, by_user)
            case_ids = [c.id for c in pending_cases(db, platform)]
        by_platform: dict[str, list[int]] = {}
        with transaction(store) as db:
            for cid in case_ids:
                by_platform.setdefault(db.get(Case, cid).platform, []).append(cid)
        for name, ids in sorted(by_platform.items()):
            p = get_platform(name)
            client = p.client(http, env) if p.report_channel == "api" else None
            if client is None:
                outcome, pack = _pack(store, name, ids, now, Path(pack_dir), dry_run)
                outcomes += outcome
                packs += [pack] if pack else []
            else:
                for cid in ids:  # one transaction per report: a crash loses at most one
                    outcomes.append(_send(store, client, cid, actor, now, dry_run))
    finally:
        if own_http:
            http.close()
    return SubmitSummary(outcomes, packs, dry_run)


def _request(db, case: Case) -> ReportRequest:
    acc = account_of(db, case)
    evidence = evidence_of(db, case)
    return ReportRequest(case_id=case.id, platform=case.platform, account_id=case.account_id,
                         handle=acc.handle_norm if acc else None, category=case.category,
                         post_ids=tuple(post_ids_of(evidence, case.platform)),
                         evidence=tuple(ev.sha256 for ev in evidence),
                         predecessor=predecessor_of(db, case, evidence))


def _send(store, client, case_id: int, actor: str, now: datetime, dry_run: bool) -> ReportOutcome:
    with transaction(store) as db:
        case = db.get(Case, case_id)
        req = _request(db, case)
        cited = str(req.predecessor) if req.predecessor else None
        if dry_run:
            return ReportOutcome(case_id, case.platform, case.account_id, "api", "would-send",
                                 ban_evasion_of=cited)
        try:
            receipt = client.report(req)
        except PlatformError as exc:
            extra = {"error": str(exc), "retry_at": iso(exc.retry_at), "ban_evasion_of": cited}
            db.add(Report(case_id=case.id, recipient=case.platform, channel="api", reference=None,
                          status="failed", sent_at=now, extra=extra))
            return ReportOutcome(case_id, case.platform, case.account_id, "api", "failed",
                                 ban_evasion_of=cited, error=str(exc))
        db.add(Report(case_id=case.id, recipient=case.platform, channel="api",
                      reference=receipt.reference, status="sent", sent_at=now,
                      extra={**receipt.extra, "ban_evasion_of": cited}))
        move_case(db, case, "reported", actor, f"reported to {case.platform} ({receipt.reference})")
        return ReportOutcome(case_id, case.platform, case.account_id, "api", "sent",
                             receipt.reference, cited)


def _pack(store, platform: str, case_ids: list[int], now: datetime, pack_dir: Path,
          dry_run: bool) -> tuple[list[ReportOutcome], str | None]:
    with transaction(store) as db:
        entries = []
        for cid in case_ids:
            case = db.get(Case, cid)
            req = _request(db, case)
            evidence = evidence_of(db, case)
            entries.append(PackEntry(case.id, platform, case.account_id, req.handle, case.category,
                                     case.verified_at,
                                     tuple((ev.id, ev.kind, ev.sha256) for ev in evidence),
                                     str(req.predecessor.account_id) if req.predecessor else None))
        if dry_run:
            return [ReportOutcome(e.case_id, platform, e.account_id, "pack", "would-prepare",
                                  ban_evasion_of=e.predecessor) for e in entries], None
        path = str(write_pack(pack_dir, platform, entries, now).resolve())
        for e in entries:
            db.add(Report(case_id=e.case_id, recipient=platform, channel="pack", reference=path,
                          status="prepared", sent_at=now,
                          extra={"ban_evasion_of": e.predecessor}))
    return [ReportOutcome(e.case_id, platform, e.account_id, "pack", "prepared", path,
                          e.predecessor) for e in entries], path


def mark_sent(store, pack: str | Path, *, by_user: str | None = None,
              now: datetime | None = None) -> list[int]:
    """A person sent a report pack: its reports become ``sent`` and its cases ``reported``.
    Returns the case ids. Marking a pack twice changes nothing."""
    now = now or utcnow()
    ref = str(Path(pack).resolve())
    with transaction(store) as db:
        actor = _actor(db, by_user)
        rows = list(db.scalars(select(Report).where(Report.channel == "pack", Report.reference == ref)))
        if not rows:
            raise NotFound(f"no report pack {ref} in the store (report submit prints each pack's path)")
        changed = []
        for row in rows:
            if row.status != "prepared":
                continue
            row.status, row.sent_at = "sent", now
            case = db.get(Case, row.case_id)
            if case.state == "verified":
                move_case(db, case, "reported", actor, f"report pack sent to {row.recipient}")
            changed.append(row.case_id)
        if not changed and all(r.status != "sent" for r in rows):
            raise InputError(f"report pack {ref} has no prepared reports")
        return changed
