"""Evidence edited with its SHA-256 recomputed is caught: the hash committed in the audit
chain at capture no longer matches (issue 10)."""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import select, update

from hydrawatch.verification.evidence import verify_evidence
from hydrawatch.store.schema import Evidence

from review_world import world


def _evidence(store) -> list[Evidence]:
    with store.session() as db:
        return db.scalars(select(Evidence).order_by(Evidence.id)).all()


def test_untouched_evidence_verifies(store):
    world(store, accounts=1)
    check = verify_evidence(store)
    assert check.ok and check.checked >= 2 and check.chain_ok


def test_content_edit_with_recomputed_sha256_is_caught(store):
    world(store, accounts=1)
    victim = _evidence(store)[1]
    forged = orjson.loads(victim.content)
    forged["text"] = "an innocent post"
    body = orjson.dumps(forged, option=orjson.OPT_SORT_KEYS)
    with store.session() as db:
        db.execute(update(Evidence).where(Evidence.id == victim.id)
                   .values(content=body.decode(), sha256=hashlib.sha256(body).hexdigest()))
    check = verify_evidence(store)
    assert not check.ok
    assert check.rehash == []  # the row is self-consistent...
    assert check.uncommitted == [victim.id] == check.bad  # ...but not what the chain committed
    assert check.chain_ok


def test_content_edit_alone_is_caught_by_the_rehash(store):
    world(store, accounts=1)
    victim = _evidence(store)[0]
    with store.session() as db:
        db.execute(update(Evidence).where(Evidence.id == victim.id)
                   .values(content=victim.content.replace("fictional", "harmless")))
    check = verify_evidence(store)
    assert check.rehash == [victim.id] == check.bad


def test_evidence_moved_to_another_case_is_caught(store):
    case_ids = world(store, accounts=2)
    victim = [e for e in _evidence(store) if e.case_id == case_ids[0]][0]
    with store.session() as db:
        db.execute(update(Evidence).where(Evidence.id == victim.id).values(case_id=case_ids[1]))
    assert verify_evidence(store).uncommitted == [victim.id]
