"""Appeals: anyone may appeal a listing (no login; the public web form uses this API),
and an admin upholds the listing or delists the account.

    verified/reported/removed/active/upheld --submit--> appealed --decide--> upheld | delisted

A delisted account leaves the published list; its case, evidence, votes and the decision's
note stay, and the audit log records who decided. The appellant's contact details are kept
on the appeal only, never in the (immutable) audit log.

Abuse limits (issue 10): one *open* appeal per account and contact (a unique key while the
appeal is open), and a rate limit per contact and per account over the last hour
(:class:`AppealLimits`; ``HYDRAWATCH_APPEALS_PER_CONTACT_HOUR``, default 5, and
``HYDRAWATCH_APPEALS_PER_ACCOUNT_HOUR``, default 20). Rate-limited submissions are refused
with :class:`~hydrawatch.errors.RateLimited` and not audited: an entry per attempt would
let anyone grow the append-only log without bound.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text as sql_text
from sqlalchemy.exc import IntegrityError

from hydrawatch.store import audit
from hydrawatch.errors import ConfigError, InputError, NotFound, PermissionDenied, RateLimited
from hydrawatch.verification.roles import require_role
from hydrawatch.platforms.spec import parse_account
from hydrawatch.verification.review import LISTED_STATES, lock_case, resolve_account
from hydrawatch.verification.states import transition
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Appeal, Case
from hydrawatch.timeutil import iso, utcnow

DECISIONS = ("uphold", "delist")
MAX_TEXT = 10_000
MAX_CONTACT = 500
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class AppealLimits:
    per_contact_hour: int = 5
    per_account_hour: int = 20

    @classmethod
    def from_env(cls) -> "AppealLimits":
        try:
            return cls(int(os.environ.get("HYDRAWATCH_APPEALS_PER_CONTACT_HOUR", cls.per_contact_hour)),
                       int(os.environ.get("HYDRAWATCH_APPEALS_PER_ACCOUNT_HOUR", cls.per_account_hour)))
        except ValueError as exc:
            raise ConfigError(f"appeal limits: {exc}") from None


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _check_limits(db, account_key: str, contact_key: str, open_key: str, now: datetime,
                  limits: AppealLimits) -> None:
    if db.get_bind().dialect.name == "postgresql":  # count and insert as one step per account
        db.execute(sql_text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": account_key})
    existing = db.scalar(select(Appeal.id).where(Appeal.open_key == open_key))
    if existing is not None:
        raise InputError(f"this contact already has an open appeal about this account "
                         f"(appeal {existing}); it will be answered there")
    since = now - WINDOW
    by_contact = db.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.contact_key == contact_key, Appeal.submitted_at >= since))
    if by_contact >= limits.per_contact_hour:
        raise RateLimited(f"too many appeals from this contact in the last hour "
                          f"({limits.per_contact_hour} allowed); try again later")
    by_account = db.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.account_key == account_key, Appeal.submitted_at >= since))
    if by_account >= limits.per_account_hour:
        raise RateLimited(f"too many appeals about this account in the last hour "
                          f"({limits.per_account_hour} allowed); try again later")


def submit_appeal(db_or_store, account: str, *, contact: str, text: str,
                  limits: AppealLimits | None = None, now: datetime | None = None) -> dict:
    """File an appeal about ``account`` (``PLATFORM:@handle``, ``PLATFORM:ID``, ``@handle`` or
    a profile URL: ``hydrawatch.platforms.spec``).
    A listed account's case moves to ``appealed``. Returns {id, case_id, state}. One open
    appeal per account and contact; ``limits`` (default from the environment) caps
    appeals per contact and per account per hour."""
    limits = limits or AppealLimits.from_env()
    now = now or utcnow()
    contact = (contact or "").strip()
    text = (text or "").strip()
    if not contact or len(contact) > MAX_CONTACT:
        raise InputError(f"an appeal needs a contact of 1 to {MAX_CONTACT} characters")
    if not text or len(text) > MAX_TEXT:
        raise InputError(f"an appeal needs a text of 1 to {MAX_TEXT} characters")
    ref = parse_account(account)  # InputError for text that names no account
    with transaction(db_or_store) as db:
        try:
            platform, account_id = resolve_account(db, account)
        except NotFound:
            account_id = None  # an account the store never saw: kept for an admin to look at
            platform = ref.platform
            if platform is None or not ref.handle:
                raise InputError("the store does not hold this account: give it as "
                                 "PLATFORM:@handle") from None
        case = None
        if account_id is not None:
            case_id = db.scalar(select(Case.id).where(Case.platform == platform,
                                                      Case.account_id == account_id))
            case = lock_case(db, case_id) if case_id is not None else None
        handle = (db.scalar(select(Account.handle).where(Account.platform == platform,
                                                         Account.account_id == account_id))
                  if account_id else ref.handle)
        account_key = f"{platform}:{account_id}" if account_id else f"{platform}:@{ref.handle}"
        contact_key = _key(contact.casefold())
        open_key = _key(account_key, contact_key)
        _check_limits(db, account_key, contact_key, open_key, now, limits)
        appeal = Appeal(platform=platform, handle=handle, account_id=account_id,
                        case_id=case.id if case else None, contact=contact, text=text,
                        state="open", submitted_at=now, account_key=account_key[:300],
                        contact_key=contact_key, open_key=open_key)
        db.add(appeal)
        try:
            with db.begin_nested():
                db.flush()
        except IntegrityError:
            raise InputError("this contact already has an open appeal about this account") from None
        audit.record(db, "public", "appeal.submit", "appeal", appeal.id,
                     {"case": appeal.case_id, "platform": appeal.platform,
                      "account_id": account_id, "text_chars": len(text)})
        if case is not None and case.state in LISTED_STATES and case.state != "appealed":
            transition(db, case, "appealed", actor="public",
                       reason=f"appeal {appeal.id} submitted (was {case.state})")
        return {"id": appeal.id, "case_id": appeal.case_id,
                "case_state": case.state if case else None, "state": appeal.state}


def decide_appeal(db_or_store, appeal_id: int, *, by_user: str, decision: str, note: str) -> dict:
    """An admin's decision: ``uphold`` keeps the listing (case ``upheld``), ``delist``
    removes it (case ``delisted``), the note recorded as the reason."""
    if decision not in DECISIONS:
        raise InputError(f"a decision is one of {', '.join(DECISIONS)}")
    if not note or not note.strip():
        raise InputError("a decision needs a note giving the reason")
    with transaction(db_or_store) as db:
        probe = db.get(Appeal, appeal_id)
        if probe is None:
            raise NotFound(f"no appeal {appeal_id}")
        case = lock_case(db, probe.case_id) if probe.case_id is not None else None
        appeal = db.scalars(select(Appeal).where(Appeal.id == appeal_id).with_for_update()
                            .execution_options(populate_existing=True)).one()
        user = require_role(db, by_user, "appeal.decide", object_type="appeal",
                            object_id=appeal_id)
        if appeal.state != "open":
            raise PermissionDenied(f"appeal {appeal_id} was already decided ({appeal.state})",
                                   actor=user.name, action="appeal.decide",
                                   object_type="appeal", object_id=appeal_id)
        if decision == "delist" and case is None:
            raise InputError(f"appeal {appeal_id} names no case; there is nothing to delist")
        appeal.state = "upheld" if decision == "uphold" else "delisted"
        appeal.open_key = None  # the contact may appeal again
        appeal.decided_at = utcnow()
        appeal.decided_by = user.user_id
        appeal.note = note.strip()
        db.flush()
        audit.record(db, user.name, "appeal.decide", "appeal", appeal.id,
                     {"case": appeal.case_id, "decision": decision, "note": appeal.note})
        if case is not None:
            others_open = db.scalar(select(func.count()).select_from(Appeal).where(
                Appeal.case_id == case.id, Appeal.state == "open"))
            if decision == "delist" and case.state != "delisted":  # already delisted: no move
                transition(db, case, "delisted", actor=user.name,
                           reason=f"appeal {appeal.id}: {appeal.note}")
            elif decision == "uphold" and case.state == "appealed" and not others_open:
                transition(db, case, "upheld", actor=user.name,
                           reason=f"appeal {appeal.id}: {appeal.note}")
        return {"id": appeal.id, "state": appeal.state, "case_id": appeal.case_id,
                "case_state": case.state if case else None}


def list_appeals(db_or_store, *, state: str | None = None) -> list[dict]:
    with transaction(db_or_store, readonly=True) as db:
        stmt = select(Appeal).order_by(Appeal.id)
        if state:
            stmt = stmt.where(Appeal.state == state)
        return [{"id": a.id, "platform": a.platform, "handle": a.handle,
                 "account_id": a.account_id, "case_id": a.case_id, "state": a.state,
                 "contact": a.contact, "text": a.text, "submitted_at": iso(a.submitted_at),
                 "decided_at": iso(a.decided_at), "note": a.note} for a in db.scalars(stmt)]
