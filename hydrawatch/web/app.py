"""The FastAPI application: middleware (sessions, security headers), error pages, static
files, and one router per page family.

    create_app(store_or_url)  ->  FastAPI

Pages live in ``review.py`` (queue, case page), ``families.py``, ``lists.py``,
``dashboard.py``, ``admin.py`` and ``public.py``; the JSON API in ``api_*.py``.
"""

from __future__ import annotations

import os
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hydrawatch.errors import HydrawatchError, InputError, NotFound, PermissionDenied, RateLimited
from hydrawatch.store.db import Store, open_store
from hydrawatch.web.auth import LoginRequired, login_redirect
from hydrawatch.web.security import SecurityHeaders, make_limiter
from hydrawatch.web.templating import HERE, render

SESSION_AGE = 12 * 3600
DEFAULT_LIMITS = {"login": "10/minute", "appeal": "5/minute"}


def _status_of(exc: HydrawatchError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    return 400 if isinstance(exc, InputError) else 409


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(store: Store | str | None = None, *, secret: str | None = None,
               https_only: bool = True, limits: dict | None = None) -> FastAPI:
    """The app over ``store`` (a Store, a database URL, or $HYDRAWATCH_DB).
    ``secret`` signs sessions and API tokens ($HYDRAWATCH_SECRET, else random per process);
    ``https_only`` marks the session cookie Secure."""
    from hydrawatch.web import (admin, api_admin, api_public, api_review, auth, dashboard,
                                families, lists, public, review)

    app = FastAPI(title="hydrawatch", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Review console and public list of hydrawatch. Every route "
                              "checks the caller's role; see POST /api/session.")
    app.state.store = store if isinstance(store, Store) else open_store(store)
    app.state.secret = secret or os.environ.get("HYDRAWATCH_SECRET") or secrets.token_urlsafe(32)
    app.state.limits = {**DEFAULT_LIMITS, **(limits or {})}
    app.state.limiter = make_limiter()
    app.add_middleware(SessionMiddleware, secret_key=app.state.secret, session_cookie="hw_session",
                       max_age=SESSION_AGE, same_site="lax", https_only=https_only)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (auth, review, families, lists, dashboard, admin, public,
                   api_review, api_admin, api_public):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return login_redirect(request)

    @app.exception_handler(HydrawatchError)
    async def _domain(request: Request, exc: HydrawatchError):
        status = _status_of(exc)
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return render(request, "error.html", status_code=status, error_message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        if exc.status_code == 401:
            return login_redirect(request)
        return render(request, "error.html", status_code=exc.status_code, error_message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if _wants_json(request):
            return JSONResponse({"detail": "invalid request",
                                 "errors": [{"loc": list(e.get("loc", ())), "msg": e.get("msg")}
                                            for e in exc.errors()]}, status_code=422)
        return render(request, "error.html", status_code=422,
                      error_message="Some fields of the form are missing or invalid.")

    @app.get("/", include_in_schema=False)
    def home(request: Request):
        from hydrawatch.web.auth import session_user

        return RedirectResponse("/review" if session_user(request) else "/list", status_code=303)

    return app
