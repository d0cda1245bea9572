"""Evidence: automatic capture when a case opens, content addressing, immutability."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from sqlalchemy import delete, select, text, update

from hydrawatch.errors import InputError, NotFound, PermissionDenied
from hydrawatch.verification.evidence import capture_post, verify_evidence
from hydrawatch.verification.review import nominate
from hydrawatch.store.schema import Account, Evidence, PolicyPack, Post
from hydrawatch.timeutil import utcnow

from review_world import add_account, world


def test_case_opening_captures_account_and_top_posts(store):
    case_id = world(store, accounts=1)[0]
    with store.session() as db:
        evs = db.scalars(select(Evidence).where(Evidence.case_id == case_id)).all()
    kinds = sorted(e.kind for e in evs)
    assert kinds == ["account", "post", "post", "post"]
    for e in evs:
        assert hashlib.sha256(e.content.encode()).hexdigest() == e.sha256
        assert e.captured_at is not None
        assert e.captured_by is not None  # nina
    post = orjson.loads(next(e.content for e in evs if e.kind == "post"))
    assert post["account"]["handle"] == "target0"
    # canonical: sorted keys, no whitespace
    assert next(e.content for e in evs if e.kind == "post") == orjson.dumps(
        post, option=orjson.OPT_SORT_KEYS).decode()


def test_joining_a_case_captures_nothing_again(store):
    case_id = world(store, accounts=1)[0]
    res = nominate(store, "x", "100", by_user="bob", reason="seen too")
    assert res.case_id == case_id and not res.case_created and res.evidence_ids == []


def test_top_posts_ranked_by_policy_match(store):
    world(store, accounts=0)
    add_account(store, "200", "ranked", posts=8)
    with store.session() as db:
        db.add(PolicyPack(name="p", content={"name": "p", "phrases": ["match me"]},
                          loaded_at=utcnow()))
        db.execute(update(Post).where(Post.post_id == "200000").values(text="old but match me"))
    res = nominate(store, "x", "200", by_user="nina", reason="r")
    with store.session() as db:
        refs = db.scalars(select(Evidence.ref).where(Evidence.id.in_(res.evidence_ids),
                                                     Evidence.kind == "post")).all()
    assert "x:200000" in refs  # the oldest post, but the only policy match
    assert len(refs) == 5


def test_capture_post_and_errors(store):
    case_id, other = world(store, accounts=2)
    ev = capture_post(store, case_id, "x:100001", by_user="bob")
    assert ev.kind == "post" and ev.ref == "x:100001"
    assert capture_post(store, case_id, "x:100001", by_user="bob").id == ev.id  # same content
    with pytest.raises(PermissionDenied, match="not about case"):
        capture_post(store, case_id, "x:101000", by_user="bob")  # a post by another account
    with pytest.raises(NotFound):
        capture_post(store, case_id, "x:999", by_user="bob")
    with pytest.raises(InputError):
        capture_post(store, case_id, "nonsense", by_user="bob")
    with pytest.raises(NotFound):
        capture_post(store, 9999, "x:100000", by_user="bob")


def test_evidence_survives_reingest_edit_and_delete(store):
    case_id = world(store, accounts=1)[0]
    with store.session() as db:
        before = {e.id: (e.content, e.sha256) for e in
                  db.scalars(select(Evidence).where(Evidence.case_id == case_id))}
        db.execute(update(Post).values(text="edited away"))
        db.execute(update(Account).values(handle="renamed", bio="changed"))
    with store.session() as db:
        db.execute(delete(Post).where(Post.post_id == "100000"))
    with store.session() as db:
        after = {e.id: (e.content, e.sha256) for e in
                 db.scalars(select(Evidence).where(Evidence.case_id == case_id))}
    assert before == after
    assert "edited away" not in "".join(c for c, _ in after.values())
    check = verify_evidence(store)
    assert check.ok and check.checked == len(before)


def test_verify_names_evidence_altered_in_the_database(store):
    case_id = world(store, accounts=1)[0]
    with store.session() as db:
        ids = db.scalars(select(Evidence.id).where(Evidence.case_id == case_id)
                         .order_by(Evidence.id)).all()
        db.execute(text("UPDATE evidence SET content = replace(content, 'slogan', 'innocent') "
                        "WHERE id = :i"), {"i": ids[1]})
    check = verify_evidence(store)
    assert not check.ok and check.bad == [ids[1]]
