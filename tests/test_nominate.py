"""Nominations: resolving accounts, one case per account, evidence carried along."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hydrawatch.errors import InputError, NotFound, PermissionDenied
from hydrawatch.verification.review import nominate, resolve_account
from hydrawatch.store.schema import Case, Evidence, Handle, Nomination
from hydrawatch.verification.roles import system

from review_world import add_account, add_people, world


@pytest.mark.parametrize("spec,expected", [
    ("x:100", ("x", "100")),
    ("x:@Target0", ("x", "100")),
    ("@target0", ("x", "100")),
    ("target0", ("x", "100")),
    ("x:target0", ("x", "100")),
    ("@oldname", ("x", "100")),  # a former handle
])
def test_resolve_account(store, spec, expected):
    world(store, accounts=1)
    with store.session() as db:
        db.add(Handle(platform="x", account_id="100", handle="OldName", handle_norm="oldname"))
    with store.session() as db:
        assert resolve_account(db, spec) == expected


def test_resolve_unknown_and_ambiguous(store):
    world(store, accounts=1)
    add_account(store, "m1", "target0", platform="mastodon", posts=0)
    with store.session() as db:
        with pytest.raises(NotFound, match="@ghost"):
            resolve_account(db, "@ghost")
        with pytest.raises(NotFound, match="x:999"):
            resolve_account(db, "x:999")
        with pytest.raises(InputError, match="ambiguous"):
            resolve_account(db, "@target0")
        assert resolve_account(db, "mastodon:@target0") == ("mastodon", "m1")


def test_one_case_per_account_and_link_evidence(store):
    c0, c1 = world(store, accounts=2)
    res = nominate(store, "x", "100", by_user="bob", reason="again", source="cli")
    assert res.case_id == c0 and not res.case_created
    with store.session() as db:
        pred_ev = db.scalar(select(Evidence.id).where(Evidence.case_id == c1,
                                                      Evidence.kind == "post").limit(1))
    add_account(store, "300", "target1_2", posts=1)
    link = {"kind": "link", "ref": "x:300->x:101",
            "content": {"kind": "link", "successor_id": "300", "predecessor_id": "101",
                        "confidence": 0.93, "reasons": ["handle +1"]}}
    res = nominate(store, "x", "300", reason="re-entry of x:101 (link 0.93)", source="link",
                   by_user=system("link"), evidence=[pred_ev, link])
    assert res.case_created
    with store.session() as db:
        kinds = sorted(db.scalars(select(Evidence.kind).where(Evidence.case_id == res.case_id)))
        nom = db.get(Nomination, res.nomination_id)
        original = db.get(Evidence, pred_ev)
        copied = db.scalars(select(Evidence).where(Evidence.case_id == res.case_id,
                                                   Evidence.ref == original.ref)).one()
        assert db.scalar(select(func.count()).select_from(Case)) == 3
    assert kinds == ["account", "link", "post", "post"]
    assert nom.source == "link" and nom.user_id is None
    assert copied.sha256 == original.sha256 and copied.content == original.content


def test_nominate_checks_input(store):
    add_people(store)
    add_account(store, "100", "t")
    with pytest.raises(InputError, match="reason"):
        nominate(store, "x", "100", by_user="nina", reason=" ")
    with pytest.raises(InputError, match="source"):
        nominate(store, "x", "100", by_user="nina", reason="r", source="email")
    with pytest.raises(PermissionDenied, match="no user named 'ghost'"):
        nominate(store, "x", "100", by_user="ghost", reason="r")
