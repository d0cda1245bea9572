"""Public pages, no sign-in: the published list (with search), the transparency report and
the appeal form. Nothing here names a reviewer, a nominator or an appellant's contact."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Form, Request

from hydrawatch.verification.appeals import list_appeals, submit_appeal
from hydrawatch.verification.views import list_cases
from hydrawatch.verification.review import LISTED_STATES
from hydrawatch.web.security import check_form_csrf, rate_limit
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
PUBLIC_FIELDS = ("platform", "account_id", "handle", "state", "category", "verified_at")
MAX_QUERY = 200


def published(store, q: str = "") -> list[dict]:
    """Listed accounts (verified and not delisted), newest verification first; ``q`` matches
    handle or id, case-insensitively. Only public fields."""
    q = (q or "").strip().lstrip("@").lower()[:MAX_QUERY]
    rows = [{k: c[k] for k in PUBLIC_FIELDS} for c in list_cases(store)
            if c["state"] in LISTED_STATES]
    if q:
        rows = [r for r in rows if q in (r["handle"] or "").lower() or q in r["account_id"].lower()]
    return sorted(rows, key=lambda r: r["verified_at"] or "", reverse=True)


def transparency(store) -> dict:
    cases = Counter(c["state"] for c in list_cases(store))
    appeals = Counter(a["state"] for a in list_appeals(store))
    return {"cases": dict(cases), "listed": sum(cases[s] for s in LISTED_STATES),
            "appeals": dict(appeals), "appeals_total": sum(appeals.values())}


@router.get("/list")
def public_list(request: Request, q: str = ""):
    return render(request, "public_list.html", rows=published(request.app.state.store, q), q=q)


@router.get("/report")
def report(request: Request):
    return render(request, "report.html", report=transparency(request.app.state.store))


@router.get("/appeal")
def appeal_form(request: Request, account: str = ""):
    return render(request, "appeal.html", account=account[:300], done=None, error=None)


@router.post("/appeal", dependencies=[Depends(rate_limit("appeal")), Depends(check_form_csrf)])
def appeal(request: Request, account: str = Form(""), contact: str = Form(""), text: str = Form("")):
    result = submit_appeal(request.app.state.store, account.strip(), contact=contact, text=text)
    return render(request, "appeal.html", account="", done={"id": result["id"]}, error=None)
