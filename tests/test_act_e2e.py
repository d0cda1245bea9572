"""The whole loop over real HTTP: report submit -> mark-sent -> track against the platform
simulator on 127.0.0.1 (no mocks between the clients and the server)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import stamina
from sqlalchemy import select

from hydrawatch.act.report import mark_sent, submit_reports
from hydrawatch.act.track import track
from hydrawatch.sim.platform_server import ServerConfig, running
from hydrawatch.sim.platform_world import Moderation, PlatformWorld
from hydrawatch.store.schema import Case, Report, Status
from tests.report_world import REENTRIES, T0, build

ENV = {"HYDRAWATCH_X_BEARER_TOKEN": "t", "HYDRAWATCH_MASTODON_TOKEN": "m",
       "HYDRAWATCH_BSKY_HANDLE": "watch.example", "HYDRAWATCH_BSKY_APP_PASSWORD": "pw",
       "HYDRAWATCH_HTTP_TIMEOUT": "0.5"}


@pytest.fixture(autouse=True)
def _fast_backoff():
    with stamina.set_testing(True, attempts=6, cap=True):
        yield


def _env(server):
    return {**ENV, "HYDRAWATCH_X_API_URL": server.url, "HYDRAWATCH_MASTODON_URL": server.url,
            "HYDRAWATCH_BSKY_URL": server.url}


def test_report_then_track_against_the_simulator(store, tmp_path):
    ids = build(store, tmp_path)
    world = PlatformWorld.from_store(store, Moderation(removal_rate=1.0, delay_median_hours=2,
                                                       delay_sigma=0.0), now=T0)
    # Every request may fail: the clients must retry through 503s and stalls.
    config = ServerConfig(rate_limit=1000, fail_rate=0.15, stall_rate=0.05, stall_seconds=0.8, seed=3)
    with running(world, config) as server, httpx.Client() as http:
        env = _env(server)
        dry = submit_reports(store, dry_run=True, env=env, http=http, now=T0, pack_dir=tmp_path / "packs")
        assert dry.count("would-send") == 4 and dry.count("would-prepare") == 3 and not world.reports
        summary = submit_reports(store, env=env, http=http, now=T0, pack_dir=tmp_path / "packs")
        assert summary.count("sent") == 4 and summary.count("prepared") == 3, summary.as_dict()
        assert len(summary.packs) == 2  # x and telegram
        evasion = {o.account_id: o.ban_evasion_of for o in summary.outcomes}
        assert evasion["did:plc:bbb"] == "bluesky:did:plc:aaa" and evasion["102"] == "mastodon:101"
        reasons = {r["account_id"]: r.get("reason_type") for r in world.reports}
        assert reasons["did:plc:bbb"].endswith("#reasonRuleBanEvasion")
        assert reasons["did:plc:aaa"].endswith("#reasonViolenceExtremistContent")
        # a second run reports nothing twice
        assert submit_reports(store, env=env, http=http, now=T0, pack_dir=tmp_path / "packs").outcomes == []
        x_pack = next(p for p in summary.packs if "/x-" in p)
        assert sorted(mark_sent(store, x_pack, now=T0)) == [ids[("x", "1710000000000000001")],
                                                             ids[("x", "1710000000000000002")]]
        http.post(f"{server.url}/_sim/flag", json={"platform": "x", "account_ids": [
            "1710000000000000001", "1710000000000000002"]})

        # Before the removal delay: still live -> reported cases become active.
        first = track(store, env=env, http=http, now=T0 + timedelta(hours=1))
        assert first.active == 6 and first.removed == 0 and first.unchecked == 1  # telegram: no API
        world.advance(3 * 3600)
        second = track(store, env=env, http=http, now=T0 + timedelta(hours=3), stale_hours=1)
        assert second.removed == 6, second.as_dict()

    with store.session() as db:
        states = {(c.platform, c.account_id): c.state for c in db.scalars(select(Case))}
        reports = db.scalars(select(Report)).all()
        statuses = {s.status for s in db.scalars(select(Status).where(Status.source == "track"))}
    assert states[("telegram", "5001")] == "verified"  # its pack is not marked sent
    assert {s for k, s in states.items() if k[0] != "telegram"} == {"removed"}
    assert {r.status for r in reports if r.recipient in ("mastodon", "bluesky")} == {"sent"}
    assert all(r.reference for r in reports)
    assert statuses == {"active", "suspended", "takendown"}
    assert set(REENTRIES) <= set(states)


def test_a_rate_limit_beyond_the_wait_is_recorded_and_the_next_run_resumes(store, tmp_path):
    build(store, tmp_path)
    world = PlatformWorld.from_store(store, now=T0)
    with running(world, ServerConfig(rate_limit=1, rate_window=3600.0)) as server, httpx.Client() as http:
        env = {**_env(server), "HYDRAWATCH_RATE_LIMIT_MAX_WAIT": "0.1"}
        summary = track(store, env=env, http=http, now=T0, platform="mastodon")
        assert summary.checked == 1 and summary.unknown == 1
        assert any("rate limited" in e for e in summary.errors)
    with running(world, ServerConfig(rate_limit=100)) as server, httpx.Client() as http:
        again = track(store, env=_env(server), http=http, now=T0, platform="mastodon")
    assert again.checked == 1 and again.unknown == 0  # only the account not yet known
