"""Mastodon, on each account's home instance: ``GET /api/v1/accounts/:id`` (or
``/api/v1/accounts/lookup?acct=`` while only ``user@instance`` is known),
``/accounts/:id/statuses``, ``/followers``, ``/following``; the next page is the
``Link: <...max_id=...>; rel="next"`` header (followed only on the same host).

A suspended account answers 200 with ``"suspended": true`` (older servers: 410) and empty
lists; a deleted one 404 ``{"error": "Record not found"}``. Ids are per instance: an id
read on one server is asked only of that server (the sim, and ``HYDRAWATCH_MASTODON_URL``,
stand for every instance).
"""

from __future__ import annotations

import httpx

from hydrawatch.collect.fetch import Fetcher, PageInfo, Target, same_host, with_query
from hydrawatch.platforms.client import ApiError

MAX_STATUSES, MAX_ACCOUNTS = 40, 80


class MastodonFetcher(Fetcher):
    platform = "mastodon"

    def headers(self) -> dict[str, str]:
        return self.client._headers()

    def posts_size(self) -> int:
        return self.limits.posts_size or MAX_STATUSES

    def list_size(self) -> int:
        return self.limits.list_size or MAX_ACCOUNTS

    def _base(self, target: Target) -> str:
        if self.client.override:
            return self.client.override
        if not target.handle or "@" not in target.handle:
            raise ApiError(f"mastodon: {target.account_id} has no user@instance handle to find its server")
        return f"https://{target.handle.partition('@')[2]}"

    def first_url(self, endpoint: str, target: Target) -> str:
        base = self._base(target)
        if endpoint == "profile":
            if target.account_id is None:
                return with_query(base, "/api/v1/accounts/lookup",
                                  {"acct": target.handle if self.client.override else target.handle.partition("@")[0]})
            return f"{base}/api/v1/accounts/{target.account_id}"
        if endpoint == "posts":
            return with_query(base, f"/api/v1/accounts/{target.account_id}/statuses",
                              {"limit": self.posts_size()})
        return with_query(base, f"/api/v1/accounts/{target.account_id}/{endpoint}",
                          {"limit": self.list_size()})

    def read(self, endpoint, target, url, status, headers, body) -> PageInfo:
        if status == 404:
            return PageInfo(status="not_found")
        if status == 410:
            return PageInfo(status="suspended")
        if status != 200:
            err = body.get("error") if isinstance(body, dict) else None
            raise ApiError(f"mastodon {httpx.URL(url).path}: HTTP {status}: {str(err or '')[:200]}")
        if endpoint == "profile":
            if not isinstance(body, dict) or "id" not in body:
                raise ApiError("mastodon account: not an Account")
            return PageInfo(status="suspended" if body.get("suspended") else "active",
                            account_id=str(body["id"]), handle=body.get("acct"), items=1)
        link = httpx.Response(200, headers={"link": headers.get("link", "")}).links.get("next", {})
        items = len(body) if isinstance(body, list) else 0
        return PageInfo(next_url=same_host(url, link.get("url")) if items else None, items=items)
