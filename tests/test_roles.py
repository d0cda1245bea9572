"""Roles on every state-changing operation of the Python API, and every refusal audited
(issue 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hydrawatch.store import audit
from hydrawatch.verification import people as orgs
from hydrawatch.verification.appeals import decide_appeal, submit_appeal
from hydrawatch.errors import NotFound, PermissionDenied
from hydrawatch.verification.evidence import capture_post
from hydrawatch.verification.lists import import_list
from hydrawatch.verification.review import cast_vote, nominate, set_known_answer
from hydrawatch.store.schema import AuditEntry, Case, Evidence, GroupList, Organization, User
from hydrawatch.verification.roles import PERMISSIONS, require_role, system

from review_world import add_account, world


def refusals(store) -> list[tuple[str, str]]:
    with store.session() as db:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.action == "refused")
                          .order_by(AuditEntry.id)).all()
        assert audit.verify_chain(db).ok
        return [(r.actor, r.details["attempted"]) for r in rows]


def _post_evidence(store, case_id: int) -> list[int]:
    with store.session() as db:
        return [db.scalar(select(Evidence.id).where(Evidence.case_id == case_id,
                                                    Evidence.kind == "post").limit(1))]


def test_the_table_names_every_guarded_operation():
    for action in ("nominate", "review.vote", "evidence.capture", "appeal.decide",
                   "case.known_answer", "list.import", "list.import_verified", "org.add",
                   "user.add", "report.send", "publish"):
        assert action in PERMISSIONS
    assert not PERMISSIONS["review.vote"].system and not PERMISSIONS["publish"].system
    assert PERMISSIONS["list.import_verified"].roles == ("admin",)


@pytest.mark.parametrize("who,action", [
    ("ghost", "nominate"),  # unknown user
    ("cory", "review.vote"),  # contributor
    ("alice", "org.add"),  # reviewer
    ("alice", "case.known_answer"),
    ("bob", "appeal.decide"),
    ("nina", "list.import_verified"),
    ("bob", "publish"),
])
def test_require_role_refuses_and_the_refusal_is_audited(store, who, action):
    world(store, accounts=0)
    with pytest.raises(PermissionDenied) as err:
        with store.session() as db:
            require_role(db, who, action, object_type="case", object_id=1)
    assert err.value.actor == who and err.value.action == action
    assert refusals(store) == [(who, action)]


def test_system_principals_only_where_the_table_allows(store):
    world(store, accounts=0)
    with store.session() as db:
        assert require_role(db, system("link"), "nominate").is_system
        with pytest.raises(PermissionDenied, match="automated actors may not"):
            require_role(db, system("link"), "review.vote")
        with pytest.raises(PermissionDenied, match="automated"):
            require_role(db, system("eval"), "list.import_verified")


def test_deactivated_users_are_refused(store):
    world(store, accounts=0)
    with store.session() as db:
        db.scalars(select(User).where(User.name == "alice")).one().active = False
    with pytest.raises(PermissionDenied, match="deactivated"):
        with store.session() as db:
            require_role(db, "alice", "review.vote")


def test_votes_self_review_and_wrong_roles_are_refused_and_audited(store):
    case_id = world(store, accounts=1)[0]
    ev = _post_evidence(store, case_id)
    vote = dict(verdict="confirm", category="propaganda", evidence_ids=ev)
    with pytest.raises(PermissionDenied, match="needs the role"):
        cast_vote(store, case_id, by_user="cory", **vote)
    with pytest.raises(PermissionDenied, match="own nomination"):
        cast_vote(store, case_id, by_user="nina", **vote)
    with pytest.raises(PermissionDenied, match="must cite"):
        cast_vote(store, case_id, by_user="alice", verdict="confirm", category="propaganda")
    cast_vote(store, case_id, by_user="alice", **vote)
    with pytest.raises(PermissionDenied, match="already voted"):
        cast_vote(store, case_id, by_user="alice", **vote)
    assert refusals(store) == [("cory", "review.vote"), ("nina", "review.vote"),
                               ("alice", "review.vote"), ("alice", "review.vote")]
    with store.session() as db:
        assert db.get(Case, case_id).state == "in_review"


def test_nominations_need_a_user_of_the_organisation(store):
    world(store, accounts=0)
    add_account(store, "100", "target0")
    with pytest.raises(PermissionDenied, match="not a member"):
        nominate(store, "x", "100", by_user="cory", org="OrgA", reason="r")  # cory is OrgC
    res = nominate(store, "x", "100", by_user="root", org="OrgA", reason="r")  # admins may
    assert res.case_created
    assert nominate(store, "x", "100", by_user=system("link"), reason="r", source="link").case_id \
        == res.case_id
    assert refusals(store) == [("cory", "nominate")]


def test_evidence_capture_known_answers_and_appeal_decisions_need_their_roles(store):
    case_id = world(store, accounts=1)[0]
    with pytest.raises(PermissionDenied):
        capture_post(store, case_id, "x:100001", by_user="ghost")
    with pytest.raises(PermissionDenied):
        set_known_answer(store, case_id, "confirm", by_user="bob")
    set_known_answer(store, case_id, "confirm", by_user="root")
    appeal = submit_appeal(store, "x:100", contact="a@example.org", text="mistake")
    with pytest.raises(PermissionDenied):
        decide_appeal(store, appeal["id"], by_user="bob", decision="delist", note="n")
    assert [a for _, a in refusals(store)] == ["evidence.capture", "case.known_answer",
                                               "appeal.decide"]


def test_organisations_and_users_only_by_admins_and_bootstrap_only_once(store):
    with pytest.raises(PermissionDenied, match="no user named 'nobody'"):
        orgs.add_org(store, "NewOrg", by_user="nobody")
    root = orgs.bootstrap_admin(store, "root", org="Admins")
    assert root.role == "admin"
    with pytest.raises(PermissionDenied, match="already has an admin"):
        orgs.bootstrap_admin(store, "eve", org="Evil")
    orgs.add_user(store, "rita", org="Admins", role="reviewer", by_user="root")
    with pytest.raises(PermissionDenied, match="needs the role admin"):
        orgs.add_org(store, "Other", by_user="rita")
    with pytest.raises(PermissionDenied, match="needs the role admin"):
        orgs.add_user(store, "rob", org="Admins", role="admin", by_user="rita")
    with store.session() as db:
        assert sorted(db.scalars(select(Organization.name))) == ["Admins"]
        assert sorted(db.scalars(select(User.name))) == ["rita", "root"]
    assert refusals(store) == [("nobody", "org.add"), ("eve", "admin.bootstrap"),
                               ("rita", "org.add"), ("rita", "user.add")]


def test_verified_list_import_needs_an_admin_and_an_existing_org(store, tmp_path):
    world(store, accounts=0)
    path = tmp_path / "l.txt"
    path.write_text("@one_acc\n")
    for by, org in (("nobody", "NewOrg"), ("nina", "OrgA")):
        with pytest.raises(PermissionDenied):
            import_list(store, path, org=org, verified=True, by_user=by)
    with pytest.raises(PermissionDenied, match="not a member"):
        import_list(store, path, org="OrgB", by_user="nina")  # nina is OrgA
    with pytest.raises(NotFound, match="organisation"):
        import_list(store, path, org="NewOrg", verified=True, by_user="root")
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(GroupList)) == 0
        assert db.scalar(select(Organization.id).where(Organization.name == "NewOrg")) is None
    import_list(store, path, org="OrgA", by_user="nina")
    import_list(store, path, org="OrgB", name="trusted", verified=True, by_user="root")
    assert [a for _, a in refusals(store)] == ["list.import_verified", "list.import_verified",
                                               "list.import"]


def test_failed_sign_ins_are_audited(store):
    orgs.bootstrap_admin(store, "root", org="OrgA", password="correct horse")
    assert orgs.check_password(store, "root", "correct horse").name == "root"
    assert orgs.check_password(store, "root", "wrong horse") is None
    assert orgs.check_password(store, "nobody", "whatever1") is None
    with store.session() as db:
        failed = db.scalars(select(AuditEntry).where(AuditEntry.action == "auth.failed")
                            .order_by(AuditEntry.id)).all()
        assert [(e.actor, e.details["reason"]) for e in failed] == [
            ("root", "bad password"), ("nobody", "unknown or inactive user, or no password set")]
        assert "horse" not in str([e.details for e in failed])


def test_cli_verified_import_by_nobody_is_refused(store, db_url, tmp_path, monkeypatch, capsys):
    import sys

    from hydrawatch.cli import main

    path = tmp_path / "l.txt"
    path.write_text("@one_acc\n")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["hydrawatch", "lists", "import", str(path), "--org",
                                      "NewOrg", "--verified", "--by", "nobody", "--db", db_url])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "no user named 'nobody'" in err and "Traceback" not in err
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 0
        assert db.scalar(select(func.count()).select_from(GroupList)) == 0
    assert refusals(store) == [("nobody", "list.import_verified")]


def test_a_refusal_caught_inside_the_transaction_is_still_audited(store):
    world(store, accounts=0)
    with store.session() as db:
        try:
            require_role(db, "cory", "publish")
        except PermissionDenied:
            pass  # e.g. a batch job that skips what it may not do and carries on
    assert refusals(store) == [("cory", "publish")]
