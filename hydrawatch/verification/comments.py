"""Internal comments on a case: reviewers discussing evidence. Never published; the audit
log records that a comment was made, not its text."""

from __future__ import annotations

from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.errors import InputError, NotFound
from hydrawatch.verification.people import get_user
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Case, CaseComment, Organization, User
from hydrawatch.timeutil import iso, utcnow

MAX_COMMENT = 5000


def add_comment(db_or_store, case_id: int, *, by_user: str, text: str) -> dict:
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise InputError(f"a comment is 1 to {MAX_COMMENT} characters")
    with transaction(db_or_store) as db:
        if db.get(Case, case_id) is None:
            raise NotFound(f"no case {case_id}")
        user = get_user(db, by_user)
        comment = CaseComment(case_id=case_id, user_id=user.id, text=text, created_at=utcnow())
        db.add(comment)
        db.flush()
        audit.record(db, user.name, "case.comment", "case", case_id,
                     {"comment": comment.id, "chars": len(text)})
        return {"id": comment.id, "case_id": case_id, "by": user.name,
                "text": text, "created_at": iso(comment.created_at)}


def list_comments(db_or_store, case_id: int) -> list[dict]:
    with transaction(db_or_store, readonly=True) as db:
        rows = db.execute(select(CaseComment, User.name, Organization.name)
                          .join(User, User.id == CaseComment.user_id)
                          .join(Organization, Organization.id == User.org_id)
                          .where(CaseComment.case_id == case_id)
                          .order_by(CaseComment.id)).all()
        return [{"id": c.id, "by": name, "org": org, "text": c.text,
                 "created_at": iso(c.created_at)} for c, name, org in rows]
