"""Who is asking: sign-in and sign-out, the session (a signed, HttpOnly cookie holding the
user id and a CSRF token), API bearer tokens, and the role checks every route declares.

A page route refused for lack of a session redirects to /login; an API route answers 401.
Either answers 403 when the user's role is not enough. Users are re-read from the store on
every request, so a deactivated user or a changed role takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from hydrawatch.verification.people import check_password
from hydrawatch.store.schema import Organization, User
from hydrawatch.web.security import check_form_csrf, csrf_ok, csrf_token, rate_limit
from hydrawatch.web.templating import render

TOKEN_AGE = 12 * 3600
ANY_ROLE = ("contributor", "reviewer", "admin")
REVIEWERS = ("reviewer", "admin")
ADMINS = ("admin",)


@dataclass(frozen=True)
class SessionUser:
    id: int
    name: str
    role: str
    org: str


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to /login."""


def load_user(request: Request, user_id) -> SessionUser | None:
    if not isinstance(user_id, int):
        return None
    with request.app.state.store.session(readonly=True) as db:
        row = db.execute(select(User, Organization.name)
                         .join(Organization, Organization.id == User.org_id)
                         .where(User.id == user_id)).first()
        if row is None or not row[0].active:
            return None
        return SessionUser(row[0].id, row[0].name, row[0].role, row[1])


def session_user(request: Request) -> SessionUser | None:
    if "user" not in request.scope.get("state", {}):
        request.state.user = load_user(request, request.session.get("uid"))
    return request.state.user


def page_user(*roles: str):
    """Dependency for pages: the signed-in user, who must hold one of ``roles``."""
    def dep(request: Request) -> SessionUser:
        user = session_user(request)
        if user is None:
            raise LoginRequired()
        if user.role not in roles:
            raise HTTPException(403, f"this page needs the role {' or '.join(roles)}")
        return user
    return dep


_bearer = HTTPBearer(auto_error=False, description="a token from POST /api/session")


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt="hydrawatch-api")


def api_user(*roles: str):
    """Dependency for API routes: a bearer token from POST /api/session, or the browser
    session (then unsafe methods must send the CSRF token as X-CSRF-Token)."""
    def dep(request: Request,
            cred: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> SessionUser:
        user = None
        if cred is not None:
            try:
                data = _serializer(request).loads(cred.credentials, max_age=TOKEN_AGE)
                user = load_user(request, data.get("uid") if isinstance(data, dict) else None)
            except BadSignature:
                user = None
        elif request.session.get("uid") is not None:
            user = session_user(request)
            if user is not None and request.method not in ("GET", "HEAD", "OPTIONS") \
                    and not csrf_ok(request, request.headers.get("x-csrf-token")):
                raise HTTPException(403, "missing or wrong X-CSRF-Token header")
        if user is None:
            raise HTTPException(401, "sign in first (POST /api/session)",
                                headers={"WWW-Authenticate": "Bearer"})
        if user.role not in roles:
            raise HTTPException(403, f"needs the role {' or '.join(roles)}")
        return user
    return dep


def issue_token(request: Request, user: SessionUser) -> str:
    return _serializer(request).dumps({"uid": user.id})


def authenticate(request: Request, name: str, password: str) -> SessionUser | None:
    user = check_password(request.app.state.store, (name or "").strip(), password or "")
    return load_user(request, user.id) if user is not None else None


def safe_next(target: str | None) -> str:
    """Only a local path may follow sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/review"


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/review"):
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/login", dependencies=[Depends(rate_limit("login")), Depends(check_form_csrf)])
def login(request: Request, name: str = Form(""), password: str = Form(""),
          next: str = Form("/review")):
    user = authenticate(request, name, password)
    if user is None:
        return render(request, "login.html", status_code=401, next=safe_next(next),
                      error="Wrong name or password.")
    request.session.clear()  # a fresh session (and CSRF token) on every sign-in
    request.session["uid"] = user.id
    csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_form_csrf)])
def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
