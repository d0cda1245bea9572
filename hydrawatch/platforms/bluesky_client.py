"""Bluesky status checks and reports over XRPC.

Status: ``app.bsky.actor.getProfiles`` (at most 25 actors) silently drops accounts it
cannot show, so each missing one is asked again with ``app.bsky.actor.getProfile``, whose
error tells why: ``AccountTakedown`` (taken down), ``AccountDeactivated`` (deactivated by
its owner) or ``InvalidRequest`` "Profile not found" (gone). Reports:
``com.atproto.moderation.createReport`` through the reporter's PDS, proxied to Bluesky's
moderation service, ``reasonType`` ``tools.ozone.report.defs#reasonViolenceExtremistContent``
or, for a linked re-entry, ``…#reasonRuleBanEvasion`` citing its predecessor. Rate limits:
``RateLimit-Remaining`` and ``RateLimit-Reset`` (Unix seconds).

Environment: ``HYDRAWATCH_BSKY_HANDLE`` and ``HYDRAWATCH_BSKY_APP_PASSWORD`` (an app
password; needed to report), ``HYDRAWATCH_BSKY_URL`` (one URL standing in for both the
public AppView ``https://public.api.bsky.app`` and the PDS ``https://bsky.social``).
"""

from __future__ import annotations

from typing import Sequence

from hydrawatch.platforms.base import AccountRef
from hydrawatch.platforms.client import (
    ACTIVE, DEACTIVATED, NOT_FOUND, TAKENDOWN, UNKNOWN, ApiError, PlatformClient,
    ReportReceipt, ReportRequest, StatusResult, unix_reset)

APPVIEW_URL = "https://public.api.bsky.app"
PDS_URL = "https://bsky.social"
MODERATION_PROXY = "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler"
MAX_PER_CALL = 25
REASON_EXTREMIST = "tools.ozone.report.defs#reasonViolenceExtremistContent"
REASON_BAN_EVASION = "tools.ozone.report.defs#reasonRuleBanEvasion"
MAX_REASON = 2000
PROFILE_ERRORS = {"AccountTakedown": TAKENDOWN, "AccountDeactivated": DEACTIVATED}


def actor_of(ref: AccountRef) -> str | None:
    return ref.account_id or ref.handle


def map_profiles(body, refs: Sequence[AccountRef]) -> dict[AccountRef, StatusResult]:
    """The refs getProfiles answered (active); the others are missing from the dict."""
    profiles = body.get("profiles") if isinstance(body, dict) else None
    found: dict[AccountRef, StatusResult] = {}
    by_key = {}
    for p in profiles if isinstance(profiles, list) else []:
        if isinstance(p, dict):
            by_key[str(p.get("did"))] = p
            by_key[str(p.get("handle") or "").lower()] = p
    for ref in refs:
        p = by_key.get(ref.account_id or "") or by_key.get((ref.handle or "").lower())
        if p is not None:
            found[ref] = StatusResult(ref, ACTIVE, str(p.get("did")), p.get("handle"))
    return found


def status_of_profile_error(code: int, body) -> str | None:
    if code == 200:
        return ACTIVE
    err = body.get("error") if isinstance(body, dict) else None
    if err in PROFILE_ERRORS:
        return PROFILE_ERRORS[err]
    if code == 400 and err == "InvalidRequest" and "not found" in str(body.get("message") or "").lower():
        return NOT_FOUND
    return None


def report_body(req: ReportRequest) -> dict:
    evasion = req.predecessor is not None
    parts = [f"Account spreading {req.category or 'terrorist'} propaganda, verified by "
             "independent reviewers (hydrawatch)."]
    if evasion:
        parts.append(f"Re-entry (ban evasion) of suspended account {req.predecessor}.")
    if req.evidence:
        parts.append("Evidence sha256: " + ", ".join(req.evidence))
    reason = " ".join(parts)
    return {"reasonType": REASON_BAN_EVASION if evasion else REASON_EXTREMIST,
            "reason": reason[:MAX_REASON],
            "subject": {"$type": "com.atproto.admin.defs#repoRef", "did": req.account_id}}


class BlueskyClient(PlatformClient):
    platform = "bluesky"
    batch_size = MAX_PER_CALL
    remaining_header = "ratelimit-remaining"
    reset_header = "ratelimit-reset"

    def __init__(self, http, env, **kwargs):
        super().__init__(http, env, **kwargs)
        override = (env.get("HYDRAWATCH_BSKY_URL") or "").rstrip("/") or None
        self.appview = override or APPVIEW_URL
        self.pds = override or PDS_URL
        self._session: dict | None = None

    def parse_reset(self, value: str) -> float | None:
        return unix_reset(value)

    def check(self, refs: Sequence[AccountRef]) -> list[StatusResult]:
        if len(refs) > MAX_PER_CALL:
            raise ValueError(f"at most {MAX_PER_CALL} accounts a call")
        askable = [r for r in refs if actor_of(r)]
        found: dict[AccountRef, StatusResult] = {}
        if askable:
            response = self.send("GET", f"{self.appview}/xrpc/app.bsky.actor.getProfiles",
                                 params=[("actors", actor_of(r)) for r in askable])
            body = self.json_of(response, "bluesky getProfiles")
            if response.status_code != 200:
                raise ApiError(f"bluesky getProfiles: HTTP {response.status_code}: "
                               f"{_error_text(body)}")
            found = map_profiles(body, askable)
        out = []
        for ref in refs:
            if ref in found:
                out.append(found[ref])
            elif not actor_of(ref):
                out.append(StatusResult(ref, UNKNOWN, detail="neither DID nor handle"))
            else:
                out.append(self._why_missing(ref))
        return out

    def _why_missing(self, ref: AccountRef) -> StatusResult:
        response = self.send("GET", f"{self.appview}/xrpc/app.bsky.actor.getProfile",
                             params={"actor": actor_of(ref)})
        body = self.json_of(response, "bluesky getProfile")
        status = status_of_profile_error(response.status_code, body)
        if status is None:
            return StatusResult(ref, UNKNOWN, ref.account_id, ref.handle,
                                f"HTTP {response.status_code}: {_error_text(body)}")
        did = body.get("did") if status == ACTIVE and isinstance(body, dict) else None
        detail = None if status == ACTIVE else _error_text(body)
        return StatusResult(ref, status, did or ref.account_id, ref.handle, detail)

    def _access_jwt(self) -> str:
        if self._session is None:
            handle, password = self.need_env("HYDRAWATCH_BSKY_HANDLE", "HYDRAWATCH_BSKY_APP_PASSWORD")
            response = self.send("POST", f"{self.pds}/xrpc/com.atproto.server.createSession",
                                 json={"identifier": handle, "password": password})
            body = self.json_of(response, "bluesky createSession")
            if response.status_code != 200 or not isinstance(body, dict) or "accessJwt" not in body:
                raise ApiError(f"bluesky createSession: HTTP {response.status_code}: "
                               f"{_error_text(body)}")
            self._session = body
        return self._session["accessJwt"]

    def report(self, req: ReportRequest) -> ReportReceipt:
        if not req.account_id.startswith("did:"):
            raise ApiError(f"bluesky: a report needs the account's DID, not {req.account_id[:40]!r}")
        body_out = report_body(req)
        response = self.send("POST", f"{self.pds}/xrpc/com.atproto.moderation.createReport",
                             json=body_out,
                             headers={"Authorization": f"Bearer {self._access_jwt()}",
                                      "atproto-proxy": MODERATION_PROXY})
        body = self.json_of(response, "bluesky createReport")
        if response.status_code != 200 or not isinstance(body, dict) or "id" not in body:
            raise ApiError(f"bluesky createReport: HTTP {response.status_code}: {_error_text(body)}")
        return ReportReceipt(str(body["id"]), {"reason_type": body_out["reasonType"]})


def _error_text(body) -> str:
    if isinstance(body, dict):
        return f"{body.get('error') or ''} {body.get('message') or ''}".strip()[:200]
    return ""
