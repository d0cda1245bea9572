"""Blind voting is enforced in the API: no verdict is visible before one's own vote."""

from __future__ import annotations

from sqlalchemy import select

from hydrawatch.verification.views import case_view, list_cases
from hydrawatch.verification.review import cast_vote, review_queue
from hydrawatch.store.schema import Evidence

from review_world import world


def _post_evidence(store, case_id):
    with store.session() as db:
        return [db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                    Evidence.kind == "post").limit(1))]


def test_votes_hidden_until_own_vote(store):
    case_id = world(store, accounts=1)[0]
    cast_vote(store, case_id, by_user="alice", verdict="confirm", category="propaganda",
              evidence_ids=_post_evidence(store, case_id), note="secret rationale")
    for viewer in ("bob", "cory", None):
        view = case_view(store, case_id, viewer=viewer)
        assert view["votes"] is None and view["votes_hidden"] is True
        assert "confirm" not in str(view) and "secret rationale" not in str(view)
        assert view["known_answer"] is None
        assert all(n["by"] is None for n in view["nominations"])
    mine = case_view(store, case_id, viewer="alice")
    assert [v["verdict"] for v in mine["votes"]] == ["confirm"]
    admin = case_view(store, case_id, viewer="root")
    assert admin["votes"][0]["reviewer"] == "alice" and admin["nominations"][0]["by"] == "nina"
    cast_vote(store, case_id, by_user="bob", verdict="reject")
    after = case_view(store, case_id, viewer="bob")
    assert [v["verdict"] for v in after["votes"]] == ["confirm", "reject"]


def test_queue_and_listing(store):
    c1, c2 = world(store, accounts=2)
    assert review_queue(store, "nina") == []  # both are her nominations
    assert review_queue(store, "alice") == [c1, c2]
    cast_vote(store, c1, by_user="alice", verdict="unsure")
    assert review_queue(store, "alice") == [c2]
    rows = list_cases(store)
    assert [r["id"] for r in rows] == [c1, c2]
    assert rows[0]["reviews"] == 1 and rows[0]["evidence"] == 4 and rows[0]["handle"] == "target0"
    assert rows[0]["state"] == "in_review" and rows[1]["state"] == "nominated"
    assert [r["id"] for r in list_cases(store, state="nominated")] == [c2]
