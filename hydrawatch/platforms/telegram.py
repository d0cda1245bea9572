"""Telegram: public usernames of 5-32 characters at ``t.me/name``. There is no public API
to report or check an account: reports go as a pack to the platform's abuse address."""

from __future__ import annotations

from hydrawatch.platforms.base import AccountRef, Platform, ProfileURL

HOSTS = ("t.me", "telegram.me")
ABUSE_ADDRESS = "abuse@telegram.org"


class TelegramPlatform(Platform):
    name = "telegram"
    max_handle_chars = 32
    url_precedence = 30
    report_channel = "pack"

    def parse_profile_url(self, url: ProfileURL) -> AccountRef | None:
        if url.host not in HOSTS or not url.segments:
            return None
        return AccountRef("telegram", handle=url.segments[0].lower().lstrip("@"))

    def profile_url(self, handle: str | None = None, account_id: str | None = None) -> str | None:
        return f"https://t.me/{handle}" if handle else None
