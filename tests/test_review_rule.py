"""The verification rule, table-driven: each scenario is a sequence of votes on one case
(nominated by nina of OrgA) with the state or error each vote must give."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hydrawatch.errors import InputError, PermissionDenied
from hydrawatch.verification.review import Vote, cast_vote, decide
from hydrawatch.verification.rules import Rule, parse_rule
from hydrawatch.store.schema import Case, Evidence, Review, User

from review_world import world

# (user, verdict, category, evidence: "post" | "account" | "none" | "foreign", expected)
# expected: a state, or (exception class, fragment of its message)
SCENARIOS = {
    "self-review refused": [
        ("nina", "confirm", "propaganda", "post", (PermissionDenied, "own nomination")),
    ],
    "same-org quorum is not enough": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("amir", "confirm", "propaganda", "post", "in_review"),
    ],
    "cross-org quorum verifies": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("bob", "confirm", "propaganda", "post", "verified"),
    ],
    "same org then another org verifies": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("amir", "confirm", "propaganda", "post", "in_review"),
        ("carol", "confirm", "threat", "post", "verified"),
    ],
    "confirm without evidence refused": [
        ("alice", "confirm", "propaganda", "none", (PermissionDenied, "must cite")),
    ],
    "confirm citing the wrong kind refused": [
        ("alice", "confirm", "propaganda", "account", (PermissionDenied, "post or media")),
    ],
    "evidence of another case refused": [
        ("alice", "confirm", "propaganda", "foreign", (InputError, "does not belong")),
    ],
    "confirm needs a category": [
        ("alice", "confirm", None, "post", (InputError, "category")),
    ],
    "unknown category refused": [
        ("alice", "confirm", "spam", "post", (InputError, "unknown category")),
    ],
    "reject escalates, a third confirm verifies": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("bob", "reject", None, "none", "in_review"),
        ("carol", "confirm", "propaganda", "post", "verified"),
    ],
    "reject escalates, a third reject rejects": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("bob", "reject", None, "none", "in_review"),
        ("carol", "reject", None, "none", "rejected"),
    ],
    "a lone reject waits for a further reviewer": [
        ("bob", "reject", None, "none", "in_review"),
        ("carol", "reject", None, "none", "rejected"),
    ],
    "unsure does not resolve an escalation": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("bob", "reject", None, "none", "in_review"),
        ("carol", "unsure", None, "none", "in_review"),
        ("dave", "confirm", "propaganda", "post", "verified"),
    ],
    "contributors cannot vote": [
        ("cory", "reject", None, "none", (PermissionDenied, "contributor")),
    ],
    "one vote per reviewer": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("alice", "reject", None, "none", (PermissionDenied, "already voted")),
    ],
    "late vote stored, state kept": [
        ("alice", "confirm", "propaganda", "post", "in_review"),
        ("bob", "confirm", "propaganda", "post", "verified"),
        ("carol", "reject", None, "none", "verified"),
    ],
}


def _evidence_for(store, case_id: int, other_case: int, kind: str) -> list[int]:
    with store.session() as db:
        if kind == "none":
            return []
        if kind == "foreign":
            return [db.scalar(select(Evidence.id).where(Evidence.case_id == other_case,
                                                        Evidence.kind == "post").limit(1))]
        return [db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                    Evidence.kind == kind).limit(1))]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_rule_scenario(store, name):
    case_id, other = world(store, accounts=2)
    for user, verdict, category, ev, expected in SCENARIOS[name]:
        ids = _evidence_for(store, case_id, other, ev)
        if isinstance(expected, tuple):
            exc, fragment = expected
            with pytest.raises(exc, match=fragment):
                cast_vote(store, case_id, by_user=user, verdict=verdict, category=category,
                          evidence_ids=ids)
            continue
        res = cast_vote(store, case_id, by_user=user, verdict=verdict, category=category,
                        evidence_ids=ids)
        assert res.state == expected, (name, user, res.reason)
    with store.session() as db:
        case = db.get(Case, case_id)
        assert (case.verified_at is not None) == (case.state == "verified")


def test_verified_sets_verified_at_and_category(store):
    case_id, _ = world(store, accounts=1) + [None]
    for user in ("alice", "bob"):
        ev = _evidence_for(store, case_id, case_id, "post")
        cast_vote(store, case_id, by_user=user, verdict="confirm", category="threat", evidence_ids=ev)
    with store.session() as db:
        case = db.get(Case, case_id)
        assert case.state == "verified" and case.verified_at is not None
        assert case.category == "threat"


def _set_reliability(store, **values):
    with store.session() as db:
        for name, value in values.items():
            db.scalars(select(User).where(User.name == name)).one().reliability = value


@pytest.mark.parametrize("reject_rel,confirm_rel,expected", [
    (0.95, 0.6, "rejected"),  # the more reliable rejecter wins the 1:1 tie
    (0.6, 0.95, "in_review"),  # the confirm side wins, but one confirm is no quorum
])
def test_tie_goes_to_the_more_reliable_side(store, reject_rel, confirm_rel, expected):
    case_id = world(store, accounts=1)[0]
    _set_reliability(store, bob=reject_rel, carol=confirm_rel)
    cast_vote(store, case_id, by_user="bob", verdict="reject")
    res = cast_vote(store, case_id, by_user="carol", verdict="confirm", category="propaganda",
                    evidence_ids=_evidence_for(store, case_id, case_id, "post"))
    assert res.state == expected, res.reason


def test_rule_file_changes_quorum(store):
    case_id = world(store, accounts=1)[0]
    rule = parse_rule({"quorum": 3, "distinct_orgs": 3})
    for user, state in (("alice", "in_review"), ("bob", "in_review"), ("carol", "verified")):
        res = cast_vote(store, case_id, by_user=user, verdict="confirm", category="anything",
                        evidence_ids=_evidence_for(store, case_id, case_id, "account"), rule=rule)
        assert res.state == state
    with store.session() as db:
        assert db.scalar(select(Review.id).where(Review.case_id == case_id).limit(1))


DECIDE_TABLE = [
    # votes as (org, verdict, reliability); expected state
    ([(1, "confirm", None), (2, "confirm", None)], "verified"),
    ([(1, "confirm", None), (1, "confirm", None)], "in_review"),
    ([(1, "confirm", None), (2, "reject", None)], "in_review"),
    ([(1, "confirm", None), (2, "reject", None), (3, "confirm", None)], "verified"),
    ([(1, "reject", None), (2, "confirm", None), (3, "confirm", None)], "verified"),
    ([(1, "confirm", None), (2, "confirm", None), (3, "reject", None)], "in_review"),  # unresolved
    ([(1, "reject", 0.9), (2, "confirm", 0.9)], "in_review"),  # equal weights: wait
    ([(1, "reject", 0.9), (2, "confirm", 0.6), (3, "confirm", 0.6), (1, "reject", 0.9)],
     "rejected"),
    ([(1, "reject", 0.6), (2, "confirm", 0.9), (3, "confirm", 0.9), (1, "reject", 0.6)],
     "verified"),
]


@pytest.mark.parametrize("votes,expected", DECIDE_TABLE)
def test_decide_table(votes, expected):
    vs = [Vote(i, i, org, verdict, rel) for i, (org, verdict, rel) in enumerate(votes)]
    assert decide(vs, Rule()).state == expected
