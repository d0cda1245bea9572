"""The platforms hydrawatch knows, by name: ``get_platform("mastodon")``.

Built-ins (x, mastodon, bluesky, telegram) are registered through the
``hydrawatch.platforms`` entry point group in ``pyproject.toml``, exactly as a third-party
package adds one::

    [project.entry-points."hydrawatch.platforms"]
    myplatform = "mypackage.platform:MyPlatform"
"""

from __future__ import annotations

from hydrawatch.platforms.base import AccountRef, Platform, ProfileURL, norm_handle
from hydrawatch.registry import Registry, RegistryError

from hydrawatch.platforms.spec import AccountSpec, account_from_url, parse_account  # noqa: E402

__all__ = ["AccountRef", "AccountSpec", "Platform", "ProfileURL", "account_from_url",
           "get_platform", "norm_handle", "parse_account", "platform_names", "platforms",
           "url_order"]

platforms: Registry[Platform] = Registry("hydrawatch.platforms", Platform, what="platform")

BUILT_INS = ("bluesky", "mastodon", "telegram", "x")


def _loaded() -> Registry[Platform]:
    platforms.load()
    missing = [n for n in BUILT_INS if n not in platforms]
    if missing:  # stale package metadata (an editable install older than the entry points)
        raise RegistryError(f"built-in platform(s) {', '.join(missing)} not registered: the "
                            "installed hydrawatch metadata predates them; reinstall it "
                            "(pip install -e .)")
    return platforms


def get_platform(name: str) -> Platform:
    """The platform called ``name`` (or one of its aliases, e.g. ``twitter``)."""
    reg = _loaded()
    key = name.strip().lower()
    if key not in reg:
        for p in reg:
            if key in p.aliases:
                return p
    return reg.get(key)


def platform_names() -> list[str]:
    return _loaded().names()


def url_order() -> list[Platform]:
    """Every platform in the order URLs are matched (fixed hosts first, catch-alls last)."""
    return sorted(_loaded(), key=lambda p: (p.url_precedence, p.name))
