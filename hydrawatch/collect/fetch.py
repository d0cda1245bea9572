"""What a platform's collector knows: the four requests made for each account (profile,
recent posts, followers, followees), where the next page of each is, and what an answer
says about the account. Sending (retries, backoff, rate limits from the platform's
headers) is the platform client's (``platforms/client.py``); the per-platform modules
(``fetch_x``, ``fetch_mastodon``, ``fetch_bluesky``) only build URLs and read answers.

    Fetcher
    ├── first_url(endpoint, account)   the first page's URL (query included)
    └── read(endpoint, account, url, status, headers, body) -> PageInfo

URLs of next pages come only from the platform's own answer (a cursor, a token, a Link
header on the same host): never from a post, which is hostile input.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

ENDPOINTS = ("profile", "posts", "followers", "following")


@dataclass(frozen=True)
class Target:
    """An account to fetch: its id (None when only a handle is known yet)."""

    platform: str
    account_id: str | None
    handle: str | None = None


@dataclass(frozen=True)
class PageInfo:
    next_url: str | None = None          # None: the endpoint is done
    status: str | None = None            # what the page says of the account (suspended...)
    account_id: str | None = None        # the id a profile page resolved
    handle: str | None = None
    items: int = 0


@dataclass(frozen=True)
class Limits:
    """Page sizes and how many pages a crawl takes per endpoint and account."""

    posts_pages: int = 1
    list_pages: int = 5
    posts_size: int | None = None        # None: the platform's documented maximum
    list_size: int | None = None


class Fetcher(ABC):
    platform: str

    def __init__(self, client, limits: Limits):
        self.client = client              # a platforms.client.PlatformClient
        self.limits = limits

    def headers(self) -> dict[str, str]:
        return {}

    def max_pages(self, endpoint: str) -> int:
        if endpoint == "profile":
            return 1
        return self.limits.posts_pages if endpoint == "posts" else self.limits.list_pages

    @abstractmethod
    def first_url(self, endpoint: str, target: Target) -> str:
        ...

    @abstractmethod
    def read(self, endpoint: str, target: Target, url: str, status: int, headers, body) -> PageInfo:
        ...

    def estimate(self, followers: int | None, following: int | None, posts: int | None) -> int:
        """Requests one account costs, from its profile counts (unknown: the page caps)."""
        def pages(n, size, cap):
            return cap if n is None else max(1, min(cap, -(-n // size)))
        return (1 + pages(posts, self.posts_size(), self.limits.posts_pages)
                + pages(followers, self.list_size(), self.limits.list_pages)
                + pages(following, self.list_size(), self.limits.list_pages))

    @abstractmethod
    def posts_size(self) -> int:
        ...

    @abstractmethod
    def list_size(self) -> int:
        ...


def with_query(base: str, path: str, params: dict) -> str:
    return f"{base}{path}?{urlencode(params)}" if params else f"{base}{path}"


def same_host(url: str, next_url: str | None) -> str | None:
    """``next_url`` only when it points at the host asked (a hostile server must not send a
    crawler elsewhere)."""
    if not next_url:
        return None
    a, b = urlsplit(url), urlsplit(next_url)
    return next_url if (a.scheme, a.netloc) == (b.scheme, b.netloc) else None
