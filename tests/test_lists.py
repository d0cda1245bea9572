from pathlib import Path

import pytest
from sqlalchemy import select

from hydrawatch.errors import InputError
from hydrawatch.ingest import ingest_paths
from hydrawatch.ingest.lists import AccountRef, parse_ref, read_rows
from hydrawatch.verification.lists import import_list
from hydrawatch.store.schema import AuditEntry, Case, Nomination
from tests.helpers import counts, write_jsonl

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def people(request):
    """root bootstraps the store (org Admin) and adds the organisations the lists come from."""
    if "store" not in request.fixturenames:
        return
    from hydrawatch.verification import people as orgs

    store = request.getfixturevalue("store")
    with store.session() as db:
        orgs.bootstrap_admin(db, "root", org="Admin")
        for org in ("Careful NGO", "NGO", "O"):
            orgs.add_org(db, org, by_user="root")


@pytest.mark.parametrize("text, ref", [
    ("@Example_One", AccountRef("x", "example_one")),
    ("example_one", AccountRef("x", "example_one")),
    ("https://twitter.com/Example_One", AccountRef("x", "example_one")),
    ("twitter.com/example_one/", AccountRef("x", "example_one")),
    ("https://x.com/example_one/status/1720000000000000099?s=20", AccountRef("x", "example_one")),
    ("mobile.twitter.com/EXAMPLE_ONE", AccountRef("x", "example_one")),
    ("https://www.twitter.com/@example_one", AccountRef("x", "example_one")),
    ("https://twitter.com/intent/user?screen_name=example_one", AccountRef("x", "example_one")),
    ("https://twitter.com/i/user/1710000000000000007", AccountRef("x", account_id="1710000000000000007")),
    ("x:id:42", AccountRef("x", account_id="42")),
    ("twitter:@Example_One", AccountRef("x", "example_one")),
    ("@Alice@Social.Example", AccountRef("mastodon", "alice@social.example")),
    ("https://social.example/@bob", AccountRef("mastodon", "bob@social.example")),
    ("https://social.example/users/bob", AccountRef("mastodon", "bob@social.example")),
    ("https://bsky.app/profile/Carol.bsky.social", AccountRef("bluesky", "carol.bsky.social")),
    ("https://bsky.app/profile/did:plc:abc123", AccountRef("bluesky", account_id="did:plc:abc123")),
    ("https://t.me/some_channel", AccountRef("telegram", "some_channel")),
    ("not a handle at all!", None),
    ("https://twitter.com/search?q=x", None),
    ("this_handle_is_far_too_long", None),
])
def test_parse_ref_forms(text, ref):
    assert parse_ref(text) == ref


def test_text_list_with_bom_comments_blank_lines_keeps_row_numbers():
    rows = read_rows((FIX / "lists" / "messy.txt").read_bytes())
    assert [r.row for r in rows][:2] == [3, 4]  # BOM, comment and blank line skipped, rows counted
    assert rows[0].ref == AccountRef("x", "example_one")
    assert rows[-1].ref is None and rows[-1].problem


def test_csv_with_any_header_finds_the_account_column():
    rows = read_rows((FIX / "lists" / "with_header.csv").read_bytes())
    assert [r.ref.handle for r in rows] == ["example_one", "other"]
    assert [r.row for r in rows] == [2, 3]


def test_headerless_csv():
    rows = read_rows(b"1,@one_acc,hub\n2,two_acc,member\n")
    assert [r.ref.handle for r in rows] == ["one_acc", "two_acc"]


def test_import_resolves_known_accounts_and_keeps_provenance(store):
    ingest_paths(store, [FIX / "canonical" / "basic.jsonl"])
    s = import_list(store, FIX / "lists" / "messy.txt", org="Careful NGO", name="march", by_user="root")
    assert s.nominations == 10 and len(s.unreadable) == 1
    assert s.resolved == 2 and s.pending == 8  # @Example_One and other are in the store
    with store.session() as db:
        noms = db.scalars(select(Nomination).order_by(Nomination.row_number)).all()
        first = noms[0]
        assert (first.row_number, first.raw, first.source) == (3, "@Example_One", "list")
        assert first.account_id == "1710000000000000001" and first.case_id is not None
        assert first.org_id is not None and first.list_id == s.list_id and first.created_at
        states = {c.state for c in db.scalars(select(Case))}
    assert states == {"nominated"}
    c = counts(store)
    assert c["nominations"] == 10 and c["nominations_resolved"] == 2 and c["cases"] == 2


def test_pending_nominations_resolve_when_a_later_ingest_brings_the_account(store, tmp_path):
    import_list(store, FIX / "lists" / "messy.txt", org="NGO", by_user="root")
    assert counts(store)["nominations_resolved"] == 0
    write_jsonl(tmp_path / "later.jsonl", [
        {"kind": "account", "platform": "x", "id": "300", "handle": "Third_Acc"},
        {"kind": "account", "platform": "x", "id": "1710000000000000007", "handle": "seventh"},
        {"kind": "account", "platform": "mastodon", "id": "109", "handle": "alice@social.example"}])
    ingest_paths(store, [tmp_path / "later.jsonl"])
    c = counts(store)
    assert c["nominations_resolved"] == 3 and c["cases"] == 3


def test_verified_list_opens_verified_cases_and_is_audited(store):
    ingest_paths(store, [FIX / "canonical" / "basic.jsonl"])
    import_list(store, FIX / "lists" / "with_header.csv", org="Admin", verified=True,
                by_user="root")
    c = counts(store)
    assert c["verified_cases"] == 2
    with store.session() as db:
        actions = [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "list.import" in actions and "list.trusted" in actions


def test_reimport_is_a_no_op_and_a_changed_list_needs_a_new_name(store, tmp_path):
    path = tmp_path / "l.txt"
    path.write_text("@one_acc\n")
    import_list(store, path, org="O", by_user="root")
    again = import_list(store, path, org="O", by_user="root")
    assert again.already_imported and counts(store)["nominations"] == 1
    path.write_text("@one_acc\n@two_acc\n")
    with pytest.raises(InputError, match="another --name"):
        import_list(store, path, org="O", by_user="root")
    import_list(store, path, org="O", name="l-v2", by_user="root")
    assert counts(store)["nominations"] == 3


def test_invalid_utf8_list_names_the_line(store, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"@ok_one\n@bad\xff\n")
    with pytest.raises(InputError) as err:
        import_list(store, path, org="O", by_user="root")
    assert err.value.line == 2 and counts(store)["nominations"] == 0
