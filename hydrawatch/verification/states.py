"""The case state machine: one enum, one transition table, one function that moves a case.

Every change of ``cases.state`` goes through :func:`transition`, which refuses a move the
table does not allow (:class:`~hydrawatch.errors.IllegalTransition`, naming the moves that
are allowed) and appends the move to the audit chain. ``docs/verification.md`` draws the
same table as a diagram, and ``tests/test_states.py`` holds the two equal.

    nominated -> in_review -> verified | rejected     the verification rule
    nominated -> verified                            a trusted group's list
    verified -> reported -> removed | active         reporting, then tracking
    removed <-> active                               tracking sees it go, or come back
    verified | reported | removed | active | upheld -> appealed -> upheld | delisted
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from hydrawatch.errors import IllegalTransition
from hydrawatch.store import audit
from hydrawatch.store.schema import Case
from hydrawatch.timeutil import utcnow


class CaseState(StrEnum):
    NOMINATED = "nominated"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REPORTED = "reported"
    REMOVED = "removed"
    ACTIVE = "active"
    APPEALED = "appealed"
    UPHELD = "upheld"
    DELISTED = "delisted"


_S = CaseState

# A case opens as nominated (a nomination), or verified (a trusted group's list).
INITIAL_STATES: frozenset[CaseState] = frozenset({_S.NOMINATED, _S.VERIFIED})

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    _S.NOMINATED: frozenset({_S.IN_REVIEW, _S.VERIFIED}),
    _S.IN_REVIEW: frozenset({_S.VERIFIED, _S.REJECTED}),
    _S.VERIFIED: frozenset({_S.REPORTED, _S.APPEALED}),
    _S.REJECTED: frozenset(),
    _S.REPORTED: frozenset({_S.REMOVED, _S.ACTIVE, _S.APPEALED}),
    _S.REMOVED: frozenset({_S.ACTIVE, _S.APPEALED}),
    _S.ACTIVE: frozenset({_S.REMOVED, _S.APPEALED}),
    _S.APPEALED: frozenset({_S.UPHELD, _S.DELISTED}),
    _S.UPHELD: frozenset({_S.APPEALED}),
    _S.DELISTED: frozenset(),
}

# Plain strings, as stored in cases.state and compared in SQL.
STATES: tuple[str, ...] = tuple(s.value for s in CaseState)
# Verified by the rule (or a trusted list) and not delisted: the account counts as verified
# for scoring, linking, reporting and publishing.
VERIFIED_STATES: tuple[str, ...] = ("verified", "reported", "removed", "active", "appealed",
                                    "upheld")


def check_transition(case_id: int | None, state: str, to: str) -> CaseState:
    """``to`` as a CaseState if a case in ``state`` may move there, else IllegalTransition.
    An unknown state name is a ValueError (a programming error, not a user's)."""
    source, target = CaseState(state), CaseState(to)
    allowed = TRANSITIONS[source]
    if target not in allowed:
        raise IllegalTransition(case_id, source.value, target.value,
                                sorted(s.value for s in allowed))
    return target


def transition(db: Session, case: Case, to: str, *, actor: str, reason: str,
               details: dict | None = None) -> CaseState:
    """Move ``case`` to ``to`` (IllegalTransition if the table forbids it), stamp it, and
    audit the move as ``case.<to>`` with ``from``, ``to``, ``reason`` and ``details``."""
    old = case.state
    target = check_transition(case.id, old, to)
    now = utcnow()
    case.state = target.value
    case.updated_at = now
    case.version = (case.version or 0) + 1
    if target is CaseState.VERIFIED and case.verified_at is None:
        case.verified_at = now
    db.flush()
    audit.record(db, actor, f"case.{target.value}", "case", case.id,
                 {"from": old, "to": target.value, "reason": reason, **(details or {})})
    return target
