"""The review queue and case claims: "next case" hands an open case to one reviewer at a
time, under a lock that expires, so two reviewers are never given the same case at once.

A claim is a row of ``case_claims`` keyed by the case. Taking one is a conditional write
(insert, or take over an expired claim) that only one of several racing reviewers can win;
the loser moves on to the next candidate.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hydrawatch.errors import InputError
from hydrawatch.verification.people import get_user
from hydrawatch.verification.roles import require_role
from hydrawatch.verification.states import STATES
from hydrawatch.verification.review import OPEN_STATES
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, CaseClaim, Nomination, Review, User
from hydrawatch.timeutil import as_utc, iso, utcnow

CLAIM_TTL = timedelta(minutes=15)
FILTERS = ("platform", "lang", "category", "state")


def _filtered(stmt, filters: dict | None):
    filters = {k: v for k, v in (filters or {}).items() if v}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise InputError(f"unknown queue filter(s) {', '.join(sorted(unknown))} "
                         f"(one of {', '.join(FILTERS)})")
    if "state" in filters and filters["state"] not in STATES:
        raise InputError(f"unknown case state {filters['state']!r}")
    if "platform" in filters:
        stmt = stmt.where(Case.platform == filters["platform"])
    if "lang" in filters:
        stmt = stmt.where(Account.lang == filters["lang"])
    if "category" in filters:
        stmt = stmt.where(Case.category == filters["category"])
    return stmt.where(Case.state == filters.get("state")) if "state" in filters else stmt


def _ranked(stmt):
    """Highest score first, then the oldest (a case waiting long comes up)."""
    return stmt.order_by(func.coalesce(Account.score, 0).desc(), Case.opened_at, Case.id)


def queue(db_or_store, user_name: str, *, filters: dict | None = None, limit: int = 100,
          now: datetime | None = None) -> list[dict]:
    """Cases for the queue page, ranked by score and age. Without a ``state`` filter only
    open cases show. Each row says whether the viewer may vote and whether someone else
    holds it (never who: the queue is shared across organisations)."""
    now = now or utcnow()
    with transaction(db_or_store, readonly=True) as db:
        user = get_user(db, user_name)
        stmt = (select(Case, Account.handle, Account.score, Account.lang, CaseClaim.user_id,
                       CaseClaim.expires_at)
                .outerjoin(Account, and_(Account.platform == Case.platform,
                                         Account.account_id == Case.account_id))
                .outerjoin(CaseClaim, CaseClaim.case_id == Case.id))
        stmt = _filtered(stmt, filters)
        if not (filters or {}).get("state"):
            stmt = stmt.where(Case.state.in_(OPEN_STATES))
        rows = db.execute(_ranked(stmt).limit(limit)).all()
        ids = [r[0].id for r in rows]
        voted = set(db.scalars(select(Review.case_id).where(Review.user_id == user.id,
                                                            Review.case_id.in_(ids)))) if ids else set()
        own = set(db.scalars(select(Nomination.case_id).where(Nomination.user_id == user.id,
                                                              Nomination.case_id.in_(ids)))) if ids else set()
        out = []
        for case, handle, score, lang, holder, expires in rows:
            live = holder is not None and as_utc(expires) > now
            out.append({"id": case.id, "platform": case.platform, "account_id": case.account_id,
                        "handle": handle, "score": score, "lang": lang, "state": case.state,
                        "category": case.category, "opened_at": iso(case.opened_at),
                        "voted": case.id in voted, "own_nomination": case.id in own,
                        "claimed_by_me": live and holder == user.id,
                        "claimed_by_other": live and holder != user.id})
        return out


def _candidates(db: Session, user: User, filters: dict | None, exclude, now: datetime,
                limit: int) -> list[int]:
    voted = select(Review.case_id).where(Review.user_id == user.id)
    own = select(Nomination.case_id).where(Nomination.user_id == user.id,
                                           Nomination.case_id.is_not(None))
    taken = select(CaseClaim.case_id).where(CaseClaim.expires_at > now,
                                            CaseClaim.user_id != user.id)
    stmt = (select(Case.id)
            .outerjoin(Account, and_(Account.platform == Case.platform,
                                     Account.account_id == Case.account_id))
            .where(Case.state.in_(OPEN_STATES), Case.id.not_in(voted), Case.id.not_in(own),
                   Case.id.not_in(taken)))
    stmt = _filtered(stmt, {k: v for k, v in (filters or {}).items() if k != "state"})
    if exclude:
        stmt = stmt.where(Case.id.not_in(list(exclude)))
    return list(db.scalars(_ranked(stmt).limit(limit)))


def _take(db: Session, case_id: int, user_id: int, now: datetime, ttl: timedelta) -> bool:
    """Claim ``case_id`` if nobody else holds a live claim on it; True if we now hold it."""
    res = db.execute(update(CaseClaim)
                     .where(CaseClaim.case_id == case_id,
                            or_(CaseClaim.user_id == user_id, CaseClaim.expires_at <= now))
                     .values(user_id=user_id, claimed_at=now, expires_at=now + ttl)
                     .execution_options(synchronize_session=False))
    if res.rowcount:
        return True
    if db.scalar(select(CaseClaim.case_id).where(CaseClaim.case_id == case_id)) is not None:
        return False  # someone else holds a live claim
    try:
        with db.begin_nested():
            db.add(CaseClaim(case_id=case_id, user_id=user_id, claimed_at=now, expires_at=now + ttl))
        return True
    except IntegrityError:  # a racing reviewer inserted first
        return False


def claim_next(db_or_store, user_name: str, *, filters: dict | None = None, exclude=(),
               ttl: timedelta = CLAIM_TTL, now: datetime | None = None) -> int | None:
    """The case ``user_name`` should review next, claimed for them until ``now + ttl``:
    the claim they already hold if it is still open to them, else the best-ranked open case
    they may vote on that nobody else holds. None when there is nothing to review."""
    now = now or utcnow()
    with transaction(db_or_store) as db:
        user = get_user(db, user_name)
        require_role(db, user_name, "review.vote")
        held = db.scalars(select(CaseClaim.case_id).where(CaseClaim.user_id == user.id,
                                                          CaseClaim.expires_at > now)).all()
        mine = [c for c in _candidates(db, user, filters, exclude, now, limit=50) if c in held]
        for case_id in mine + _candidates(db, user, filters, exclude, now, limit=20):
            if _take(db, case_id, user.id, now, ttl):
                db.execute(delete(CaseClaim).where(CaseClaim.user_id == user.id,
                                                   CaseClaim.case_id != case_id))
                return case_id
        return None


def release(db_or_store, case_id: int, user_name: str) -> bool:
    """Give a claimed case back (after voting, or on skip). True if a claim was released."""
    with transaction(db_or_store) as db:
        user = get_user(db, user_name)
        res = db.execute(delete(CaseClaim).where(CaseClaim.case_id == case_id,
                                                 CaseClaim.user_id == user.id))
        return bool(res.rowcount)


def claim_of(db_or_store, case_id: int, *, now: datetime | None = None) -> dict | None:
    """The live claim on a case as {user, expires_at}, or None."""
    now = now or utcnow()
    with transaction(db_or_store, readonly=True) as db:
        row = db.execute(select(CaseClaim, User.name).join(User, User.id == CaseClaim.user_id)
                         .where(CaseClaim.case_id == case_id)).first()
        if row is None or as_utc(row[0].expires_at) <= now:
            return None
        return {"user": row[1], "expires_at": iso(row[0].expires_at)}
