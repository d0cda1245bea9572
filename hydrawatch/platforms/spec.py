"""One syntax for an account a person types, on every command and form that takes one:

    PLATFORM:ID            x:1710000000000000001   bluesky:did:plc:abc   (also twitter:...)
    PLATFORM:@handle       x:@ember_path   mastodon:@user@example.social
    PLATFORM:NAME          the account with that id, else the one with that handle
    @handle                on whichever platform holds it (ambiguous if several do)
    @user@instance         Mastodon
    profile URL            https://x.com/ember_path, https://example.social/@user,
                           https://bsky.app/profile/name.bsky.social, t.me/channel

:func:`parse_account` only reads the text (each platform normalises its handles, checks
its ids and reads its URLs); finding the account in a store is
``hydrawatch.verification.review.resolve_account``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from hydrawatch.errors import InputError, quote
from hydrawatch.platforms.base import MAX_ID_CHARS, AccountRef, ProfileURL, norm_handle

SYNTAX = "PLATFORM:ID, PLATFORM:@handle, @handle or a profile URL"


@dataclass(frozen=True)
class AccountSpec:
    """What an account reference says. ``platform`` None: any platform (a bare handle).
    Both ``account_id`` and ``handle`` set: ``PLATFORM:NAME`` that may be either (the id
    is tried first)."""

    text: str
    platform: str | None = None
    handle: str | None = None
    account_id: str | None = None


def account_from_url(text: str) -> AccountRef | None:
    """The account a profile URL names (each platform reads its own), or None."""
    from hydrawatch.platforms import url_order

    s = text.strip()
    if "//" not in s:
        s = "https://" + s
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    url = ProfileURL(host, tuple(p for p in parts.path.split("/") if p), parse_qs(parts.query))
    for platform in url_order():
        ref = platform.parse_profile_url(url)
        if ref is not None:
            return ref
    return None


def _looks_like_url(s: str) -> bool:
    if "://" in s or s.lower().startswith("www."):
        return True
    host = s.split("/", 1)[0]
    return "/" in s and "." in host and ":" not in host and "@" not in host


def parse_account(text: str) -> AccountSpec:
    """Read an account reference (see the module docstring); InputError saying what is
    wrong and what is accepted otherwise."""
    from hydrawatch.platforms import get_platform, platform_names
    from hydrawatch.registry import UnknownName

    s = (text or "").strip()
    if not s:
        raise InputError(f"no account given: give {SYNTAX}")
    if _looks_like_url(s):
        ref = account_from_url(s)
        if ref is None:
            raise InputError(f"{quote(s)} is not a profile URL of a known platform "
                             f"({', '.join(platform_names())})")
        return AccountSpec(s, ref.platform, ref.handle, ref.account_id)
    if s.startswith("@"):
        if s.count("@") == 2:  # @user@instance
            ref = get_platform("mastodon").handle_ref(s)
            if ref is None:
                raise InputError(f"{quote(s)} is not a Mastodon handle (@user@instance)")
            return AccountSpec(s, "mastodon", ref.handle)
        handle = norm_handle(s)
        if handle is None:
            raise InputError(f"empty handle: give {SYNTAX}")
        return AccountSpec(s, None, handle)
    name, sep, rest = s.partition(":")
    if not sep:
        handle = norm_handle(s)
        if "@" in handle:  # user@instance
            ref = get_platform("mastodon").handle_ref(handle)
            if ref is not None:
                return AccountSpec(s, "mastodon", ref.handle)
        return AccountSpec(s, None, handle)
    try:
        platform = get_platform(name)
    except UnknownName:
        raise InputError(f"unknown platform {quote(name)} in {quote(s)} (known: "
                         f"{', '.join(platform_names())}); give {SYNTAX}") from None
    rest = rest.strip()
    if rest.lower().startswith("id:"):
        rest = rest[3:].strip()
        try:
            return AccountSpec(s, platform.name, account_id=platform.validate_id(rest))
        except ValueError as exc:
            raise InputError(f"{platform.name} id {quote(rest)} {exc}") from None
    if rest.startswith("@"):
        handle = platform.normalize_handle(rest)
        if not handle or not platform.valid_handle(handle):
            raise InputError(f"{quote(rest)} is not a {platform.name} handle")
        return AccountSpec(s, platform.name, handle=handle)
    try:
        account_id = platform.validate_id(rest)
    except ValueError:
        # Not an id this platform writes, yet a store may hold such ids (imported lists,
        # synthetic data): still looked up as an id first, exactly as written.
        account_id = rest if 0 < len(rest) <= MAX_ID_CHARS else None
    handle = platform.normalize_handle(rest)
    if handle is not None and not platform.valid_handle(handle):
        handle = None
    if account_id is None and handle is None:
        raise InputError(f"{quote(rest)} is neither a {platform.name} id nor a handle; "
                         f"give {SYNTAX}")
    return AccountSpec(s, platform.name, handle, account_id)
