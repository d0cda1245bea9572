"""The dashboard and the public pages on a store with reports and status checks: removals
per day, the survival curve, the published list equal to what `publish` writes, and the
transparency report's figures equal to `compute_metrics`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hydrawatch.act.listing import verified_entries
from hydrawatch.act.metrics import compute_metrics
from hydrawatch.web import create_app
from hydrawatch.web.dashboard import dashboard_charts, dashboard_data
from hydrawatch.web.public import published, transparency
from tests.act_world import T0, add_case, add_report, add_status, day

REMOVED = {"101": 1, "102": 2, "103": 2}
LIVE = {"104": 3}


@pytest.fixture
def world(store):
    with store.session() as db:
        for aid in [*REMOVED, *LIVE]:
            case = add_case(db, "x", aid, "removed" if aid in REMOVED else "active",
                            handle=f"handle{aid}")
            add_report(db, case, T0)
        for aid, d in REMOVED.items():
            add_status(db, "x", aid, "active", day(d / 2))
            add_status(db, "x", aid, "suspended", day(d))
        add_status(db, "x", "104", "active", day(3))
        add_case(db, "x", "105", "nominated", handle="handle105")
    return store


def test_dashboard_has_removals_per_day_and_survival(world):
    data = dashboard_data(world)
    assert dict(data["removals_per_day"]) == {"2026-01-02": 1, "2026-01-03": 2}
    assert dict(data["reported_per_day"]) == {"2026-01-01": 4}
    assert data["time_to_removal"]["removed"] == 3
    assert data["time_to_removal"]["median_hours"] == pytest.approx(48.0)
    curve = data["survival"]["curve"]
    assert curve[0] == [0.0, 1.0] and curve[-1][1] == pytest.approx(0.25)
    assert data["survival"] == compute_metrics(world).as_dict()["survival"] | {
        "curve": curve}
    charts = {c["title"]: c for c in dashboard_charts(data)}
    surv = charts["Reported accounts still live (Kaplan–Meier)"]
    assert surv["kind"] == "steps" and not surv["empty"] and surv["path"].startswith("M")
    removals = charts["Reported accounts removed per day"]
    assert [b["value"] for b in removals["items"]] == [1, 2]


def test_public_list_is_the_published_list(world):
    rows = published(world)
    with world.session() as db:
        entries = verified_entries(db)
    assert sorted(r["account_id"] for r in rows) == sorted(e.account_id for e in entries)
    assert "105" not in {r["account_id"] for r in rows}  # only nominated
    removed = {r["account_id"]: r["status"] for r in rows}
    assert removed["101"] == "removed" and removed["104"] == "active"
    assert [r["account_id"] for r in published(world, "@HANDLE102")] == ["102"]


def test_transparency_report_figures(world):
    rep = transparency(world)
    m = compute_metrics(world).as_dict()
    assert rep["listed"] == 4 and rep["reports"]["sent"] == 4
    assert rep["time_to_removal"] == m["time_to_removal"]
    assert rep["survival"]["live_at_7_days"] == m["survival"]["live_at_7_days"]
    app = create_app(world, secret="s")
    c = TestClient(app, base_url="https://127.0.0.1")
    page = c.get("/report").text
    assert "median time to removal 48.0 hours" in page
    assert "handle103" in c.get("/list").text
