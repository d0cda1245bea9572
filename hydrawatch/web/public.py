"""Public pages, no sign-in: the published list (with search), the transparency report and
the appeal form. Nothing here names a reviewer, a nominator or an appellant's contact."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from hydrawatch.act.listing import verified_entries
from hydrawatch.act.metrics import compute_metrics
from hydrawatch.store.db import transaction
from hydrawatch.timeutil import iso
from hydrawatch.verification.appeals import submit_appeal
from hydrawatch.web.security import check_form_csrf, rate_limit
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_QUERY = 200


def published(store, q: str = "") -> list[dict]:
    """The published list (the same entries ``hydrawatch publish`` writes), newest
    verification first; ``q`` matches handle or id, case-insensitively. Only what may be
    published: no reviewer, nominator or organisation name, no evidence content."""
    q = (q or "").strip().lstrip("@").lower()[:MAX_QUERY]
    with transaction(store, readonly=True) as db:
        entries = verified_entries(db)
    rows = [{"platform": e.platform, "account_id": e.account_id, "handle": e.handle,
             "category": e.category, "verified_at": iso(e.verified_at),
             "confirmations": e.confirmations, "status": e.status, "status_at": iso(e.status_at),
             "evidence_sha256": list(e.evidence_sha256)} for e in entries]
    if q:
        rows = [r for r in rows if q in (r["handle"] or "").lower() or q in r["account_id"].lower()]
    return sorted(rows, key=lambda r: r["verified_at"] or "", reverse=True)


def transparency(store) -> dict:
    """The transparency report's figures (``hydrawatch metrics``), public fields only."""
    m = compute_metrics(store).as_dict()
    cases = m["cases"]
    return {"as_of": m["as_of"], "cases": cases["by_state"],
            "listed": sum(1 for _ in published(store)),
            "verified": cases["verified"], "rejected": cases["rejected"],
            "reports": {"sent": m["reports"]["sent"], "failed": m["reports"]["failed"]},
            "platforms": m["platforms"], "time_to_removal": m["time_to_removal"],
            "survival": {k: v for k, v in m["survival"].items() if k != "curve"},
            "reentries": {k: m["reentries"][k] for k in ("linked", "median_days_to_return",
                                                         "largest_family")},
            "appeals": {k: m["appeals"][k] for k in ("open", "upheld", "delisted")},
            "appeals_total": m["appeals"]["submitted"],
            "unchecked_accounts": m["unchecked_accounts"]}


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
