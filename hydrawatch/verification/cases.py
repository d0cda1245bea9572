"""Opening cases: one per account under consideration (DESIGN.md, case states)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.errors import IllegalTransition
from hydrawatch.store import audit
from hydrawatch.store.schema import Case
from hydrawatch.timeutil import utcnow
from hydrawatch.verification.states import INITIAL_STATES, CaseState


def upsert(db: Session, table):
    """``INSERT ... ON CONFLICT`` for the session's dialect."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def open_case(db: Session, platform: str, account_id: str, *, state: str = "nominated",
              reason: str | None = None, actor: str = "system") -> tuple[Case, bool]:
    """The account's case, created in ``state`` (one of ``INITIAL_STATES``) if it has none.
    Returns (case, created). One case per account even when two transactions open it at
    once: the insert does nothing on the unique key, and the loser reads the winner's case.
    Later moves go through ``states.transition``."""
    state = CaseState(state).value  # ValueError for a name that is no state
    if state not in INITIAL_STATES:
        raise IllegalTransition(None, "(new)", state, sorted(s.value for s in INITIAL_STATES))
    now = utcnow()
    stmt = upsert(db, Case).values(
        platform=platform, account_id=account_id, state=state, reason=reason, opened_at=now,
        updated_at=now, verified_at=now if state == "verified" else None, version=1,
    ).on_conflict_do_nothing(index_elements=["platform", "account_id"]).returning(Case.id)
    new_id = db.execute(stmt).scalar()
    if new_id is None:
        case = db.scalars(select(Case).where(Case.platform == platform,
                                             Case.account_id == account_id)).one()
        return case, False
    case = db.get(Case, new_id)
    audit.record(db, actor, "case.open", "case", case.id,
                 {"platform": platform, "account_id": account_id, "state": state, "reason": reason})
    return case, True
