"""Mastodon Status/Account entities -> canonical records (hydrawatch.ingest.mastodon)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hydrawatch.errors import RecordError
from hydrawatch.ingest import mastodon
from tests.helpers import by_kind, load_json

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
A1, A2, A3 = "110000000000000001", "110000000000000002", "110000000000000003"
S1, S2, S3, S4 = ("113100000000000001", "113100000000000002", "113100000000000003",
                  "113100000000000004")


def load(name: str):
    return load_json(FIXTURES / name)



@pytest.fixture
def statuses():
    records = list(mastodon.records(load("account_statuses.json"), 1))
    return records, {r["id"]: r for r in by_kind(records, "post")}, {
        r["id"]: r for r in by_kind(records, "account")}


def test_array_gives_each_status_and_account_once(statuses):
    records, posts, accounts = statuses
    assert sorted(posts) == [S1, S2, S3, S4]
    assert len(by_kind(records, "post")) == 4  # boosted/quoted copies of S1 folded in
    assert sorted(accounts) == [A1, A2, A3]
    assert len(by_kind(records, "account")) == 3


def test_status_html_becomes_text(statuses):
    _, posts, _ = statuses
    post = posts[S1]
    assert post["platform"] == "mastodon"
    assert post["account_id"] == A1
    assert post["created_at"] == "2026-03-01T10:00:00Z"
    assert post["text"] == "New release is out #ExampleTag & more:\nhttps://files.example.net/r/2"
    assert post["lang"] == "en"
    assert post["hashtags"] == ["exampletag"]
    assert post["urls"] == ["https://files.example.net/r/2"]
    assert post["media"] == [{
        "url": "https://social.example/system/media_attachments/files/22/original/poster.jpg",
        "type": "image"}]
    assert post["extra"]["url"] == "https://social.example/@relay_office/" + S1


def test_boost_is_a_reshare(statuses):
    _, posts, accounts = statuses
    boost = posts[S2]
    assert boost["account_id"] == A2
    assert boost["reshare_of"] == {"post_id": S1, "account_id": A1}
    assert "text" not in boost  # a boost has no content of its own
    assert accounts[A2]["handle"] == "booster@other.example"  # remote acct kept


def test_reply_and_mentions(statuses):
    _, posts, _ = statuses
    assert posts[S3]["reply_to"] == {"post_id": S1, "account_id": A1}
    assert posts[S3]["mentions"] == [{"id": A1, "handle": "relay_office@social.example"}]
    assert posts[S3]["text"] == "@relay_office thank you, sharing everywhere"


def test_quote_mentions_local_acct_and_links(statuses):
    _, posts, _ = statuses
    post = posts[S4]
    assert post["quote_of"] == {"post_id": S1, "account_id": A1}
    # a local acct ("relay_office") gets the domain of the mention's profile URL
    assert post["mentions"] == [{"id": A1, "handle": "relay_office@social.example"}]
    assert post["urls"] == ["https://research.example.org/reports/7"]  # mention link excluded
    assert post["extra"]["spoiler_text"] == "extremism"
    assert post["extra"]["sensitive"] is True


def test_account_fields(statuses):
    _, _, accounts = statuses
    one = accounts[A1]
    assert one["handle"] == "relay_office@social.example"
    assert one["name"] == "Relay Office"
    assert one["bio"] == "Updates and releases. #ExampleTag"
    assert one["created_at"] == "2025-12-01T00:00:00Z"
    assert (one["followers"], one["following"], one["posts"]) == (310, 4, 120)
    assert one["url"] == "https://social.example/@relay_office"
    assert one["extra"]["avatar"].endswith("/a.png")
    assert one["extra"]["fields"] == {"Mirror": "https://mirror.example.net"}
    assert one["extra"]["locked"] is False
    assert accounts[A3]["bio"] == (
        "Researcher. I document extremist propaganda so you don't have to.\nViews my own.")


def test_accounts_jsonl_moved_and_suspended():
    lines = load("accounts.jsonl")
    moved = list(mastodon.records(lines[0], 1))
    old, new = by_kind(moved, "account")
    assert old["id"] == "110000000000000004"
    assert old["extra"]["moved_to"] == {"id": "110000000000000005",
                                        "handle": "relay_office2@other.example"}
    assert new["handle"] == "relay_office2@other.example"
    suspended = list(mastodon.records(lines[1], 2))
    assert by_kind(suspended, "status") == [{
        "kind": "status", "platform": "mastodon", "id": "110000000000000006",
        "handle": "gone_account@social.example", "status": "suspended"}]


def test_abbreviated_embedded_copy_never_overrides_the_full_status():
    full = load("account_statuses.json")[0]
    booster = load("account_statuses.json")[1]["account"]
    short = {"id": full["id"], "created_at": full["created_at"], "content": "<p>x</p>",
             "account": {"id": full["account"]["id"], "username": "relay_office",
                         "acct": "relay_office"}, "tags": []}
    boost = {"id": "9", "created_at": "2026-03-02T00:00:00Z", "content": "", "account": booster,
             "reblog": short}
    records = list(mastodon.records([boost, full], 1))
    (original,) = [r for r in records if r["kind"] == "post" and r["id"] == full["id"]]
    assert original["hashtags"] == ["exampletag"]
    assert original["text"].startswith("New release")


def test_wrappers_search_and_context():
    status = load("account_statuses.json")[2]
    account = load("accounts.jsonl")[2]
    search = {"accounts": [account], "statuses": [status], "hashtags": []}
    assert mastodon.sniff(search)
    kinds = [r["kind"] for r in mastodon.records(search, 1)]
    assert kinds.count("post") == 1 and kinds.count("account") == 2  # booster, watcher
    context = {"ancestors": [], "descendants": [status]}
    assert mastodon.sniff(context)
    assert [r["id"] for r in mastodon.records(context, 1) if r["kind"] == "post"] == [S3]


def test_html_to_text_is_inert_and_readable():
    text, links = mastodon.html_to_text(
        '<p>one<br/>two &lt;b&gt; &#x27;q&#x27;</p><p><script>alert("x")</script>'
        '<style>p{}</style><a href="javascript:alert(1)">bad</a> '
        '<a href="https://a.example/x?y=1&amp;z=2">link</a></p>')
    assert text == "one\ntwo <b> 'q'\n\nbad link"
    assert links == ["https://a.example/x?y=1&z=2"]  # only http(s) links
    assert mastodon.html_to_text("plain &amp; simple")[0] == "plain & simple"
    assert mastodon.html_to_text("")[0] == ""


def test_full_handle_forms():
    def handle(**account):
        return mastodon.full_handle(account, "account", 1)
    assert handle(acct="a@remote.example", url="https://home.example/@a") == "a@remote.example"
    assert handle(acct="a", url="https://home.example/@a") == "a@home.example"
    assert handle(acct="@a", url="https://home.example/@a") == "a@home.example"
    assert handle(username="a", uri="https://home.example/users/a") == "a@home.example"
    assert handle(acct="a") == "a"
    assert handle() is None


STATUS = {"id": "1", "created_at": "2026-03-01T00:00:00Z", "content": "<p>x</p>",
          "account": {"id": "2", "username": "u", "acct": "u"}}


@pytest.mark.parametrize("mutate, reason", [
    (lambda s: s.pop("id"), "status without id"),
    (lambda s: s.update(id=1.5), "status.id must be a string, not a number"),
    (lambda s: s.update(account=None), "status 1 without account"),
    (lambda s: s.update(account="u"), "status 1.account must be an object"),
    (lambda s: s["account"].pop("id"), "account without id"),
    (lambda s: s.pop("created_at"), "status 1 without created_at"),
    (lambda s: s.update(content=["x"]), "status 1.content must be a string"),
    (lambda s: s.update(mentions=[{"acct": "x"}]), "mentions item without id"),
    (lambda s: s.update(tags="x"), "status 1.tags must be a list"),
    (lambda s: s.update(reblog={"id": "3", "content": ""}), "reblog.account must be an object"),
    (lambda s: s.update(in_reply_to_id={"id": 1}), "in_reply_to_id must be a string"),
    (lambda s: s["account"].update(followers_count="10"), "followers_count must be an integer"),
    (lambda s: s["account"].update(moved="x"), "moved must be an account object"),
])
def test_bad_statuses_raise_record_errors(mutate, reason):
    status = copy.deepcopy(STATUS)
    mutate(status)
    with pytest.raises(RecordError) as info:
        list(mastodon.records([status], 4))
    assert reason in info.value.reason
    assert info.value.line == 4


def test_unknown_entity_is_an_error():
    with pytest.raises(RecordError, match="neither a Mastodon Status"):
        list(mastodon.records([{"id": "1"}], 1))
    with pytest.raises(RecordError, match="must be an object"):
        list(mastodon.records([3], 1))


def test_sniff():
    assert mastodon.sniff(load("account_statuses.json"))
    assert all(mastodon.sniff(line) for line in load("accounts.jsonl"))
    assert mastodon.sniff(STATUS)
    assert not mastodon.sniff([])
    assert not mastodon.sniff([1])
    assert not mastodon.sniff({"kind": "account", "acct": "a", "username": "a"})
    assert not mastodon.sniff({"did": "did:plc:x", "handle": "a.bsky.social"})
    assert not mastodon.sniff({"data": [], "meta": {}})
