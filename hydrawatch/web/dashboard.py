"""The dashboard: the outcome metrics (reports, removals, time to removal, survival of
reported accounts, re-entries) with charts — removals per day, the Kaplan–Meier survival
curve, verifications and re-entries per day, cases by state."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Request

from hydrawatch.act.metrics import compute_metrics
from hydrawatch.act.outcomes import case_outcomes
from hydrawatch.linking.pipeline import list_links
from hydrawatch.store.db import transaction
from hydrawatch.timeutil import iso
from hydrawatch.verification.states import STATES
from hydrawatch.verification.views import list_cases
from hydrawatch.web.auth import ANY_ROLE, SessionUser, page_user
from hydrawatch.web.charts import bars, per_day, steps
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)


def dashboard_data(store) -> dict:
    """Every figure the dashboard shows, as plain JSON-ready values."""
    cases = list_cases(store)
    by_state = Counter(c["state"] for c in cases)
    links = list_links(store)
    metrics = compute_metrics(store)
    with transaction(store, readonly=True) as db:
        outcomes = case_outcomes(db, now=metrics.as_of)
    m = metrics.as_dict()
    return {"cases": len(cases), "by_state": {s: by_state.get(s, 0) for s in STATES},
            "verified_per_day": per_day(c["verified_at"] for c in cases),
            "reentries_per_day": per_day(ln["linkable_at"] for ln in links),
            "reported_per_day": per_day(iso(o.reported_at) for o in outcomes),
            "removals_per_day": per_day(iso(o.removed_at) for o in outcomes if o.removed),
            "links": len(links), "reports": m["reports"], "platforms": m["platforms"],
            "time_to_removal": m["time_to_removal"], "survival": m["survival"],
            "reentries": m["reentries"], "appeals": m["appeals"], "as_of": m["as_of"]}


def dashboard_charts(data: dict) -> list[dict]:
    curve = [(float(d), float(s)) for d, s in data["survival"]["curve"]]
    return [bars(data["removals_per_day"], title="Reported accounts removed per day"),
            steps(curve, title="Reported accounts still live (Kaplan–Meier)",
                  x_label="days after report"),
            bars(data["reentries_per_day"], title="Re-entries linked per day"),
            bars(data["reported_per_day"], title="Accounts reported per day"),
            bars(data["verified_per_day"], title="Cases verified per day"),
            bars([(s, n) for s, n in data["by_state"].items() if n], title="Cases by state")]


@router.get("/dashboard")
def dashboard(request: Request, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    data = dashboard_data(request.app.state.store)
    return render(request, "dashboard.html", data=data, charts=dashboard_charts(data))
