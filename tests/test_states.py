"""The case state machine: the table refuses illegal moves, audits legal ones, and the
diagram in docs/verification.md is the same table (as datasette tests its docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from hydrawatch.errors import HydrawatchError, IllegalTransition
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import AuditEntry, Case
from hydrawatch.verification.cases import open_case
from hydrawatch.verification.states import (INITIAL_STATES, STATES, TRANSITIONS, VERIFIED_STATES,
                                            CaseState, transition)

DOC = Path(__file__).resolve().parent.parent / "docs" / "verification.md"
EDGE = re.compile(r"^\s*(\[\*\]|\w+)\s*-->\s*(\w+)\s*(?::.*)?$")


def _diagram() -> tuple[set[str], set[tuple[str, str]]]:
    """(initial states, edges) of the mermaid stateDiagram-v2 block in the doc."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n\s*stateDiagram-v2\n(.*?)```", text, re.S)
    assert block, "docs/verification.md has no mermaid stateDiagram-v2 block"
    initial, edges = set(), set()
    for line in block.group(1).splitlines():
        if not line.strip() or line.strip().startswith("%%"):
            continue
        m = EDGE.match(line)
        assert m, f"unparsed diagram line: {line!r}"
        (initial.add(m.group(2)) if m.group(1) == "[*]" else edges.add((m.group(1), m.group(2))))
    return initial, edges


def test_doc_diagram_is_the_transition_table():
    initial, edges = _diagram()
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == table, (f"only in the doc: {sorted(edges - table)}; "
                            f"only in TRANSITIONS: {sorted(table - edges)}")
    assert initial == {s.value for s in INITIAL_STATES}


def test_table_covers_every_state():
    assert set(TRANSITIONS) == set(CaseState)
    assert STATES == tuple(s.value for s in CaseState)
    assert set(VERIFIED_STATES) <= set(STATES)
    reachable = set(INITIAL_STATES)
    frontier = list(reachable)
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(CaseState)


def test_legal_move_is_stamped_and_audited(store):
    with transaction(store) as db:
        case, _ = open_case(db, "x", "1", reason="r")
        version = case.version
        assert transition(db, case, "in_review", actor="alice", reason="first vote") \
            is CaseState.IN_REVIEW
        transition(db, case, CaseState.VERIFIED, actor="bob", reason="quorum")
        assert case.state == "verified" and type(case.state) is str
        assert case.verified_at is not None and case.version == version + 2
    with store.session() as db:
        assert db.scalar(select(Case.state).where(Case.id == case.id)) == "verified"
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "case.verified")).one()
        assert entry.actor == "bob"
        assert entry.details == {"from": "in_review", "to": "verified", "reason": "quorum"}


def test_illegal_move_is_refused_naming_the_allowed_moves(store):
    with transaction(store) as db:
        case, _ = open_case(db, "x", "2", reason="r")
        with pytest.raises(IllegalTransition) as err:
            transition(db, case, "delisted", actor="root", reason="no")
        assert isinstance(err.value, HydrawatchError)
        assert (err.value.from_state, err.value.to_state) == ("nominated", "delisted")
        assert err.value.allowed == ("in_review", "verified")
        assert str(err.value) == (f"case {case.id} cannot move from nominated to delisted; "
                                  "from nominated it may move to: in_review, verified")
        assert case.state == "nominated"
        transition(db, case, "in_review", actor="a", reason="vote")
        transition(db, case, "rejected", actor="a", reason="votes")
        with pytest.raises(IllegalTransition, match="rejected is final"):
            transition(db, case, "verified", actor="a", reason="again")
        with pytest.raises(ValueError):
            transition(db, case, "gone", actor="a", reason="typo")
    with store.session() as db:
        actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(case.id))).all()
    assert "case.delisted" not in actions and "case.verified" not in actions


@pytest.mark.parametrize("state", sorted(STATES))
def test_open_case_only_in_an_initial_state(store, state):
    with transaction(store) as db:
        if state in {s.value for s in INITIAL_STATES}:
            assert open_case(db, "x", "3", state=state, reason="r")[0].state == state
        else:
            with pytest.raises(IllegalTransition):
                open_case(db, "x", "3", state=state, reason="r")
