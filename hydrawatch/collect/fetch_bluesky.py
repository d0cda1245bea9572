"""Bluesky on the public AppView: ``app.bsky.actor.getProfile``,
``app.bsky.feed.getAuthorFeed``, ``app.bsky.graph.getFollowers`` and ``getFollows``, paged
by the answer's opaque ``cursor``. An unavailable account is an XRPC error (HTTP 400):
``AccountTakedown``, ``AccountDeactivated``, ``InvalidRequest`` "Profile not found".
"""

from __future__ import annotations

import httpx

from hydrawatch.collect.fetch import Fetcher, PageInfo, Target, with_query
from hydrawatch.platforms.bluesky_client import status_of_profile_error
from hydrawatch.platforms.client import ApiError

MAX_ITEMS = 100
METHODS = {"profile": "app.bsky.actor.getProfile", "posts": "app.bsky.feed.getAuthorFeed",
           "followers": "app.bsky.graph.getFollowers", "following": "app.bsky.graph.getFollows"}
LISTS = {"posts": "feed", "followers": "followers", "following": "follows"}


class BlueskyFetcher(Fetcher):
    platform = "bluesky"

    def posts_size(self) -> int:
        return self.limits.posts_size or MAX_ITEMS

    def list_size(self) -> int:
        return self.limits.list_size or MAX_ITEMS

    def first_url(self, endpoint: str, target: Target) -> str:
        params: dict = {"actor": target.account_id or target.handle}
        if endpoint != "profile":
            params["limit"] = self.posts_size() if endpoint == "posts" else self.list_size()
        return with_query(self.client.appview, f"/xrpc/{METHODS[endpoint]}", params)

    def read(self, endpoint, target, url, status, headers, body) -> PageInfo:
        if status != 200:
            gone = status_of_profile_error(status, body)
            if gone is not None:
                return PageInfo(status="suspended" if gone == "takendown" else gone)
            err = f"{body.get('error')} {body.get('message')}" if isinstance(body, dict) else ""
            raise ApiError(f"bluesky {METHODS[endpoint]}: HTTP {status}: {err[:200]}")
        if not isinstance(body, dict):
            raise ApiError(f"bluesky {METHODS[endpoint]}: not an object")
        if endpoint == "profile":
            return PageInfo(status="active", account_id=body.get("did"), handle=body.get("handle"), items=1)
        items = body.get(LISTS[endpoint])
        items = len(items) if isinstance(items, list) else 0
        cursor = body.get("cursor")
        next_url = str(httpx.URL(url).copy_set_param("cursor", cursor)) if cursor and items else None
        return PageInfo(next_url=next_url, items=items)
