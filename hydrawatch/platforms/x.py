"""X (formerly Twitter): handles of 1-15 letters, digits and underscores; numeric ids.

Status checks go through the v2 user lookup (``x_client.py``). X v2 has no report
endpoint: reports to X are packs for its trusted-flagger or legal channel.
"""

from __future__ import annotations

import re
from typing import Mapping

from hydrawatch.platforms.base import AccountRef, Platform, ProfileURL

HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com", "www.twitter.com",
         "www.x.com", "m.twitter.com", "fxtwitter.com", "vxtwitter.com", "nitter.net"}
RESERVED = {"i", "intent", "home", "search", "hashtag", "share", "explore", "settings",
            "messages", "notifications", "login", "signup", "tos", "privacy", "status"}
HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
NUMERIC_ID = re.compile(r"^[0-9]{1,20}$")


class XPlatform(Platform):
    name = "x"
    aliases = ("twitter",)
    max_handle_chars = 15
    url_precedence = 10
    report_channel = "pack"

    def valid_handle(self, handle: str) -> bool:
        return bool(HANDLE.match(handle))

    def handle_ref(self, text: str) -> AccountRef | None:
        handle = text.strip().lstrip("@")
        return AccountRef("x", handle=handle.lower()) if HANDLE.match(handle) else None

    def validate_id(self, value: str) -> str:
        super().validate_id(value)
        if not NUMERIC_ID.match(value):
            raise ValueError("must be a numeric X id")
        return value

    def parse_profile_url(self, url: ProfileURL) -> AccountRef | None:
        if url.host not in HOSTS:
            return None
        segs = list(url.segments)
        if segs[:2] in (["intent", "user"], ["intent", "follow"]):
            if url.query.get("user_id"):
                return AccountRef("x", account_id=url.query["user_id"][0])
            name = (url.query.get("screen_name") or [""])[0]
            return AccountRef("x", handle=name.lower()) if HANDLE.match(name) else None
        if len(segs) >= 3 and segs[0] == "i" and segs[1] == "user" and segs[2].isdigit():
            return AccountRef("x", account_id=segs[2])
        if segs and segs[0].lower() not in RESERVED:
            name = segs[0].lstrip("@")
            return AccountRef("x", handle=name.lower()) if HANDLE.match(name) else None
        return None

    def profile_url(self, handle: str | None = None, account_id: str | None = None) -> str | None:
        if handle:
            return f"https://x.com/{handle}"
        if account_id:
            return f"https://x.com/i/user/{account_id}"
        return None

    def client(self, http, env: Mapping[str, str] | None = None):
        from hydrawatch.platforms.x_client import XClient

        return XClient(http, self._env(env))
