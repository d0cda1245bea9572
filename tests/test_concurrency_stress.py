"""Concurrency stress (issue 10): simultaneous final confirms and simultaneous nominations,
many trials, on whichever database the suite runs on (a SQLite file, or PostgreSQL).

Each worker thread has its own Store (engine and connections), as separate processes
would; a barrier releases them together. Invariants: no case verified twice, every vote
kept, one case per account, no nomination lost, the same nominator's repeat recorded
once, and no exception at all. ``HYDRAWATCH_STRESS_TRIALS`` (default 50 per kind, 200 in
all) sizes it."""

from __future__ import annotations

import os
import threading
import traceback
from collections import Counter

import pytest
from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.verification.review import cast_vote, nominate
from hydrawatch.store import Store
from hydrawatch.store.schema import Account, AuditEntry, Case, Evidence, Handle, Nomination, Review

from review_world import T0, add_people

TRIALS = int(os.environ.get("HYDRAWATCH_STRESS_TRIALS", "50"))
pytestmark = pytest.mark.stress


def _accounts(store, ids: list[str]) -> None:
    with store.session() as db:
        for aid in ids:
            db.add(Account(platform="x", account_id=aid, handle=f"h{aid}", handle_norm=f"h{aid}",
                           first_seen=T0, last_seen=T0, observed_at=T0, status="active"))
            db.add(Handle(platform="x", account_id=aid, handle=f"h{aid}", handle_norm=f"h{aid}",
                          first_seen=T0, last_seen=T0))


def _race(stores: dict[str, Store], jobs: list[tuple[str, callable]], errors: list[str]) -> None:
    """Run each job (user, fn(store)) in its own thread, released together."""
    barrier = threading.Barrier(len(jobs))

    def run(user, fn):
        try:
            barrier.wait(timeout=60)
            fn(stores[user])
        except BaseException:  # noqa: BLE001 - every exception is a failure, reported below
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


@pytest.fixture
def stores(db_url):
    made = {name: Store(db_url) for name in ("bob", "carol", "dave", "amir")}
    yield made
    for st in made.values():
        st.dispose()


def test_simultaneous_final_confirms_verify_once_and_keep_every_vote(store, stores):
    add_people(store)
    ids = [str(1000 + i) for i in range(TRIALS)]
    _accounts(store, ids)
    cases, evidence = [], {}
    for aid in ids:
        res = nominate(store, "x", aid, by_user="nina", reason="fictional propaganda")
        cases.append(res.case_id)
        evidence[res.case_id] = [res.evidence_ids[0]]  # the account snapshot
        cast_vote(store, res.case_id, by_user="alice", verdict="confirm", category="re-entry",
                  evidence_ids=evidence[res.case_id])
    errors: list[str] = []
    for case_id in cases:  # bob (OrgB) and carol (OrgC): each vote would be the deciding one
        def vote(user, case_id=case_id):
            return lambda st: cast_vote(st, case_id, by_user=user, verdict="confirm",
                                        category="re-entry", evidence_ids=evidence[case_id])
        _race(stores, [("bob", vote("bob")), ("carol", vote("carol"))], errors)
    assert errors == [], errors[0]
    with store.session() as db:
        states = Counter(db.scalars(select(Case.state).where(Case.id.in_(cases))))
        votes = Counter(db.scalars(select(Review.case_id).where(Review.case_id.in_(cases))))
        verified = Counter(db.scalars(select(AuditEntry.object_id).where(
            AuditEntry.action == "case.verified")))
        assert audit.verify_chain(db).ok
    assert states == {"verified": TRIALS}
    assert set(votes.values()) == {3}  # alice's and both racers': no vote lost
    assert len(verified) == TRIALS and set(verified.values()) == {1}  # verified once each


def test_simultaneous_nominations_lose_nothing_and_open_one_case(store, stores):
    add_people(store)
    ids = [str(5000 + i) for i in range(TRIALS * 3)]
    _accounts(store, ids)
    errors: list[str] = []

    def nom(user, aid):
        return user, lambda st: nominate(st, "x", aid, by_user=user, reason=f"seen by {user}")

    different = ids[:TRIALS * 2]  # bob, carol and dave nominate one account at once
    same = ids[TRIALS * 2:]  # bob twice at once (e.g. a double click): recorded once
    for aid in different:
        _race(stores, [nom("bob", aid), nom("carol", aid), nom("dave", aid)], errors)
    for aid in same:
        _race(stores, [nom("bob", aid), ("amir", nom("bob", aid)[1])], errors)
    assert errors == [], errors[0]
    with store.session() as db:
        cases = Counter(db.scalars(select(Case.account_id)))
        noms = Counter(db.scalars(select(Nomination.account_id)))
        opened = Counter(db.scalars(select(AuditEntry.object_id).where(
            AuditEntry.action == "case.open")))
        snapshots = Counter(db.scalars(select(Evidence.case_id).where(Evidence.kind == "account")))
        assert audit.verify_chain(db).ok
    assert set(cases.values()) == {1} and len(cases) == len(ids)  # one case per account
    assert all(noms[aid] == 3 for aid in different)  # no nomination lost
    assert all(noms[aid] == 1 for aid in same)  # the repeat is the same nomination
    assert len(opened) == len(ids) and set(opened.values()) == {1}
    assert set(snapshots.values()) == {1}  # case-opening evidence captured once
