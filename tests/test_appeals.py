"""Appeals: public submission, admin decision, delisting keeps the reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hydrawatch.verification.appeals import decide_appeal, list_appeals, submit_appeal
from hydrawatch.verification.views import case_view
from hydrawatch.errors import IllegalTransition, InputError, PermissionDenied
from hydrawatch.verification.review import LISTED_STATES, cast_vote
from hydrawatch.store.schema import AuditEntry, Evidence

from review_world import world


def _verify(store, case_id):
    with store.session() as db:
        ev = [db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                  Evidence.kind == "post").limit(1))]
    for user in ("alice", "bob"):
        cast_vote(store, case_id, by_user=user, verdict="confirm", category="propaganda",
                  evidence_ids=ev)


@pytest.mark.parametrize("decision,appeal_state,case_state,listed", [
    ("uphold", "upheld", "upheld", True),
    ("delist", "delisted", "delisted", False),
])
def test_appeal_flow(store, decision, appeal_state, case_state, listed):
    case_id = world(store, accounts=1)[0]
    _verify(store, case_id)
    res = submit_appeal(store, "x:@Target0", contact="press@example.org",
                        text="I am a journalist")
    assert res["case_id"] == case_id and res["case_state"] == "appealed"
    with pytest.raises(PermissionDenied, match="admin"):
        decide_appeal(store, res["id"], by_user="alice", decision=decision, note="n")
    out = decide_appeal(store, res["id"], by_user="root", decision=decision,
                        note="reviewed the evidence again")
    assert out["state"] == appeal_state and out["case_state"] == case_state
    assert (case_state in LISTED_STATES) is listed
    view = case_view(store, case_id, viewer="root")
    assert view["appeals"][0]["note"] == "reviewed the evidence again"
    assert view["state"] == case_state
    with pytest.raises(PermissionDenied, match="already decided"):
        decide_appeal(store, res["id"], by_user="root", decision=decision, note="again")
    with store.session() as db:
        actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        details = db.scalars(select(AuditEntry.details)).all()
    assert "appeal.submit" in actions and "appeal.decide" in actions
    assert f"case.{case_state}" in actions
    assert "press@example.org" not in str(details)  # contact details stay off the audit log


def test_appeal_of_unknown_account_is_kept(store):
    world(store, accounts=0)
    res = submit_appeal(store, "x:@nobody", contact="c", text="t")
    assert res["case_id"] is None
    assert list_appeals(store)[0]["handle"] == "nobody"
    with pytest.raises(InputError, match="nothing to delist"):
        decide_appeal(store, res["id"], by_user="root", decision="delist", note="n")


def test_delisting_a_case_that_was_never_listed_is_an_illegal_move(store):
    case_id = world(store, accounts=1)[0]  # nominated, not verified: never listed
    res = submit_appeal(store, "x:@Target0", contact="c", text="t")
    assert res["case_id"] == case_id and res["case_state"] == "nominated"
    with pytest.raises(IllegalTransition, match="cannot move from nominated to delisted"):
        decide_appeal(store, res["id"], by_user="root", decision="delist", note="n")
    assert case_view(store, case_id, viewer="root")["state"] == "nominated"
    assert list_appeals(store)[0]["state"] == "open"  # the refused decision rolled back

def test_appeal_needs_text_and_contact(store):
    world(store, accounts=1)
    with pytest.raises(InputError):
        submit_appeal(store, "x:@target0", contact="", text="t")
    with pytest.raises(InputError):
        submit_appeal(store, "x:@target0", contact="c", text=" ")
