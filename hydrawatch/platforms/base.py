"""What every platform owns: its name, handle rules, id rules and profile URLs.

    Platform                      one instance per platform, registered by name
    ├── normalize_handle()        the form ``accounts.handle_norm`` holds
    ├── handle_ref()              a bare handle typed by a person -> AccountRef or None
    ├── validate_id()             an id as the platform writes it, or ValueError
    ├── parse_profile_url()       a profile URL (already split) -> AccountRef or None
    └── profile_url()             the public profile URL of an account

Report and track adapters hang off the same object (``client()``), so adding a platform is
one new module and one entry point in ``pyproject.toml``.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Mapping

if TYPE_CHECKING:  # clients import httpx; identity checks must stay light
    import httpx

    from hydrawatch.platforms.client import PlatformClient

MAX_ID_CHARS = 128  # the width of every id column in the schema


@dataclass(frozen=True)
class AccountRef:
    """An account named by handle or id (or both). ``handle`` is normalised: lowercase, no
    '@' (Mastodon: ``user@instance``)."""

    platform: str
    handle: str | None = None
    account_id: str | None = None

    def __str__(self) -> str:
        if self.account_id:
            return f"{self.platform}:{self.account_id}"
        return f"{self.platform}:@{self.handle}"


@dataclass(frozen=True)
class ProfileURL:
    """A URL split once, handed to every platform in turn."""

    host: str          # lowercase, no port
    segments: tuple[str, ...]
    query: Mapping[str, list[str]]


def norm_handle(handle: str | None) -> str | None:
    """The generic normal form: trimmed, no leading '@', lowercase; None for nothing."""
    if not handle:
        return None
    return handle.strip().lstrip("@").lower() or None


class Platform(ABC):
    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()   # other names people write (``twitter:``)
    max_handle_chars: ClassVar[int] = 255
    # Lower goes first when a URL is matched: a platform that claims any domain (Mastodon)
    # must come after the ones with fixed hosts.
    url_precedence: ClassVar[int] = 50
    # "api": reports go through the platform's report endpoint; "pack": a report pack for a
    # trusted-flagger, legal or abuse channel, marked sent by a person.
    report_channel: ClassVar[str] = "pack"

    def __repr__(self) -> str:
        return f"<platform {self.name}>"

    # -- handles ---------------------------------------------------------------------------
    def normalize_handle(self, handle: str | None) -> str | None:
        return norm_handle(handle)

    def valid_handle(self, handle: str) -> bool:
        return 0 < len(handle) <= self.max_handle_chars

    def handle_ref(self, text: str) -> AccountRef | None:
        """A bare handle (``@name`` or ``name``) on this platform, or None."""
        handle = self.normalize_handle(text)
        if handle and self.valid_handle(handle):
            return AccountRef(self.name, handle=handle)
        return None

    # -- ids -------------------------------------------------------------------------------
    def validate_id(self, value: str) -> str:
        """The id if it is one this platform could have written; ValueError (saying what
        is wrong) otherwise."""
        if not value or not value.strip():
            raise ValueError("is empty")
        if len(value) > MAX_ID_CHARS:
            raise ValueError(f"is longer than {MAX_ID_CHARS} characters")
        return value

    # -- URLs ------------------------------------------------------------------------------
    @abstractmethod
    def parse_profile_url(self, url: ProfileURL) -> AccountRef | None:
        """The account a URL on this platform names, or None (not ours, or not a profile)."""

    @abstractmethod
    def profile_url(self, handle: str | None = None, account_id: str | None = None) -> str | None:
        """The public profile URL, from whichever of handle or id the platform needs."""

    # -- report and track ------------------------------------------------------------------
    def client(self, http: "httpx.Client", env: Mapping[str, str] | None = None) -> "PlatformClient | None":
        """The API client for status checks and reports, or None when the platform has no
        public API for them (reports then go as a pack, statuses are not checked)."""
        return None

    @staticmethod
    def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
        return os.environ if env is None else env
