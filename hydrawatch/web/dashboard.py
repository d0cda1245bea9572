"""The dashboard: outcome charts (cases by state, verifications and re-entries per day;
removals and survival once the outcome metrics are in the store)."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Request

from hydrawatch.verification.views import list_cases
from hydrawatch.verification.states import STATES
from hydrawatch.linking.pipeline import list_links
from hydrawatch.web.auth import ANY_ROLE, SessionUser, page_user
from hydrawatch.web.charts import bars, per_day
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)


def dashboard_data(store) -> dict:
    cases = list_cases(store)
    by_state = Counter(c["state"] for c in cases)
    links = list_links(store)
    return {"cases": len(cases), "by_state": {s: by_state.get(s, 0) for s in STATES},
            "verified_per_day": per_day(c["verified_at"] for c in cases),
            "reentries_per_day": per_day(ln["linkable_at"] for ln in links),
            "links": len(links)}


@router.get("/dashboard")
def dashboard(request: Request, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    data = dashboard_data(request.app.state.store)
    charts = [bars([(s, n) for s, n in data["by_state"].items() if n], title="Cases by state"),
              bars(data["verified_per_day"], title="Cases verified per day"),
              bars(data["reentries_per_day"], title="Re-entries linked per day")]
    return render(request, "dashboard.html", data=data, charts=charts)
