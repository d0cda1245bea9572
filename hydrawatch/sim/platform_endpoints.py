"""The platforms' documented endpoints, as the simulator answers them (registered on
``platform_server.ROUTES``). Shapes follow each platform's API reference: X v2 user
lookup (``data`` + ``errors`` items), Mastodon ``Account``/``Report``/``Rule`` entities,
Bluesky ``profileViewDetailed`` and XRPC errors (HTTP 400 with ``error``/``message``)."""

from __future__ import annotations

import secrets

from hydrawatch.sim.platform_server import SimRequest, SimResponse, route
from hydrawatch.sim.platform_world import SimAccount
from hydrawatch.timeutil import iso

X_NOT_FOUND_TYPE = "https://api.twitter.com/2/problems/resource-not-found"
X_MAX = 100
BSKY_MAX = 25
MASTODON_RULES = [
    {"id": "1", "text": "No spam or advertising", "hint": ""},
    {"id": "2", "text": "No promotion of terrorism or violent extremism", "hint": "incl. propaganda"},
    {"id": "3", "text": "Be respectful", "hint": ""},
]
MAX_COMMENT = 1000


def _bearer(req: SimRequest) -> str | None:
    auth = req.headers.get("authorization", "")
    return auth[7:] if auth.startswith("Bearer ") and len(auth) > 7 else None


# -- X API v2 -----------------------------------------------------------------------------------

def _x_user(acc: SimAccount) -> dict:
    return {"id": acc.account_id, "username": acc.handle, "name": acc.name or acc.handle}


def _x_lookup(req: SimRequest, param: str) -> SimResponse:
    if not _bearer(req):
        return SimResponse(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                 "detail": "Unauthorized"})
    values = [v for v in (req.arg(param) or "").split(",") if v]
    if not values or len(values) > X_MAX:
        return SimResponse(400, {"errors": [{"parameters": {param: values[:3]},
                                             "message": f"{param} must name 1 to {X_MAX} users"}],
                                 "title": "Invalid Request", "type": "https://api.twitter.com/2/problems/invalid-request",
                                 "detail": "One or more parameters to your request was invalid."})
    data, errors = [], []
    for value in values:
        acc = req.world.by_id("x", value) if param == "ids" else req.world.by_handle("x", value)
        status = req.world.status(acc) if acc else "not_found"
        if status == "active":
            data.append(_x_user(acc))
            continue
        suspended = status == "suspended"
        errors.append({"value": value, "resource_id": value, "parameter": param, "resource_type": "user",
                       "title": "Forbidden" if suspended else "Not Found Error",
                       "detail": (f"User has been suspended: [{value}]." if suspended
                                  else f"Could not find user with {param}: [{value}]."),
                       "type": X_NOT_FOUND_TYPE})
    page: dict = {}
    if data:
        page["data"] = data
    if errors:
        page["errors"] = errors
    return SimResponse(200, page)


@route("GET", "/2/users", "x")
def x_users(req: SimRequest) -> SimResponse:
    return _x_lookup(req, "ids")


@route("GET", "/2/users/by", "x")
def x_users_by(req: SimRequest) -> SimResponse:
    return _x_lookup(req, "usernames")


# -- Mastodon -----------------------------------------------------------------------------------

def _masto_account(acc: SimAccount, suspended: bool = False) -> dict:
    user, _, domain = acc.handle.partition("@")
    out = {"id": acc.account_id, "username": user, "acct": acc.handle, "display_name": acc.name or "",
           "locked": False, "bot": False, "url": f"https://{domain}/@{user}", "note": "",
           "created_at": "2025-01-01T00:00:00.000Z", "followers_count": 0, "following_count": 0,
           "statuses_count": 0}
    if suspended:
        out.update(suspended=True, display_name="", note="")
    return out


def _masto_find(req: SimRequest, acct: str) -> SimAccount | None:
    acc = req.world.by_handle("mastodon", acct)
    if acc is None and "@" not in acct:  # a local acct: the username on any simulated instance
        acc = next((a for (p, _), a in req.world.accounts.items()
                    if p == "mastodon" and a.handle.lower().startswith(acct.lower() + "@")), None)
    return acc


@route("GET", "/api/v1/accounts/lookup", "mastodon")
def masto_lookup(req: SimRequest) -> SimResponse:
    acc = _masto_find(req, (req.arg("acct") or "").lstrip("@"))
    status = req.world.status(acc) if acc else "not_found"
    if status == "active":
        return SimResponse(200, _masto_account(acc))
    if status == "suspended":
        return SimResponse(200, _masto_account(acc, suspended=True))
    return SimResponse(404, {"error": "Record not found"})


@route("GET", "/api/v1/instance/rules", "mastodon")
def masto_rules(req: SimRequest) -> SimResponse:
    return SimResponse(200, MASTODON_RULES)


@route("POST", "/api/v1/reports", "mastodon")
def masto_report(req: SimRequest) -> SimResponse:
    if not _bearer(req):
        return SimResponse(401, {"error": "The access token is invalid"})
    form = req.form()
    acc = req.world.by_id("mastodon", (form.get("account_id") or [""])[0])
    if acc is None:
        return SimResponse(404, {"error": "Record not found"})
    comment = (form.get("comment") or [""])[0]
    rule_ids = form.get("rule_ids[]") or []
    known = {r["id"] for r in MASTODON_RULES}
    if len(comment) > MAX_COMMENT:
        return SimResponse(422, {"error": f"Validation failed: Comment is too long (maximum is {MAX_COMMENT} characters)"})
    if any(r not in known for r in rule_ids):
        return SimResponse(422, {"error": "Validation failed: Rule ids are invalid"})
    category = (form.get("category") or ["other"])[0]
    category = "violation" if rule_ids else category
    report_id = req.world.report(acc, channel="api", detail={"category": category, "rule_ids": rule_ids})
    return SimResponse(200, {"id": str(report_id), "action_taken": False, "action_taken_at": None,
                             "category": category, "comment": comment,
                             "forwarded": (form.get("forward") or ["false"])[0] == "true",
                             "created_at": iso(req.world.now), "status_ids": form.get("status_ids[]") or [],
                             "rule_ids": rule_ids, "target_account": _masto_account(acc)})


# -- Bluesky ------------------------------------------------------------------------------------

def _bsky_find(req: SimRequest, actor: str) -> SimAccount | None:
    if actor.startswith("did:"):
        return req.world.by_id("bluesky", actor)
    return req.world.by_handle("bluesky", actor)


def _bsky_profile(acc: SimAccount) -> dict:
    return {"did": acc.account_id, "handle": acc.handle, "displayName": acc.name or "",
            "followersCount": 0, "followsCount": 0, "postsCount": 0, "labels": [],
            "indexedAt": "2025-01-01T00:00:00.000Z"}


def _xrpc_error(error: str, message: str, status: int = 400) -> SimResponse:
    return SimResponse(status, {"error": error, "message": message})


@route("GET", "/xrpc/app.bsky.actor.getProfiles", "bluesky")
def bsky_profiles(req: SimRequest) -> SimResponse:
    actors = req.query.get("actors") or []
    if not actors or len(actors) > BSKY_MAX:
        return _xrpc_error("InvalidRequest", f"actors must have 1 to {BSKY_MAX} items")
    found = [_bsky_find(req, a) for a in actors]
    return SimResponse(200, {"profiles": [_bsky_profile(a) for a in found
                                          if a is not None and req.world.status(a) == "active"]})


@route("GET", "/xrpc/app.bsky.actor.getProfile", "bluesky")
def bsky_profile(req: SimRequest) -> SimResponse:
    acc = _bsky_find(req, req.arg("actor") or "")
    status = req.world.status(acc) if acc else "not_found"
    if status == "active":
        return SimResponse(200, _bsky_profile(acc))
    if status in ("takendown", "suspended"):
        return _xrpc_error("AccountTakedown", "Account has been suspended")
    if status == "deactivated":
        return _xrpc_error("AccountDeactivated", "Account is deactivated")
    return _xrpc_error("InvalidRequest", "Profile not found")


SESSIONS: set[str] = set()


@route("POST", "/xrpc/com.atproto.server.createSession", "bluesky")
def bsky_session(req: SimRequest) -> SimResponse:
    body = req.json() or {}
    if not body.get("identifier") or not body.get("password"):
        return _xrpc_error("AuthenticationRequired", "Invalid identifier or password", 401)
    token = "sim-" + secrets.token_hex(8)
    SESSIONS.add(token)
    return SimResponse(200, {"did": "did:plc:simreporter", "handle": body["identifier"],
                             "accessJwt": token, "refreshJwt": "r" + token, "active": True})


@route("POST", "/xrpc/com.atproto.moderation.createReport", "bluesky")
def bsky_report(req: SimRequest) -> SimResponse:
    if _bearer(req) not in SESSIONS:
        return _xrpc_error("AuthenticationRequired", "Authentication Required", 401)
    body = req.json() or {}
    subject = body.get("subject") or {}
    if not body.get("reasonType") or subject.get("$type") != "com.atproto.admin.defs#repoRef":
        return _xrpc_error("InvalidRequest", "Input must have the properties reasonType and subject")
    acc = req.world.by_id("bluesky", str(subject.get("did") or ""))
    if acc is None:
        return _xrpc_error("InvalidRequest", "Subject not found")
    report_id = req.world.report(acc, channel="api", detail={"reason_type": body["reasonType"]})
    return SimResponse(200, {"id": report_id, "reasonType": body["reasonType"], "reason": body.get("reason"),
                             "subject": subject, "reportedBy": "did:plc:simreporter",
                             "createdAt": iso(req.world.now)})
