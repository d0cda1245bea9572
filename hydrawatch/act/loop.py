"""The act-and-prove loop against the platform simulator, for the demo and benchmarks:
report every verified case, send the report packs, then track on a schedule of virtual
time, and measure what the platform did from the store alone.

    run_loop(store, world, days=14, step_hours=12) -> LoopResult

The measured figures come from the store (reports and the statuses ``track`` wrote), the
truth from the simulator (``/_sim/truth``), so a benchmark can compare the two.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from hydrawatch.act.report import mark_sent, submit_reports
from hydrawatch.act.track import track
from hydrawatch.platforms.client import REMOVED
from hydrawatch.sim.platform_server import ServerConfig, running
from hydrawatch.sim.platform_world import PlatformWorld
from hydrawatch.store.schema import Case, Report, Status
from hydrawatch.timeutil import as_utc, iso, parse_time

SIM_CREDENTIALS = {"HYDRAWATCH_X_BEARER_TOKEN": "sim", "HYDRAWATCH_MASTODON_TOKEN": "sim",
                   "HYDRAWATCH_BSKY_HANDLE": "sim.example", "HYDRAWATCH_BSKY_APP_PASSWORD": "sim",
                   "HYDRAWATCH_HTTP_TIMEOUT": "1.0"}


@dataclass
class LoopResult:
    reports: dict = field(default_factory=dict)      # SubmitSummary.as_dict() without outcomes
    track_runs: int = 0
    unknown: int = 0
    measured: dict = field(default_factory=dict)     # per platform and "all"
    truth: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)


def sim_env(url: str) -> dict:
    return {**SIM_CREDENTIALS, "HYDRAWATCH_X_API_URL": url, "HYDRAWATCH_MASTODON_URL": url,
            "HYDRAWATCH_BSKY_URL": url}


def schedule(start: datetime, days: float, dense_days: float = 7.0, dense_hours: float = 2.0,
             sparse_hours: float = 12.0) -> list[datetime]:
    """Check times: every ``dense_hours`` for ``dense_days``, then every ``sparse_hours``."""
    times, t = [], start + timedelta(hours=dense_hours)
    while t <= start + timedelta(days=days):
        times.append(t)
        t += timedelta(hours=dense_hours if t < start + timedelta(days=dense_days) else sparse_hours)
    return times


def run_loop(store, world: PlatformWorld, *, checks: list[datetime], pack_dir: Path,
             config: ServerConfig | None = None) -> LoopResult:
    start = world.now
    result = LoopResult()
    with running(world, config) as server, httpx.Client() as http:
        env = sim_env(server.url)
        summary = submit_reports(store, env=env, http=http, now=start, pack_dir=pack_dir)
        for pack in summary.packs:  # a person sends each pack; the platform receives it
            case_ids = mark_sent(store, pack, now=start)
            with store.session() as db:
                cases = [db.get(Case, c) for c in case_ids]
            for platform in {c.platform for c in cases}:
                http.post(f"{server.url}/_sim/flag", json={
                    "platform": platform, "account_ids": [c.account_id for c in cases if c.platform == platform]})
        result.reports = {k: v for k, v in summary.as_dict().items() if k != "outcomes"}
        for i, t in enumerate(checks):
            http.post(f"{server.url}/_sim/clock", json={"now": iso(t)})
            step = (checks[i + 1] - t) if i + 1 < len(checks) else timedelta(hours=12)
            s = track(store, env=env, http=http, now=t, stale_hours=step.total_seconds() / 7200)
            result.unknown += s.unknown
            result.track_runs += 1
        result.truth = truth_figures(http.get(f"{server.url}/_sim/truth").json(), checks[-1] if checks else start)
        result.requests = dict(server.stats)
    result.measured = measured_figures(store)
    return result


def _figures(n: int, hours: list[float]) -> dict:
    return {"reported": n, "removed": len(hours), "removal_rate": len(hours) / n if n else None,
            "median_hours": statistics.median(hours) if hours else None}


def measured_figures(store) -> dict:
    """Per platform: reports sent, accounts seen removed after their report, and the median
    hours from the report to the first removed observation."""
    per: dict[str, tuple[int, list[float]]] = {}
    with store.session() as db:
        rows = db.execute(select(Case.platform, Case.account_id, Report.sent_at)
                          .join(Report, Report.case_id == Case.id).where(Report.status == "sent")).all()
        for platform, account_id, sent_at in rows:
            sent_at = as_utc(sent_at)
            first = db.scalar(select(Status.observed_at).where(
                Status.platform == platform, Status.account_id == account_id,
                Status.status.in_(REMOVED), Status.observed_at >= sent_at)
                .order_by(Status.observed_at).limit(1))
            n, hours = per.get(platform, (0, []))
            if first is not None:
                hours.append((as_utc(first) - sent_at).total_seconds() / 3600)
            per[platform] = (n + 1, hours)
    out = {p: _figures(n, h) for p, (n, h) in sorted(per.items())}
    out["all"] = _figures(sum(n for n, _ in per.values()), [x for _, h in per.values() for x in h])
    return out


def truth_figures(truth: dict, horizon: datetime) -> dict:
    """The simulator's own decisions, counting removals due by ``horizon``."""
    per: dict[str, tuple[int, list[float]]] = {}
    for d in truth["decisions"]:
        n, hours = per.get(d["platform"], (0, []))
        if d["removed"] and parse_time(d["remove_at"]) <= horizon:
            hours.append((parse_time(d["remove_at"]) - parse_time(d["reported_at"])).total_seconds() / 3600)
        per[d["platform"]] = (n + 1, hours)
    out = {p: _figures(n, h) for p, (n, h) in sorted(per.items())}
    out["all"] = _figures(sum(n for n, _ in per.values()), [x for _, h in per.values() for x in h])
    return out
