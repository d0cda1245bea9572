"""`hydrawatch metrics` prints what compute_metrics computes."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from hydrawatch.cli import app
from tests.act_world import T0, add_case, add_report, add_status, day


def test_metrics_cli_json_and_text(store, db_url):
    with store.session() as db:
        for i, removed in enumerate([1, 2, None, None]):
            case = add_case(db, "x", str(i), "reported", handle=f"<b>[red]h{i}")
            add_report(db, case, T0)
            add_status(db, "x", str(i), "suspended" if removed else "active", day(removed or 3))
    res = CliRunner().invoke(app, ["metrics", "--json", "--db", db_url])
    assert res.exit_code == 0, res.output
    data = orjson.loads(res.stdout)
    assert data["platforms"] == [{"platform": "x", "reported": 4, "removed": 2,
                                  "removal_rate": 0.5, "still_live": 2, "reinstated": 0,
                                  "unchecked": 0}]
    assert data["time_to_removal"]["median_hours"] == 36.0
    res = CliRunner().invoke(app, ["metrics", "--db", db_url])
    assert res.exit_code == 0, res.output
    assert "x: 2/4 removed (50.0 %)" in res.stdout
