"""A case is verified only on evidence about its own account, or about the predecessor a
re-entry case is linked to, and then the vote records it (issue 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hydrawatch.errors import PermissionDenied
from hydrawatch.verification.review import cast_vote, nominate
from hydrawatch.store.schema import AuditEntry, Case, Evidence, Link, Review
from hydrawatch.timeutil import utcnow
from hydrawatch.verification.roles import system

from review_world import world


def _post_of(store, case_id: int) -> int:
    with store.session() as db:
        return db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                   Evidence.kind == "post").order_by(Evidence.id))


def _smuggle(store, into_case_account: str, foreign_evidence: int) -> int:
    """Copy another case's evidence into this account's case (as a nomination may)."""
    res = nominate(store, "x", into_case_account, by_user="bob", reason="more",
                   evidence=[foreign_evidence])
    return res.evidence_ids[0]


def _link(store, successor: str, predecessor: str, state: str = "proposed") -> None:
    with store.session() as db:
        db.add(Link(platform="x", successor_id=successor, predecessor_id=predecessor,
                    confidence=0.9, rank=1, reasons=["handle +1"], state=state,
                    created_at=utcnow()))


def test_evidence_about_another_account_cannot_verify_a_case(store):
    c0, c1 = world(store, accounts=2)
    foreign = _smuggle(store, "100", _post_of(store, c1))  # a post by x:101 in x:100's case
    with store.session() as db:
        assert db.get(Evidence, foreign).case_id == c0
    for user in ("alice", "carol"):
        with pytest.raises(PermissionDenied, match="is about x:101, not about case"):
            cast_vote(store, c0, by_user=user, verdict="confirm", category="propaganda",
                      evidence_ids=[foreign])
    with store.session() as db:
        assert db.get(Case, c0).state == "nominated"
        assert db.scalar(select(Review.id).where(Review.case_id == c0)) is None


def test_dict_evidence_naming_no_account_cannot_be_cited(store):
    c0 = world(store, accounts=1)[0]
    res = nominate(store, "x", "100", by_user="bob", reason="more", evidence=[
        {"kind": "post", "ref": "x:100", "content": {"kind": "post", "text": "trust me"}}])
    with pytest.raises(PermissionDenied, match="about no account"):
        cast_vote(store, c0, by_user="alice", verdict="confirm", category="propaganda",
                  evidence_ids=res.evidence_ids)


def test_reentry_case_may_cite_its_linked_predecessor_and_the_vote_says_so(store):
    c0, c1 = world(store, accounts=2)
    pred = _post_of(store, c1)
    copied = _smuggle(store, "100", pred)
    _link(store, successor="100", predecessor="101")
    cast_vote(store, c0, by_user="alice", verdict="confirm", category="propaganda",
              evidence_ids=[copied])
    res = cast_vote(store, c0, by_user="carol", verdict="confirm", category="propaganda",
                    evidence_ids=[copied, _post_of(store, c0)])
    assert res.state == "verified"
    with store.session() as db:
        votes = db.scalars(select(Review).where(Review.case_id == c0).order_by(Review.id)).all()
        assert [v.predecessor_evidence for v in votes] == [{"x:101": [copied]}, {"x:101": [copied]}]
        entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "review.vote")).all()
        assert all(e.details["predecessor_evidence"] == {"x:101": [copied]} for e in entries)


def test_a_rejected_link_does_not_bind(store):
    c0, c1 = world(store, accounts=2)
    copied = _smuggle(store, "100", _post_of(store, c1))
    _link(store, successor="100", predecessor="101", state="rejected")
    with pytest.raises(PermissionDenied, match="is about x:101"):
        cast_vote(store, c0, by_user="alice", verdict="confirm", category="propaganda",
                  evidence_ids=[copied])


def test_link_nominations_carry_bound_evidence(store):
    """The re-entry path (linking.cases) gives a case whose link and copied predecessor
    evidence can both be cited."""
    from hydrawatch.linking.cases import open_reentry_case
    from review_world import add_account

    c0 = world(store, accounts=1)[0]
    add_account(store, "300", "target0_2", posts=1)
    _link(store, successor="300", predecessor="100")
    with store.session() as db:
        assert open_reentry_case(db, "x", "300", "100", 0.93, ["handle +1"]) == 1
        case = db.scalars(select(Case).where(Case.account_id == "300")).one()
        ids = list(db.scalars(select(Evidence.id).where(Evidence.case_id == case.id)))
    res = cast_vote(store, case.id, by_user="alice", verdict="confirm", category="propaganda",
                    evidence_ids=ids)
    assert res.state == "in_review" and c0 != case.id
    assert system("link").is_system
