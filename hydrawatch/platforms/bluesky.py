"""Bluesky (AT Protocol): handles are domain names, ids are DIDs (``did:plc:…``,
``did:web:…``), posts are ``at://`` URIs.

Status checks and reports go through ``bluesky_client.py``.
"""

from __future__ import annotations

from typing import Mapping

from hydrawatch.platforms.base import AccountRef, Platform, ProfileURL

HOSTS = ("bsky.app", "staging.bsky.app")


class BlueskyPlatform(Platform):
    name = "bluesky"
    aliases = ("bsky",)
    max_handle_chars = 253
    url_precedence = 20
    report_channel = "api"

    def validate_id(self, value: str) -> str:
        super().validate_id(value)
        if not value.startswith("did:"):
            raise ValueError("must be a DID (did:...)")
        return value

    def parse_profile_url(self, url: ProfileURL) -> AccountRef | None:
        segs = url.segments
        if url.host not in HOSTS or len(segs) < 2 or segs[0] != "profile":
            return None
        ident = segs[1]
        if ident.startswith("did:"):
            return AccountRef("bluesky", account_id=ident)
        return AccountRef("bluesky", handle=ident.lower())

    def profile_url(self, handle: str | None = None, account_id: str | None = None) -> str | None:
        ident = account_id or handle
        return f"https://bsky.app/profile/{ident}" if ident else None

    def client(self, http, env: Mapping[str, str] | None = None):
        from hydrawatch.platforms.bluesky_client import BlueskyClient

        return BlueskyClient(http, self._env(env))
