"""Organisations, users, Argon2 passwords, the rule file."""

from __future__ import annotations

import pytest

from hydrawatch.verification import people as orgs
from hydrawatch.errors import InputError, NotFound, PolicyError
from hydrawatch.verification.rules import load_rule, parse_rule


def test_users_and_passwords(store):
    orgs.bootstrap_admin(store, "root", org="OrgA")
    user = orgs.add_user(store, "ana", org="OrgA", role="reviewer", password="correct horse",
                         by_user="root")
    assert user.password_hash.startswith("$argon2")
    assert orgs.check_password(store, "ana", "correct horse").name == "ana"
    assert orgs.check_password(store, "ana", "wrong password") is None
    assert orgs.check_password(store, "nobody", "correct horse") is None
    listing = orgs.list_users(store, with_reliability=True)
    assert listing[0]["name"] == "ana" and listing[0]["can_login"] is True
    assert "argon2" not in str(listing) and "password_hash" not in str(listing)


@pytest.mark.parametrize("kwargs,exc,fragment", [
    ({"name": "x", "org": "Nope", "role": "reviewer"}, NotFound, "organisation"),
    ({"name": "x", "org": "OrgA", "role": "boss"}, InputError, "role"),
    ({"name": "x", "org": "OrgA", "role": "admin", "password": "short"}, InputError, "8"),
    ({"name": " ", "org": "OrgA", "role": "admin"}, InputError, "name"),
])
def test_bad_users(store, kwargs, exc, fragment):
    orgs.bootstrap_admin(store, "root", org="OrgA")
    with pytest.raises(exc, match=fragment):
        orgs.add_user(store, **kwargs, by_user="root")


def test_duplicates_refused(store):
    orgs.bootstrap_admin(store, "root", org="OrgA")
    with pytest.raises(InputError, match="exists"):
        orgs.add_org(store, "OrgA", by_user="root")
    orgs.add_user(store, "ana", org="OrgA", role="admin", by_user="root")
    with pytest.raises(InputError, match="exists"):
        orgs.add_user(store, "ana", org="OrgA", role="admin", by_user="root")


def test_default_rule_matches_design():
    rule = load_rule()
    assert (rule.quorum, rule.distinct_orgs, rule.escalation_reviewers) == (2, 2, 1)
    assert not rule.allow_self_review
    assert rule.requirement("propaganda").min == 1
    assert rule.requirement("unlisted").kinds == ()


@pytest.mark.parametrize("data,fragment", [
    ({"quorom": 2}, "unknown key 'quorom'"),
    ({"quorum": 0}, "quorum"),
    ({"quorum": 2, "distinct_orgs": 3}, "cannot exceed"),
    ({"evidence": {"threat": {"min": 1, "kinds": ["tweet"]}}}, "kinds"),
    ({"evidence": {"threat": {"mn": 1}}}, "unknown key 'mn'"),
    ({"default_reliability": 1.5}, "default_reliability"),
    ([1, 2], "mapping"),
])
def test_rule_validation(data, fragment):
    with pytest.raises(PolicyError, match=fragment):
        parse_rule(data)


def test_rule_file_json_and_yaml(tmp_path, monkeypatch):
    (tmp_path / "r.json").write_text('{"quorum": 3, "distinct_orgs": 2}')
    assert load_rule(tmp_path / "r.json").quorum == 3
    (tmp_path / "r.yaml").write_text("quorum: 4\ndistinct_orgs: 1\n")
    monkeypatch.setenv("HYDRAWATCH_RULES", str(tmp_path / "r.yaml"))
    assert load_rule().quorum == 4
    (tmp_path / "bad.yaml").write_text("quorum: [")
    with pytest.raises(PolicyError, match="YAML"):
        load_rule(tmp_path / "bad.yaml")
    with pytest.raises(PolicyError, match="cannot read"):
        load_rule(tmp_path / "missing.yaml")
