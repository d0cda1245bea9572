"""Opening cases: one per account under consideration (DESIGN.md, case states)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.store.schema import Case
from hydrawatch.timeutil import utcnow

# A case in one of these states was verified by the rule (or a trusted list) and has not
# been delisted: the account counts as verified for scoring, linking and publishing.
VERIFIED_STATES = ("verified", "reported", "removed", "active", "appealed", "upheld")

STATES = ("nominated", "in_review", "verified", "rejected", "reported", "removed", "active",
          "appealed", "upheld", "delisted")


def upsert(db: Session, table):
    """``INSERT ... ON CONFLICT`` for the session's dialect."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def open_case(db: Session, platform: str, account_id: str, *, state: str = "nominated",
              reason: str | None = None, actor: str = "system") -> tuple[Case, bool]:
    """The account's case, created in ``state`` if it has none. Returns (case, created).
    One case per account even when two transactions open it at once: the insert does
    nothing on the unique key, and the loser reads the winner's case."""
    if state not in STATES:
        raise ValueError(f"unknown case state {state!r}")
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
