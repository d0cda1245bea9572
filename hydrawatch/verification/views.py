"""What people see of cases: the queue listing and one case in full, with blind voting.

Blind voting is enforced here, in the API every front end uses: a viewer who is not an
admin sees no verdict of anyone else on a case until they have cast their own vote.
"""

from __future__ import annotations

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hydrawatch.errors import InputError, NotFound
from hydrawatch.verification.evidence import evidence_dict
from hydrawatch.verification.people import get_user
from hydrawatch.verification.states import STATES
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import (Account, Appeal, Case, Evidence, Nomination, Organization,
                                     Review, User)
from hydrawatch.timeutil import iso


def list_cases(db_or_store, *, state: str | None = None, limit: int | None = None) -> list[dict]:
    """Cases with their account's handle and score and their review and evidence counts."""
    if state is not None and state not in STATES:
        raise InputError(f"unknown case state {state!r} (one of {', '.join(STATES)})")
    with transaction(db_or_store, readonly=True) as db:
        reviews = (select(Review.case_id, func.count().label("n")).group_by(Review.case_id)
                   .subquery())
        evidence = (select(Evidence.case_id, func.count().label("n")).group_by(Evidence.case_id)
                    .subquery())
        stmt = (select(Case.id, Case.platform, Case.account_id, Account.handle, Case.state,
                       Account.score, func.coalesce(reviews.c.n, 0), func.coalesce(evidence.c.n, 0),
                       Case.category, Case.opened_at, Case.verified_at)
                .outerjoin(Account, (Account.platform == Case.platform)
                           & (Account.account_id == Case.account_id))
                .outerjoin(reviews, reviews.c.case_id == Case.id)
                .outerjoin(evidence, evidence.c.case_id == Case.id)
                .order_by(Case.id))
        if state is not None:
            stmt = stmt.where(Case.state == state)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [{"id": r[0], "platform": r[1], "account_id": r[2], "handle": r[3], "state": r[4],
                 "score": r[5], "reviews": int(r[6]), "evidence": int(r[7]), "category": r[8],
                 "opened_at": iso(r[9]), "verified_at": iso(r[10])} for r in db.execute(stmt)]


def votes_visible(db: Session, case_id: int, viewer: User | None) -> bool:
    """Blind voting: admins see votes; anyone else only after voting on the case."""
    if viewer is None:
        return False
    if viewer.role == "admin":
        return True
    return db.scalar(select(Review.id).where(Review.case_id == case_id,
                                             Review.user_id == viewer.id)) is not None


def case_view(db_or_store, case_id: int, *, viewer: str | None = None,
              with_content: bool = False) -> dict:
    """One case for ``viewer`` (a user name; None: a viewer with no rights to see votes).
    ``votes`` is None, and ``votes_hidden`` True, until the viewer may see them."""
    with transaction(db_or_store, readonly=True) as db:
        case = db.get(Case, case_id)
        if case is None:
            raise NotFound(f"no case {case_id}")
        user = get_user(db, viewer) if viewer else None
        is_admin = user is not None and user.role == "admin"
        acc = db.scalars(select(Account).where(Account.platform == case.platform,
                                               Account.account_id == case.account_id)).first()
        noms = db.execute(select(Nomination, Organization.name, User.name)
                          .outerjoin(Organization, Organization.id == Nomination.org_id)
                          .outerjoin(User, User.id == Nomination.user_id)
                          .where(Nomination.case_id == case.id).order_by(Nomination.id)).all()
        evs = db.scalars(select(Evidence).where(Evidence.case_id == case.id)
                         .order_by(Evidence.id)).all()
        n_reviews = db.scalar(select(func.count()).select_from(Review)
                              .where(Review.case_id == case.id))
        visible = votes_visible(db, case.id, user)
        votes = None
        if visible:
            votes = [{"id": r.id, "reviewer": name, "org": org, "verdict": r.verdict,
                      "category": r.category, "note": r.note, "evidence": r.evidence_ids,
                      "created_at": iso(r.created_at)}
                     for r, name, org in db.execute(
                         select(Review, User.name, Organization.name)
                         .join(User, User.id == Review.user_id)
                         .join(Organization, Organization.id == User.org_id)
                         .where(Review.case_id == case.id).order_by(Review.id))]
        appeals = db.scalars(select(Appeal).where(Appeal.case_id == case.id)
                             .order_by(Appeal.id)).all()
        return {
            "id": case.id, "platform": case.platform, "account_id": case.account_id,
            "handle": acc.handle if acc else None, "name": acc.name if acc else None,
            "status": acc.status if acc else None, "score": acc.score if acc else None,
            "score_reasons": acc.score_reasons if acc else None,
            "state": case.state, "reason": case.reason, "category": case.category,
            "known_answer": case.known_answer if is_admin else None,
            "opened_at": iso(case.opened_at), "updated_at": iso(case.updated_at),
            "verified_at": iso(case.verified_at),
            "nominations": [{"id": n.id, "source": n.source, "org": org,
                             "by": uname if is_admin else None, "reason": n.reason,
                             "list_id": n.list_id, "row": n.row_number,
                             "created_at": iso(n.created_at)} for n, org, uname in noms],
            "evidence": [evidence_dict(e, with_content=with_content) for e in evs],
            "reviews": int(n_reviews or 0),
            "votes_hidden": not visible,
            "votes": votes,
            "appeals": [{"id": a.id, "state": a.state, "submitted_at": iso(a.submitted_at),
                         "decided_at": iso(a.decided_at), "note": a.note} for a in appeals],
        }


def evidence_content(db_or_store, evidence_id: int) -> dict:
    with transaction(db_or_store, readonly=True) as db:
        ev = db.get(Evidence, evidence_id)
        if ev is None:
            raise NotFound(f"no evidence {evidence_id}")
        item = evidence_dict(ev)
        item["content"] = orjson.loads(ev.content)
        return item
