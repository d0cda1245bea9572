"""Opening cases: one per account under consideration (DESIGN.md, case states)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.errors import IllegalTransition
from hydrawatch.store import audit
from hydrawatch.store.schema import Case
from hydrawatch.timeutil import utcnow
from hydrawatch.verification.states import INITIAL_STATES, CaseState


def open_case(db: Session, platform: str, account_id: str, *, state: str = "nominated",
              reason: str | None = None, actor: str = "system") -> tuple[Case, bool]:
    """The account's case, created in ``state`` (one of ``INITIAL_STATES``) if it has none.
    Returns (case, created). Later moves go through ``states.transition``."""
    state = CaseState(state).value  # ValueError for a name that is no state
    if state not in INITIAL_STATES:
        raise IllegalTransition(None, "(new)", state, sorted(s.value for s in INITIAL_STATES))
    case = db.scalars(select(Case).where(Case.platform == platform,
                                         Case.account_id == account_id)).first()
    if case is not None:
        return case, False
    now = utcnow()
    case = Case(platform=platform, account_id=account_id, state=state, reason=reason,
                opened_at=now, updated_at=now, verified_at=now if state == "verified" else None,
                version=1)
    db.add(case)
    db.flush()
    audit.record(db, actor, "case.open", "case", case.id,
                 {"platform": platform, "account_id": account_id, "state": state, "reason": reason})
    return case, True
