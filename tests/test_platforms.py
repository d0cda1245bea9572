"""The platform registry: built-ins come from entry points, one name each, and every
platform-specific rule (handles, ids, profile URLs) is reachable through it."""

from importlib.metadata import entry_points

import pytest

from hydrawatch.ingest.lists import parse_ref
from hydrawatch.platforms import AccountRef, Platform, ProfileURL, get_platform, platform_names, platforms
from hydrawatch.registry import RegistryError, UnknownName


def test_built_ins_are_registered_through_entry_points():
    eps = {ep.name: ep.value for ep in entry_points(group="hydrawatch.platforms")}
    assert {"x", "mastodon", "bluesky", "telegram"} <= set(eps)
    assert eps["x"] == "hydrawatch.platforms.x:XPlatform"
    assert platform_names()[:4] == ["bluesky", "mastodon", "telegram", "x"]
    assert get_platform("twitter") is get_platform("x")
    with pytest.raises(UnknownName, match="unknown platform 'myspace'"):
        get_platform("myspace")


def test_a_name_registers_once():
    with pytest.raises(RegistryError, match="registered twice"):
        platforms.register("x", get_platform("x"))


class Ramblr(Platform):
    """A third-party platform, as a plugin package would write it."""

    name = "ramblr"
    max_handle_chars = 20

    def parse_profile_url(self, url: ProfileURL):
        if url.host == "ramblr.example" and len(url.segments) == 2 and url.segments[0] == "u":
            return AccountRef(self.name, handle=url.segments[1].lower())
        return None

    def profile_url(self, handle=None, account_id=None):
        return f"https://ramblr.example/u/{handle}" if handle else None


def test_a_third_party_platform_is_used_everywhere_once_registered():
    platforms.register("ramblr", Ramblr())
    try:
        assert parse_ref("https://ramblr.example/u/Someone") == AccountRef("ramblr", "someone")
        assert parse_ref("ramblr:@Someone") == AccountRef("ramblr", "someone")
        assert parse_ref("ramblr:" + "a" * 21) is None  # longer than its handle limit
        assert get_platform("ramblr").client(None) is None  # no API: report packs only
    finally:
        platforms.unregister("ramblr")
    assert parse_ref("https://ramblr.example/u/someone") is None


@pytest.mark.parametrize("platform, handle, account_id, url", [
    ("x", "example_one", None, "https://x.com/example_one"),
    ("x", None, "1710000000000000007", "https://x.com/i/user/1710000000000000007"),
    ("mastodon", "alice@social.example", None, "https://social.example/@alice"),
    ("bluesky", "carol.bsky.social", None, "https://bsky.app/profile/carol.bsky.social"),
    ("bluesky", None, "did:plc:abc123", "https://bsky.app/profile/did:plc:abc123"),
    ("telegram", "some_channel", None, "https://t.me/some_channel"),
])
def test_profile_urls_round_trip(platform, handle, account_id, url):
    p = get_platform(platform)
    assert p.profile_url(handle=handle, account_id=account_id) == url
    assert parse_ref(url) == AccountRef(platform, handle, account_id)


def test_id_rules():
    assert get_platform("x").validate_id("1710000000000000007") == "1710000000000000007"
    with pytest.raises(ValueError, match="numeric"):
        get_platform("x").validate_id("example_one")
    assert get_platform("bluesky").validate_id("did:plc:abc") == "did:plc:abc"
    with pytest.raises(ValueError, match="DID"):
        get_platform("bluesky").validate_id("alice.bsky.social")
    with pytest.raises(ValueError, match="longer than 128"):
        get_platform("telegram").validate_id("9" * 129)


def test_handle_rules():
    x, masto = get_platform("x"), get_platform("mastodon")
    assert x.max_handle_chars == 15 and x.valid_handle("a" * 15) and not x.valid_handle("a" * 16)
    assert masto.valid_handle("bob@social.example") and not masto.valid_handle("bob@")
    assert masto.valid_handle("bob")  # an instance's own account, as its API writes acct
    assert not masto.valid_handle("b ob") and not masto.valid_handle("bob@no_domain")
    assert masto.split("@bob@social.example") == ("bob", "social.example")
    assert get_platform("telegram").handle_ref("@Some_Channel") == AccountRef("telegram", "some_channel")
