"""Concurrent votes on PostgreSQL: none lost, no case verified twice."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from hydrawatch.verification.review import cast_vote
from hydrawatch.store.schema import AuditEntry, Case, Evidence, Review
from hydrawatch.store import audit

from review_world import world

ROUNDS = 20


def test_concurrent_confirms_never_lose_a_vote_or_verify_twice(store, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite serialises writers; the row-lock guarantee is PostgreSQL's")
    case_ids = world(store, accounts=ROUNDS)
    with store.session() as db:
        evidence = {c: [db.scalar(select(Evidence.id).where(Evidence.case_id == c,
                                                            Evidence.kind == "post").limit(1))]
                    for c in case_ids}
    errors: list[BaseException] = []
    for n, case_id in enumerate(case_ids):
        voters = ["alice", "bob", "carol"][: 2 + n % 2]  # 2 or 3 simultaneous confirms
        barrier = threading.Barrier(len(voters))

        def vote(user: str, case_id: int = case_id, barrier=barrier) -> None:
            try:
                barrier.wait()
                cast_vote(store, case_id, by_user=user, verdict="confirm",
                          category="propaganda", evidence_ids=evidence[case_id])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=vote, args=(u,)) for u in voters]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    with store.session() as db:
        for n, case_id in enumerate(case_ids):
            assert db.get(Case, case_id).state == "verified"
            votes = db.scalar(select(func.count()).select_from(Review)
                              .where(Review.case_id == case_id))
            assert votes == 2 + n % 2
            verified = db.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "case.verified", AuditEntry.object_id == str(case_id)))
            assert verified == 1
        assert audit.verify_chain(db).ok
