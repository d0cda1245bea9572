"""One account syntax everywhere: PLATFORM:ID, PLATFORM:@handle, @handle, a profile URL;
unknown and ambiguous accounts are one clear error line."""

from __future__ import annotations

import json

import pytest

from hydrawatch.cli import main
from hydrawatch.errors import InputError, NotFound
from hydrawatch.ingest import ingest_paths
from hydrawatch.platforms import parse_account
from hydrawatch.verification.review import resolve_account
from tests.helpers import write_jsonl

T = "2026-03-01T00:00:00Z"
RECORDS = [
    {"kind": "account", "platform": "x", "id": "100", "handle": "Ember_Path", "observed_at": T},
    {"kind": "account", "platform": "x", "id": "200", "handle": "twice", "observed_at": T},
    {"kind": "account", "platform": "bluesky", "id": "did:plc:abc", "handle": "twice",
     "observed_at": T},
    {"kind": "account", "platform": "mastodon", "id": "9", "handle": "ana@example.social",
     "observed_at": T},
    {"kind": "post", "platform": "x", "id": "1001", "account_id": "100", "created_at": T,
     "text": "a post"},
]


@pytest.fixture
def world(store, tmp_path):
    ingest_paths(store, [write_jsonl(tmp_path / "w.jsonl", RECORDS)])
    return store


@pytest.mark.parametrize("spec, expected", [
    ("x:100", ("x", "100")),
    ("x:id:100", ("x", "100")),
    ("x:@ember_path", ("x", "100")),
    ("X:@EMBER_PATH", ("x", "100")),
    ("twitter:ember_path", ("x", "100")),
    ("@Ember_Path", ("x", "100")),
    ("ember_path", ("x", "100")),
    ("https://x.com/Ember_Path", ("x", "100")),
    ("https://twitter.com/ember_path/status/1001", ("x", "100")),
    ("x.com/ember_path", ("x", "100")),
    ("bluesky:did:plc:abc", ("bluesky", "did:plc:abc")),
    ("https://bsky.app/profile/twice", ("bluesky", "did:plc:abc")),
    ("bluesky:@twice", ("bluesky", "did:plc:abc")),
    ("x:@twice", ("x", "200")),
    ("@ana@example.social", ("mastodon", "9")),
    ("https://example.social/@ana", ("mastodon", "9")),
    ("mastodon:@ana@example.social", ("mastodon", "9")),
])
def test_every_form_names_the_account(world, spec, expected):
    with world.session(readonly=True) as db:
        assert resolve_account(db, spec) == expected


def test_a_handle_on_two_platforms_is_ambiguous_and_says_how_to_choose(world):
    with world.session(readonly=True) as db:
        with pytest.raises(InputError) as err:
            resolve_account(db, "@twice")
    assert "ambiguous" in str(err.value) and "bluesky:did:plc:abc" in str(err.value)
    assert "x:200" in str(err.value)


@pytest.mark.parametrize("spec, error, needle", [
    ("x:999", NotFound, "no account x:999"),
    ("@ghost", NotFound, "no account with handle @ghost"),
    ("nosuch:1", InputError, "unknown platform 'nosuch'"),
    ("https://example.org/", InputError, "not a profile URL"),
    ("", InputError, "no account given"),
    ("x:@not a handle", InputError, "is not a x handle"),
])
def test_unknown_and_malformed_accounts_are_clear_errors(world, spec, error, needle):
    with world.session(readonly=True) as db:
        with pytest.raises(error) as err:
            resolve_account(db, spec)
    assert needle in str(err.value)


def test_parse_needs_no_store():
    assert parse_account("@Someone").platform is None
    assert parse_account("t.me/some_channel").platform == "telegram"


def _cli(capsys, db_url, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main([*args, "--db", db_url])
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_taking_an_account_share_the_syntax(world, db_url, capsys):
    _cli(capsys, db_url, "user", "add", "root", "--org", "A", "--role", "admin")
    code, out, err = _cli(capsys, db_url, "nominate", "https://x.com/ember_path", "--by", "root",
                          "--reason", "fictional")
    assert code == 0 and "x:100" in out, err
    code, out, err = _cli(capsys, db_url, "cases", "--account", "@ember_path", "--format", "json")
    assert code == 0 and [c["account_id"] for c in json.loads(out)] == ["100"]
    code, out, err = _cli(capsys, db_url, "case", "show", "x:@ember_path", "--format", "json")
    assert code == 0 and json.loads(out)["account_id"] == "100"
    code, out, err = _cli(capsys, db_url, "evidence", "capture", "@ember_path", "--post", "x:1001",
                          "--by", "root")
    assert code == 0 and "evidence" in out, err
    code, out, err = _cli(capsys, db_url, "explain", "@ember_path")
    assert code == 0 and "x:100" in out
    code, out, err = _cli(capsys, db_url, "appeal", "submit", "x.com/ember_path", "--contact",
                          "me@example.org", "--text", "not me")
    assert code == 0 and "submitted" in out, err
    for args in (("explain", "@twice"), ("nominate", "@twice", "--by", "root", "--reason", "r"),
                 ("case", "show", "@twice")):
        code, out, err = _cli(capsys, db_url, *args)
        assert code == 1 and out == "" and len(err.splitlines()) == 1, (args, err)
        assert err.startswith("error: handle @twice is ambiguous"), err
    code, out, err = _cli(capsys, db_url, "families", "--account", "@ember_path", "--format", "json")
    assert code == 0 and json.loads(out) == [], err  # no re-entries in this world
    code, out, err = _cli(capsys, db_url, "explain", "x:@nobody")
    assert code == 1 and err.startswith("error: no account with handle @nobody on x")
