"""Mastodon status checks and reports.

Status: ``GET /api/v1/accounts/lookup?acct=`` — 200 with ``"suspended": true`` (3.3+) is
suspended, 410 (older servers) is suspended, 404 is gone. Reports: ``POST /api/v1/reports``
with ``account_id``, ``status_ids[]``, ``comment`` (at most 1000 characters), ``forward``
and ``category`` ``violation`` with the server's ``rule_ids[]`` (from
``GET /api/v1/instance/rules``) that name violence, terrorism or extremism; ``other`` when
the server has no such rule. Rate limits: ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (an ISO 8601 time).

Environment: ``HYDRAWATCH_MASTODON_TOKEN`` (a ``write:reports`` token, needed to report),
``HYDRAWATCH_MASTODON_URL`` (the server to ask; default each account's own instance).
"""

from __future__ import annotations

import re
from typing import Sequence

from hydrawatch.platforms.base import AccountRef
from hydrawatch.platforms.client import (
    ACTIVE, NOT_FOUND, SUSPENDED, UNKNOWN, ApiError, NotConfigured, PlatformClient,
    PlatformError, RateLimited, ReportReceipt, ReportRequest, StatusResult, iso_reset)

MAX_COMMENT = 1000
RULE_WORDS = re.compile(r"terror|extremis|violen|incite|illegal|hate", re.I)


def status_of_lookup(code: int, body) -> str | None:
    """The account status a lookup response says, or None when it says nothing usable."""
    if code == 404:
        return NOT_FOUND
    if code == 410:
        return SUSPENDED
    if code == 200 and isinstance(body, dict):
        return SUSPENDED if body.get("suspended") is True else ACTIVE
    return None


def pick_rules(rules) -> list[str]:
    """The ids of the server rules a report about violent extremism cites."""
    if not isinstance(rules, list):
        return []
    return [str(r["id"]) for r in rules
            if isinstance(r, dict) and "id" in r
            and RULE_WORDS.search(f"{r.get('text') or ''} {r.get('hint') or ''}")]


def report_comment(req: ReportRequest) -> str:
    """The comment moderators read: category, evidence hashes, a cited predecessor; cut to
    the 1000 characters Mastodon accepts."""
    parts = [f"Account spreading {req.category or 'terrorist'} propaganda, verified by "
             "independent reviewers (hydrawatch)."]
    if req.predecessor is not None:
        parts.append(f"Re-entry (ban evasion) of suspended account {req.predecessor}.")
    if req.evidence:
        parts.append("Evidence sha256: " + ", ".join(req.evidence))
    if req.note:
        parts.append(req.note)
    text = " ".join(parts)
    return text if len(text) <= MAX_COMMENT else text[:MAX_COMMENT - 1] + "…"


class MastodonClient(PlatformClient):
    platform = "mastodon"
    batch_size = 20  # one request per account; a batch is what track commits at once
    remaining_header = "x-ratelimit-remaining"
    reset_header = "x-ratelimit-reset"

    def __init__(self, http, env, **kwargs):
        super().__init__(http, env, **kwargs)
        self.override = (env.get("HYDRAWATCH_MASTODON_URL") or "").rstrip("/") or None
        self._rules: dict[str, list[str]] = {}

    def parse_reset(self, value: str) -> float | None:
        return iso_reset(value)

    def _server(self, handle: str) -> tuple[str, str]:
        """(base URL, acct to look up) for a ``user@instance`` handle."""
        user, _, domain = handle.partition("@")
        if not (user and domain):
            raise ApiError(f"mastodon: {handle!r} is not user@instance")
        if self.override:
            return self.override, handle
        return f"https://{domain}", user

    def _headers(self) -> dict:
        token = self.env.get("HYDRAWATCH_MASTODON_TOKEN")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def check(self, refs: Sequence[AccountRef]) -> list[StatusResult]:
        """One lookup per account. An account whose lookup fails comes back UNKNOWN; a rate
        limit stops the batch (``RateLimited.partial`` keeps what was learnt)."""
        out: list[StatusResult] = []
        for ref in refs:
            try:
                out.append(self._check_one(ref))
            except RateLimited as exc:
                exc.partial = out
                raise
            except PlatformError as exc:
                out.append(StatusResult(ref, UNKNOWN, ref.account_id, ref.handle, str(exc)))
        return out

    def _check_one(self, ref: AccountRef) -> StatusResult:
        if not ref.handle:  # ids are per server: without user@instance there is nothing to ask
            return StatusResult(ref, UNKNOWN, ref.account_id, detail="no user@instance handle")
        base, acct = self._server(ref.handle)
        response = self.send("GET", f"{base}/api/v1/accounts/lookup", params={"acct": acct},
                             headers=self._headers())
        body = None if response.status_code in (404, 410) else self.json_of(response, "mastodon lookup")
        status = status_of_lookup(response.status_code, body)
        if status is None:
            raise ApiError(f"mastodon lookup: HTTP {response.status_code}")
        found_id = str(body["id"]) if isinstance(body, dict) and body.get("id") is not None else None
        return StatusResult(ref, status, found_id or ref.account_id, ref.handle)

    def rules(self, base: str) -> list[str]:
        if base not in self._rules:
            response = self.send("GET", f"{base}/api/v1/instance/rules", headers=self._headers())
            self._rules[base] = pick_rules(self.json_of(response, "mastodon rules")) \
                if response.status_code == 200 else []
        return self._rules[base]

    def report(self, req: ReportRequest) -> ReportReceipt:
        if not self.env.get("HYDRAWATCH_MASTODON_TOKEN"):
            raise NotConfigured("mastodon: set HYDRAWATCH_MASTODON_TOKEN (a write:reports token)")
        if not req.handle:
            raise ApiError("mastodon: a report needs the account's user@instance handle")
        base, acct = self._server(req.handle)
        # The id the reporting server knows the account by (ids are per server).
        found = self.check([AccountRef("mastodon", handle=req.handle)])[0]
        if found.status != ACTIVE:
            raise ApiError(f"mastodon: {req.handle} is {found.status}; nothing to report")
        rule_ids = self.rules(base)
        comment = report_comment(req)
        category = "violation" if rule_ids else "other"
        data = {"account_id": found.account_id or "", "comment": comment,
                "forward": "true" if self.override else "false", "category": category,
                "rule_ids[]": rule_ids, "status_ids[]": list(req.post_ids)}
        response = self.send("POST", f"{base}/api/v1/reports", data=data, headers=self._headers())
        body = self.json_of(response, "mastodon report")
        if response.status_code != 200 or not isinstance(body, dict) or "id" not in body:
            err = body.get("error") if isinstance(body, dict) else None
            raise ApiError(f"mastodon report: HTTP {response.status_code}: {str(err or '')[:200]}")
        return ReportReceipt(str(body["id"]), {"server": base, "category": category,
                                               "rule_ids": rule_ids, "status_ids": list(req.post_ids),
                                               "comment_chars": len(comment)})
