"""`hydrawatch metrics` and `hydrawatch export` print what the act API computes."""

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


def test_export_cli(store, db_url, tmp_path):
    from tests.act_world import build_list_world

    with store.session() as db:
        build_list_world(db)
    res = CliRunner().invoke(app, ["export", "--format", "mastodon-csv", "--db", db_url])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == ["Account address", "gamma@ex.social"]
    out = tmp_path / "list.json"
    res = CliRunner().invoke(app, ["export", "--format", "json", "--out", str(out), "--db", db_url])
    assert res.exit_code == 0, res.output
    assert orjson.loads(out.read_bytes())["count"] == 5
    res = CliRunner().invoke(app, ["export", "--format", "nope", "--db", db_url])
    assert res.exit_code != 0


def test_publish_cli(store, db_url, tmp_path):
    from hydrawatch.act.publish import verify_version
    from tests.act_world import build_list_world

    with store.session() as db:
        build_list_world(db)
    res = CliRunner().invoke(app, ["publish", str(tmp_path / "site"), "--json",
                                   "--publisher", "Example Watch", "--db", db_url])
    assert res.exit_code == 0, res.output
    data = orjson.loads(res.stdout)
    assert data["version"] == 1 and verify_version(tmp_path / "site" / "v1") == []
    res = CliRunner().invoke(app, ["publish", str(tmp_path / "site"), "--db", db_url])
    assert res.exit_code == 0, res.output
    assert "published version 2" in res.stdout
