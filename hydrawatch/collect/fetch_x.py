"""X API v2 (app-only bearer token): ``GET /2/users/:id`` (``/2/users/by?usernames=`` for
a seed known by handle), ``/2/users/:id/tweets``, ``/2/users/:id/followers`` and
``/following``, paged by ``pagination_token`` = the last page's ``meta.next_token``.

A tweet carries only id, text and edit_history_tweet_ids unless fields are asked, so every
request names the fields and expansions that attribute each tweet and user. A suspended or
missing account is a 200 page whose ``errors`` item says so (``x_client.status_of_error``).
"""

from __future__ import annotations

import httpx

from hydrawatch.collect.fetch import Fetcher, PageInfo, Target, with_query
from hydrawatch.platforms.client import ApiError
from hydrawatch.platforms.x_client import status_of_error

TWEET_FIELDS = ("attachments,author_id,conversation_id,created_at,entities,in_reply_to_user_id,"
                "lang,public_metrics,referenced_tweets")
USER_FIELDS = ("created_at,description,entities,location,name,profile_image_url,protected,"
               "public_metrics,url,username,verified")
EXPANSIONS = ("attachments.media_keys,author_id,entities.mentions.username,referenced_tweets.id,"
              "referenced_tweets.id.author_id")
MEDIA_FIELDS = "media_key,preview_image_url,type,url"
MAX_TWEETS, MAX_USERS = 100, 1000


class XFetcher(Fetcher):
    platform = "x"

    def headers(self) -> dict[str, str]:
        (token,) = self.client.need_env("HYDRAWATCH_X_BEARER_TOKEN")
        return {"Authorization": f"Bearer {token}"}

    def posts_size(self) -> int:
        return self.limits.posts_size or MAX_TWEETS

    def list_size(self) -> int:
        return self.limits.list_size or MAX_USERS

    def first_url(self, endpoint: str, target: Target) -> str:
        base = self.client.base
        if endpoint == "profile":
            if target.account_id is None:
                return with_query(base, "/2/users/by", {"usernames": target.handle,
                                                        "user.fields": USER_FIELDS})
            return with_query(base, f"/2/users/{target.account_id}", {"user.fields": USER_FIELDS})
        if endpoint == "posts":
            return with_query(base, f"/2/users/{target.account_id}/tweets", {
                "max_results": self.posts_size(), "tweet.fields": TWEET_FIELDS,
                "user.fields": USER_FIELDS, "expansions": EXPANSIONS, "media.fields": MEDIA_FIELDS})
        return with_query(base, f"/2/users/{target.account_id}/{endpoint}", {
            "max_results": self.list_size(), "user.fields": USER_FIELDS})

    def read(self, endpoint, target, url, status, headers, body) -> PageInfo:
        if status != 200 or not isinstance(body, dict):
            detail = body.get("detail") or body.get("title") if isinstance(body, dict) else None
            raise ApiError(f"x {httpx.URL(url).path}: HTTP {status}: {str(detail or '')[:200]}")
        for error in body.get("errors") or []:
            gone = status_of_error(error)
            if gone and str(error.get("resource_id") or error.get("value") or "").lower() in (
                    (target.account_id or "").lower(), (target.handle or "").lower()):
                return PageInfo(status=gone)
        data = body.get("data")
        items = len(data) if isinstance(data, list) else int(data is not None)
        if endpoint == "profile":
            user = data[0] if isinstance(data, list) and data else data
            if not isinstance(user, dict):
                return PageInfo(status="not_found")
            return PageInfo(status="active", account_id=str(user.get("id")),
                            handle=user.get("username"), items=1)
        token = (body.get("meta") or {}).get("next_token")
        next_url = str(httpx.URL(url).copy_set_param("pagination_token", token)) if token else None
        return PageInfo(next_url=next_url, items=items)
