"""X API v2 status checks: ``GET /2/users?ids=`` and ``GET /2/users/by?usernames=``
(at most 100 a call, app-only bearer token).

A suspended or missing account is not an HTTP error: the page carries an ``errors`` item
for it. Suspended = title "Forbidden", detail starting "User has been suspended"; not found
= title "Not Found Error" / detail "Could not find user with …". The ``type`` is matched by
its path only (``…/2/problems/resource-not-found``): the host has changed and may again.
Rate limits: ``x-rate-limit-remaining`` / ``x-rate-limit-reset`` (Unix seconds).

Environment: ``HYDRAWATCH_X_BEARER_TOKEN`` (required), ``HYDRAWATCH_X_API_URL`` (default
``https://api.x.com``).
"""

from __future__ import annotations

from typing import Sequence
from urllib.parse import urlsplit

from hydrawatch.platforms.base import AccountRef
from hydrawatch.platforms.client import (
    ACTIVE, NOT_FOUND, SUSPENDED, UNKNOWN, ApiError, PlatformClient, StatusResult, unix_reset)

API_URL = "https://api.x.com"
MAX_PER_CALL = 100
NOT_FOUND_TYPE = "/2/problems/resource-not-found"
USER_FIELDS = "id,username,name,created_at,protected"


def status_of_error(error: dict) -> str | None:
    """SUSPENDED / NOT_FOUND for an ``errors`` item about a user, None for any other."""
    if not isinstance(error, dict) or urlsplit(str(error.get("type") or "")).path != NOT_FOUND_TYPE:
        return None
    title, detail = str(error.get("title") or ""), str(error.get("detail") or "")
    if title == "Forbidden" and detail.startswith("User has been suspended"):
        return SUSPENDED
    if title == "Not Found Error" or detail.startswith("Could not find user with"):
        return NOT_FOUND
    return None


def map_lookup(page: dict, refs: Sequence[AccountRef], by: str) -> list[StatusResult]:
    """Statuses for ``refs`` from one lookup page; ``by`` is "ids" or "usernames"."""
    key = (lambda r: r.account_id) if by == "ids" else (lambda r: (r.handle or "").lower())
    wanted = {key(r): r for r in refs}
    out: dict[str, StatusResult] = {}
    for user in page.get("data") or []:
        if not isinstance(user, dict):
            continue
        k = str(user.get("id")) if by == "ids" else str(user.get("username") or "").lower()
        if k in wanted:
            out[k] = StatusResult(wanted[k], ACTIVE, str(user.get("id")), user.get("username"))
    for error in page.get("errors") or []:
        status = status_of_error(error)
        k = str(error.get("resource_id") or error.get("value") or "") if isinstance(error, dict) else ""
        k = k if by == "ids" else k.lower()
        if k in wanted and k not in out:
            ref = wanted[k]
            out[k] = StatusResult(ref, status or UNKNOWN, ref.account_id, ref.handle,
                                  str(error.get("detail") or "")[:200] or None)
    return [out.get(key(r)) or StatusResult(r, UNKNOWN, r.account_id, r.handle,
                                             "not in the lookup response") for r in refs]


class XClient(PlatformClient):
    platform = "x"
    batch_size = MAX_PER_CALL
    remaining_header = "x-rate-limit-remaining"
    reset_header = "x-rate-limit-reset"

    def __init__(self, http, env, **kwargs):
        super().__init__(http, env, **kwargs)
        self.base = (env.get("HYDRAWATCH_X_API_URL") or API_URL).rstrip("/")

    def parse_reset(self, value: str) -> float | None:
        return unix_reset(value)

    def check(self, refs: Sequence[AccountRef]) -> list[StatusResult]:
        if len(refs) > MAX_PER_CALL:
            raise ValueError(f"at most {MAX_PER_CALL} accounts a call")
        by_id = [r for r in refs if r.account_id]
        by_name = [r for r in refs if not r.account_id and r.handle]
        results = {}
        if by_id:
            page = self._lookup("/2/users", "ids", [r.account_id for r in by_id])
            results.update(zip(by_id, map_lookup(page, by_id, "ids")))
        if by_name:
            page = self._lookup("/2/users/by", "usernames", [r.handle for r in by_name])
            results.update(zip(by_name, map_lookup(page, by_name, "usernames")))
        return [results.get(r) or StatusResult(r, UNKNOWN, detail="neither id nor handle")
                for r in refs]

    def _lookup(self, path: str, param: str, values: list[str]) -> dict:
        (token,) = self.need_env("HYDRAWATCH_X_BEARER_TOKEN")
        response = self.send("GET", self.base + path,
                             params={param: ",".join(values), "user.fields": USER_FIELDS},
                             headers={"Authorization": f"Bearer {token}"})
        page = self.json_of(response, f"x {path}")
        if response.status_code != 200 or not isinstance(page, dict):
            raise ApiError(f"x {path}: HTTP {response.status_code}: "
                           f"{str(page.get('detail') or page.get('title') or '')[:200] if isinstance(page, dict) else ''}")
        return page
