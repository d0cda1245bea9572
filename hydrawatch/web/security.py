"""Security plumbing shared by every route: response headers (strict CSP with no inline
script), CSRF tokens, and rate limits (slowapi's limiter, keyed by client address)."""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request
from limits import parse
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.middleware.base import BaseHTTPMiddleware

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# -- CSRF ---------------------------------------------------------------------------------

def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use; every form carries it)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, sent: str | None) -> bool:
    token = request.session.get("csrf")
    return bool(token and sent and hmac.compare_digest(token, str(sent)))


async def check_form_csrf(request: Request) -> None:
    """Dependency for every HTML form POST: the form's ``csrf`` must match the session's."""
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        raise HTTPException(403, "the form expired or did not come from this site; reload and retry")


# -- rate limits --------------------------------------------------------------------------

def make_limiter() -> Limiter:
    return Limiter(key_func=get_remote_address, headers_enabled=False)


def rate_limit(name: str):
    """Dependency: refuse with 429 once this client exceeds the app's limit ``name``."""
    def check(request: Request) -> None:
        limiter: Limiter = request.app.state.limiter
        item = parse(request.app.state.limits[name])
        if not limiter.limiter.hit(item, name, get_remote_address(request)):
            raise HTTPException(429, f"too many attempts; limit {request.app.state.limits[name]}")
    return check
