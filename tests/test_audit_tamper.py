"""The audit log records every action, and tampering with it in SQL is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hydrawatch.store import audit
from hydrawatch.verification.review import cast_vote
from hydrawatch.store.schema import AuditEntry, Evidence

from review_world import world


def _populate(store) -> int:
    case_id = world(store, accounts=1)[0]
    with store.session() as db:
        ev = [db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                  Evidence.kind == "post").limit(1))]
    cast_vote(store, case_id, by_user="alice", verdict="confirm", category="propaganda",
              evidence_ids=ev)
    cast_vote(store, case_id, by_user="bob", verdict="confirm", category="propaganda",
              evidence_ids=ev)
    return case_id


def test_every_action_is_recorded(store):
    case_id = _populate(store)
    with store.session() as db:
        actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert audit.verify_chain(db).ok
    for action in ("org.add", "user.add", "case.open", "nomination.add", "evidence.capture",
                   "review.vote", "case.in_review", "case.verified"):
        assert action in actions
    assert actions.count("case.verified") == 1


TAMPER = {
    "edit details": ("UPDATE audit_log SET details = :d WHERE id = :i", "content"),
    "edit actor": ("UPDATE audit_log SET actor = 'mallory' WHERE id = :i", "content"),
    "delete a row": ("DELETE FROM audit_log WHERE id = :i", "missing"),
    "swap two rows": (None, None),
}


@pytest.mark.parametrize("how", list(TAMPER))
def test_tampering_is_detected_and_named(store, how):
    _populate(store)
    with store.session() as db:
        n = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    victim = n // 2
    sql, problem = TAMPER[how]
    with store.session() as db:
        if sql is None:  # reorder: swap the contents of two neighbours (ids stay in order)
            a, b = (db.get(AuditEntry, victim), db.get(AuditEntry, victim + 1))
            fields = ("ts", "actor", "action", "object_type", "object_id", "details",
                      "prev_hash", "hash")
            va, vb = ({f: getattr(a, f) for f in fields}, {f: getattr(b, f) for f in fields})
            for row_id, placeholder in ((victim, "y" * 64), (victim + 1, "z" * 64)):
                db.execute(text("UPDATE audit_log SET hash = :h WHERE id = :i"),
                           {"h": placeholder, "i": row_id})  # hash is unique
            for row_id, vals in ((victim, vb), (victim + 1, va)):
                db.execute(text("UPDATE audit_log SET ts=:ts, actor=:actor, action=:action, "
                                "object_type=:object_type, object_id=:object_id, "
                                "prev_hash=:prev_hash, hash=:hash WHERE id=:id"),
                           dict(vals, id=row_id))
        else:
            db.execute(text(sql), {"i": victim, "d": '{"forged": true}'})
    with store.session() as db:
        report = audit.verify_chain(db)
    assert not report.ok
    assert report.first_bad in (victim, victim + 1)
    if problem:
        assert problem in report.problem
