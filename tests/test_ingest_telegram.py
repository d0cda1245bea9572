"""Telegram Desktop exports -> canonical records (hydrawatch.ingest.telegram)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from hydrawatch.errors import RecordError
from hydrawatch.ingest import telegram
from tests.helpers import by_kind

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
CH = "1801234567"
GR = "1907654321"


def load(name: str):
    return json.loads((FIXTURES / name / "result.json").read_text(encoding="utf-8"))



@pytest.fixture
def channel():
    records = list(telegram.records(load("channel"), 1))
    return records, {r["id"]: r for r in by_kind(records, "post")}


def test_channel_export_gives_the_channel_and_its_messages(channel):
    records, posts = channel
    assert by_kind(records, "account") == [{
        "kind": "account", "platform": "telegram", "id": CH,
        "name": "Example Relay Channel", "extra": {"chat_type": "public_channel"}}]
    # message 1 is a service message (channel created): skipped
    assert sorted(posts) == [f"{CH}/{n}" for n in range(2, 7)]
    assert all(p["account_id"] == CH for p in posts.values())  # "channel<id>" -> "<id>"


def test_message_text_entities(channel):
    _, posts = channel
    post = posts[f"{CH}/2"]
    assert post["platform"] == "telegram"
    assert post["text"] == ("Release 5 #ExampleTag\nBackup: @ex_relay_backup — mirror "
                            "https://mirror.example.net/5")
    assert post["created_at"] == "2026-03-01T13:00:00Z"  # from date_unixtime, in UTC
    assert post["hashtags"] == ["ExampleTag"]
    assert post["mentions"] == [{"id": None, "handle": "ex_relay_backup"}]
    assert post["urls"] == ["https://mirror.example.net/5"]
    assert post["media"] == [{"url": "photos/photo_2@01-03-2026_14-00-00.jpg", "type": "photo"}]
    assert post["extra"] == {"chat_id": CH}


def test_text_link_reply_and_forwards(channel):
    _, posts = channel
    assert posts[f"{CH}/3"]["text"] == "Read before it is removed here"
    assert posts[f"{CH}/3"]["urls"] == ["https://files.example.net/r/5"]
    assert posts[f"{CH}/3"]["reply_to"] == {"post_id": f"{CH}/2", "account_id": CH}
    forwarded = posts[f"{CH}/4"]
    assert forwarded["reshare_of"] == {"post_id": None, "account_id": "1809999999"}
    assert forwarded["extra"]["forwarded_from"] == "Example Media Office"
    unknown = posts[f"{CH}/5"]  # forwarded from a name only: kept as extra, no reshare
    assert "reshare_of" not in unknown
    assert unknown["extra"]["forwarded_from"] == "Unknown supporter"
    assert unknown["media"] == [{"type": "video_file"}]  # file not included in the export
    assert "text" not in unknown
    assert posts[f"{CH}/6"]["extra"]["author"] == "Admin"


def test_full_export_skips_private_chats_and_reads_groups_and_left_chats():
    records = list(telegram.records(load("full_export"), 1))
    posts = {r["id"]: r for r in by_kind(records, "post")}
    assert sorted(posts) == sorted([f"{GR}/10", f"{GR}/11", f"{GR}/13", "1700000001/7"])
    accounts = {r["id"]: r for r in by_kind(records, "account")}
    assert accounts == {
        "5550001": {"kind": "account", "platform": "telegram", "id": "5550001",
                    "name": "Supporter One"},
        "5550002": {"kind": "account", "platform": "telegram", "id": "5550002",
                    "name": "Supporter Two"},
        "1700000001": {"kind": "account", "platform": "telegram", "id": "1700000001",
                       "name": "Old Relay", "extra": {"chat_type": "public_channel"}},
    }
    reply = posts[f"{GR}/11"]
    assert reply["account_id"] == "5550002"
    assert reply["reply_to"] == {"post_id": f"{GR}/10", "account_id": "5550001"}
    assert reply["mentions"] == [{"id": "5550001", "handle": None},
                                 {"id": None, "handle": "example_relay"}]
    assert reply["extra"]["chat_name"] == "Example Supporters Group"
    assert posts[f"{GR}/13"]["text"] == "thanks"


def test_text_forms_without_text_entities():
    chat = {"name": "c", "type": "public_channel", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2026-03-01T10:00:00", "from_id": "channel5",
         "text": ["a ", {"type": "hashtag", "text": "#x"}, {"type": "italic", "text": "b"}]},
        {"id": 2, "type": "message", "date": "2026-03-01T10:00:00", "from_id": "channel5",
         "text": "plain #notparsed"},
        {"id": 3, "type": "message", "date": "2026-03-01T10:00:00", "text": None}]}
    posts = by_kind(list(telegram.records(chat, 1)), "post")
    assert [(p["text"] if "text" in p else None, p["hashtags"]) for p in posts] == [
        ("a #xb", ["x"]), ("plain #notparsed", []), (None, [])]
    assert posts[2]["account_id"] == "5"  # a channel post without from_id is the channel's
    assert posts[0]["created_at"] == "2026-03-01T10:00:00Z"  # no unixtime: date taken as UTC


def test_reply_to_another_chat():
    chat = {"name": "c", "type": "public_supergroup", "id": 5, "messages": [
        {"id": 1, "type": "message", "date_unixtime": "1772370000", "from_id": "user9",
         "text": "x", "reply_to_message_id": 77, "reply_to_peer_id": "channel6"}]}
    (post,) = by_kind(list(telegram.records(chat, 1)), "post")
    assert post["reply_to"] == {"post_id": "6/77", "account_id": None}


def test_peer_id():
    assert telegram.peer_id("channel1801234567", "x", 1) == "1801234567"
    assert telegram.peer_id("user42", "x", 1) == "42"
    assert telegram.peer_id(1801234567, "x", 1) == "1801234567"
    with pytest.raises(RecordError, match="not a Telegram peer id"):
        telegram.peer_id("someone", "from_id", 1)


MESSAGE = {"id": 1, "type": "message", "date": "2026-03-01T10:00:00",
           "date_unixtime": "1772359200", "from": "u", "from_id": "user9", "text": "x"}


@pytest.mark.parametrize("mutate, reason", [
    (lambda m: m.pop("id"), "message without id"),
    (lambda m: m.update(id=1.5), "message.id must be a string, not a number"),
    (lambda m: m.pop("from_id"), "message 5/1 without from_id"),
    (lambda m: m.update(from_id="bogus"), "from_id is not a Telegram peer id"),
    (lambda m: m.update(from_id=["user9"]), "from_id must be a string"),
    (lambda m: (m.pop("date"), m.pop("date_unixtime")), "message 5/1 without date"),
    (lambda m: m.update(date_unixtime="soon"), "date_unixtime must be a number of seconds"),
    (lambda m: m.update(text=5, text_entities=None), "text must be a string or a list"),
    (lambda m: m.update(text_entities=[3]), "text piece must be an object"),
    (lambda m: m.update(text_entities=[{"type": "mention_name", "text": "n", "user_id": "x"}]),
     "mention user_id is not a Telegram peer id"),
    (lambda m: m.update(reply_to_message_id=[1]), "reply_to_message_id must be a string"),
    (lambda m: m.update(photo=1), "photo must be a string"),
])
def test_bad_messages_raise_record_errors(mutate, reason):
    message = copy.deepcopy(MESSAGE)
    mutate(message)
    chat = {"name": "g", "type": "public_supergroup", "id": 5, "messages": [message]}
    with pytest.raises(RecordError) as info:
        list(telegram.records(chat, 1))
    assert reason in info.value.reason


@pytest.mark.parametrize("value, reason", [
    ([3], "Telegram export must be an object"),
    ("x", "Telegram export must be an object"),
    ({"name": "c", "type": "public_channel", "messages": []}, "chat without id"),
    ({"name": "c", "type": "public_channel", "id": 1, "messages": {}}, "messages must be a list"),
    ({"chats": {"list": [1]}}, "chats.list item must be an object"),
    ({"about": "x"}, "not a Telegram export"),
])
def test_bad_exports(value, reason):
    with pytest.raises(RecordError) as info:
        list(telegram.records(value, 1))
    assert reason in info.value.reason


def test_sniff():
    assert telegram.sniff(load("channel"))
    assert telegram.sniff(load("full_export"))
    assert not telegram.sniff({"messages": []})
    assert not telegram.sniff({"kind": "post", "messages": [], "id": 1, "type": "x"})
    assert not telegram.sniff([{"messages": []}])
    assert telegram.sniff([load("channel")])
    records = list(telegram.records([load("channel"), load("full_export")], 1))
    assert len([r for r in records if r["kind"] == "post"]) == 9
