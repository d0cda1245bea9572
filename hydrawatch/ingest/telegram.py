"""Telegram Desktop exports (``result.json``, "Export chat history" as JSON).

A file is one chat (``{"name", "type", "id", "messages": [...]}``) or a full account export
(``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``).

- a channel (``public_channel``/``private_channel``) -> ``account`` (id = the chat id as a
  string, name; the export has no @username, so the handle stays unknown);
- a message -> ``post`` with id ``"<chat id>/<message id>"`` (message ids are per chat),
  author from ``from_id`` with its ``channel``/``user``/``chat`` prefix removed (so a
  channel's own posts carry the channel's account id), text flattened from its pieces,
  hashtags, mentions and links from the text entities, ``reply_to_message_id`` ->
  ``reply_to``, ``forwarded_from_id`` (newer exports) -> ``reshare_of``; the forwarded-from
  name alone is kept in ``extra``;
- senders of group messages -> ``account`` (id and display name).

Service messages (joins, pins...) are skipped, and so are one-to-one chats, bot chats and
Saved Messages: they are private correspondence, not public posting.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import SourceFormat
from hydrawatch.ingest.fields import (
    as_id,
    as_time,
    compact,
    dedupe,
    need_dict,
    need_id,
    opt_dict,
    opt_list,
    opt_str,
)

NAME = "telegram"
JSONL = False
PLATFORM = "telegram"

CHANNEL_TYPES = {"public_channel", "private_channel"}
PRIVATE_TYPES = {"personal_chat", "bot_chat", "saved_messages"}
_PEER = re.compile(r"^(channel|user|chat|group)?(-?\d+)$")


def sniff(value: Any) -> bool:
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, dict) or "kind" in value:
        return False
    if isinstance(value.get("messages"), list) and "id" in value and "type" in value:
        return True
    chats = value.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def records(value: Any, line: int) -> Iterator[dict]:
    """Records of one export, or of each export of a JSON array of them."""
    for export in value if isinstance(value, list) else [value]:
        yield from _export_records(need_dict(export, "Telegram export", line), line)


def _export_records(export: dict, line: int) -> Iterator[dict]:
    if "messages" in export:
        yield from _chat(export, line)
        return
    found = False
    for key in ("chats", "left_chats"):
        section = opt_dict(export, key, "export", line)
        for chat in opt_list(section, "list", f"export.{key}", line):
            found = True
            yield from _chat(need_dict(chat, f"{key}.list item", line), line)
    if not found and "chats" not in export:
        raise RecordError("not a Telegram export: neither messages nor chats.list", line=line)


def peer_id(value: Any, what: str, line: int) -> str:
    """``"channel1234"``, ``"user56"`` or a bare number -> ``"1234"``, ``"56"``."""
    raw = as_id(value, what, line)
    match = _PEER.match(raw.strip())
    if not match:
        raise RecordError(f"{what} is not a Telegram peer id: {raw[:40]!r}", line=line)
    return match.group(2)


def _chat(chat: dict, line: int) -> Iterator[dict]:
    chat_type = opt_str(chat, "type", "chat", line)
    if chat_type in PRIVATE_TYPES:
        return
    if chat.get("id") is None:
        raise RecordError("chat without id", line=line)
    chat_id = peer_id(chat["id"], "chat id", line)
    chat_name = opt_str(chat, "name", f"chat {chat_id}", line)
    is_channel = chat_type in CHANNEL_TYPES
    seen_accounts: set[str] = set()
    if is_channel:
        seen_accounts.add(chat_id)
        yield compact({"kind": "account", "platform": PLATFORM, "id": chat_id,
                       "handle": opt_str(chat, "username", f"chat {chat_id}", line),
                       "name": chat_name, "extra": {"chat_type": chat_type}})
    authors: dict[str, str] = {}  # message id -> author account id, for replies
    for message in opt_list(chat, "messages", f"chat {chat_id}", line):
        message = need_dict(message, f"chat {chat_id} message", line)
        if message.get("type", "message") != "message":
            continue
        post = _post(message, chat_id, chat_name, chat_type, is_channel, authors, line)
        account_id = post["account_id"]
        if account_id not in seen_accounts:
            seen_accounts.add(account_id)
            name = message.get("from")
            yield compact({"kind": "account", "platform": PLATFORM, "id": account_id,
                           "name": name if isinstance(name, str) else None})
        yield post


def _post(message: dict, chat_id: str, chat_name: str | None, chat_type: str | None,
          is_channel: bool, authors: dict, line: int) -> dict:
    message_id = need_id(message, "id", f"chat {chat_id} message", line)
    what = f"message {chat_id}/{message_id}"
    if message.get("from_id") is not None:
        account_id = peer_id(message["from_id"], f"{what}.from_id", line)
    elif is_channel:
        account_id = chat_id  # a channel's own post in an export that omits from_id
    else:
        raise RecordError(f"{what} without from_id", line=line)
    authors[message_id] = account_id
    created_at = as_time(_unixtime(message, what, line), f"{what}.date_unixtime", line) \
        or as_time(message.get("date"), f"{what}.date", line)
    if created_at is None:
        raise RecordError(f"{what} without date", line=line)
    text, hashtags, mentions, urls = _text(message, what, line)
    post = {
        "kind": "post", "platform": PLATFORM, "id": f"{chat_id}/{message_id}",
        "account_id": account_id, "created_at": created_at, "text": text or None,
        "hashtags": hashtags, "mentions": mentions, "urls": urls,
        "media": _media(message, what, line),
    }
    if message.get("reply_to_message_id") is not None:
        reply_id = as_id(message["reply_to_message_id"], f"{what}.reply_to_message_id", line)
        reply_chat = chat_id
        if message.get("reply_to_peer_id") is not None:
            reply_chat = peer_id(message["reply_to_peer_id"], f"{what}.reply_to_peer_id", line)
        post["reply_to"] = {"post_id": f"{reply_chat}/{reply_id}",
                            "account_id": authors.get(reply_id) if reply_chat == chat_id
                            else None}
    extra: dict[str, Any] = {"chat_id": chat_id}
    if chat_name and not is_channel:
        extra["chat_name"] = chat_name
        extra["chat_type"] = chat_type
    forwarded = opt_str(message, "forwarded_from", what, line) or opt_str(
        message, "saved_from", what, line)
    if forwarded:
        extra["forwarded_from"] = forwarded
    forwarded_id = message.get("forwarded_from_id") or message.get("saved_from_id")
    if forwarded_id is not None:
        post["reshare_of"] = {"post_id": None,
                              "account_id": peer_id(forwarded_id, f"{what}.forwarded_from_id",
                                                    line)}
    for key in ("author", "via_bot", "edited"):
        value = opt_str(message, key, what, line)
        if value:
            extra[key] = value
    post["extra"] = extra
    return compact(post)


def _unixtime(message: dict, what: str, line: int) -> int | None:
    value = message.get("date_unixtime")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise RecordError(f"{what}.date_unixtime must be a number of seconds", line=line)


def _text(message: dict, what: str, line: int):
    """Plain text, hashtags, mentions and links. ``text_entities`` (every recent export)
    or else the pieces of a list-valued ``text``; a plain string text has no entities."""
    pieces = message.get("text_entities")
    if pieces is None:
        pieces = message.get("text", "")
    if pieces is None:
        pieces = ""
    if isinstance(pieces, str):
        return pieces, [], [], []
    if not isinstance(pieces, list):
        raise RecordError(f"{what}.text must be a string or a list", line=line)
    parts: list[str] = []
    hashtags: list[str] = []
    mentions: list[dict] = []
    urls: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        piece = need_dict(piece, f"{what}.text piece", line)
        kind = opt_str(piece, "type", f"{what}.text piece", line) or "plain"
        text = opt_str(piece, "text", f"{what}.text piece", line) or ""
        parts.append(text)
        if kind == "hashtag" and text.lstrip("#"):
            hashtags.append(text.lstrip("#"))
        elif kind == "mention" and text.lstrip("@"):
            mentions.append({"id": None, "handle": text.lstrip("@")})
        elif kind == "mention_name" and piece.get("user_id") is not None:
            mentions.append({"id": peer_id(piece["user_id"], f"{what} mention user_id", line),
                             "handle": None})
        elif kind == "link" and text:
            urls.append(text)
        elif kind == "text_link":
            href = opt_str(piece, "href", f"{what}.text piece", line)
            if href:
                urls.append(href)
    unique, seen = [], set()
    for mention in mentions:
        key = (mention["id"], (mention["handle"] or "").lower())
        if key not in seen:
            seen.add(key)
            unique.append(mention)
    return "".join(parts), dedupe(hashtags), unique, dedupe(urls)


def _media(message: dict, what: str, line: int) -> list[dict]:
    """Attached files as the export names them (paths relative to the export folder; the
    export says "(File not included...)" when media were not downloaded)."""
    out = []
    photo = opt_str(message, "photo", what, line)
    if photo:
        out.append(compact({"url": None if photo.startswith("(") else photo, "type": "photo"}))
    file = opt_str(message, "file", what, line)
    media_type = opt_str(message, "media_type", what, line)
    if file or media_type:
        out.append(compact({"url": None if not file or file.startswith("(") else file,
                            "type": media_type or "file"}))
    return out


class TelegramFormat(SourceFormat):
    """Telegram Desktop exports (this module's ``sniff`` and ``records``)."""

    NAME = NAME
    JSONL = JSONL
    PRIORITY = 50

    def sniff(self, value: Any) -> bool:
        return sniff(value)

    def records(self, value: Any, line: int) -> Iterator[dict]:
        return records(value, line)
