"""Mastodon (and the fediverse servers speaking its API): handles are ``user@instance``;
ids are per instance, so an account is looked up by its full handle on the server asked.

Status checks and reports go through ``mastodon_client.py``.
"""

from __future__ import annotations

import re
from typing import Mapping

from hydrawatch.platforms.base import AccountRef, Platform, ProfileURL

USERNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$")


class MastodonPlatform(Platform):
    name = "mastodon"
    url_precedence = 90  # any domain can be an instance: match URLs last
    report_channel = "api"

    def split(self, handle: str) -> tuple[str, str] | None:
        """``(user, instance)`` of a full handle, or None."""
        user, at, domain = handle.lstrip("@").partition("@")
        return (user, domain) if at and user and domain else None

    def ref(self, user: str, domain: str) -> AccountRef | None:
        domain = domain.lower().strip("/")
        if USERNAME.match(user) and DOMAIN.match(domain):
            return AccountRef("mastodon", handle=f"{user.lower()}@{domain}")
        return None

    def valid_handle(self, handle: str) -> bool:
        """A full ``user@instance``, or a bare ``user``: an instance's own accounts carry
        no domain in its API (``acct``), so a store may hold them so."""
        parts = self.split(handle)
        if parts is None:
            return "@" not in handle.lstrip("@") and bool(USERNAME.match(handle.lstrip("@")))
        return self.ref(*parts) is not None

    def handle_ref(self, text: str) -> AccountRef | None:
        parts = self.split(text.strip())
        return self.ref(*parts) if parts else None

    def parse_profile_url(self, url: ProfileURL) -> AccountRef | None:
        segs = url.segments
        if not (url.host and DOMAIN.match(url.host) and segs):
            return None
        if segs[0].startswith("@") and len(segs[0]) > 1:
            user = segs[0][1:]
            if "@" in user:  # a remote account seen through another instance
                u, _, d = user.partition("@")
                return self.ref(u, d)
            return self.ref(user, url.host)
        if segs[0] == "users" and len(segs) >= 2:
            return self.ref(segs[1], url.host)
        return None

    def profile_url(self, handle: str | None = None, account_id: str | None = None) -> str | None:
        parts = self.split(handle) if handle else None
        return f"https://{parts[1]}/@{parts[0]}" if parts else None

    def client(self, http, env: Mapping[str, str] | None = None):
        from hydrawatch.platforms.mastodon_client import MastodonClient

        return MastodonClient(http, self._env(env))
