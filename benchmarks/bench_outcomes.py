"""Does `track` measure what the platform did? On a simulated platform that removes a known
share of reported accounts after a known delay distribution, report every verified
account (Mastodon and Bluesky through their report APIs, X through a report pack marked
sent), then run `track` on a schedule of virtual time against the platform simulator over
real HTTP (with 503s, stalls and rate limits), and compare the measured removal rate and
median time from report to removal with the truth the simulator kept.

    .venv/bin/python benchmarks/bench_outcomes.py [--accounts 300] [--rate 0.7]
        [--median-hours 36] [--sigma 0.8] [--days 30] [--seed 1]

Targets (issue 11): removal rate within 2 points, median time within 10 % of the truth.
Prints both, for the realised truth (the simulator's own decisions) and the configured one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import httpx  # noqa: E402
import orjson  # noqa: E402
from sqlalchemy import select  # noqa: E402

from hydrawatch.act.report import mark_sent, submit_reports  # noqa: E402
from hydrawatch.act.track import track  # noqa: E402
from hydrawatch.cases import open_case  # noqa: E402
from hydrawatch.ingest import ingest_paths  # noqa: E402
from hydrawatch.platforms.client import REMOVED  # noqa: E402
from hydrawatch.sim.platform_server import ServerConfig, running  # noqa: E402
from hydrawatch.sim.platform_world import Moderation, PlatformWorld  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store.schema import Case, Report, Status  # noqa: E402
from hydrawatch.timeutil import as_utc, iso  # noqa: E402

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def accounts(n: int) -> list[dict]:
    """n verified accounts spread over X, Mastodon and Bluesky (synthetic names)."""
    out = []
    for i in range(n):
        platform = ("x", "mastodon", "bluesky")[i % 3]
        ident = {"x": f"{1710000000000000000 + i}", "mastodon": str(100000 + i),
                 "bluesky": f"did:plc:bench{i:06d}"}[platform]
        handle = {"x": f"acct_{i}", "mastodon": f"acct{i}@social{i % 4}.example",
                  "bluesky": f"acct{i}.bsky.social"}[platform]
        out.append({"kind": "account", "platform": platform, "id": ident, "handle": handle,
                    "observed_at": iso(T0 - timedelta(days=1))})
    return out


def schedule(days: float) -> list[datetime]:
    """Check times: every 2 h for a week (where the median lies), then every 12 h."""
    times, t = [], T0 + timedelta(hours=2)
    while t <= T0 + timedelta(days=days):
        times.append(t)
        t += timedelta(hours=2 if t < T0 + timedelta(days=7) else 12)
    return times


def measured(store) -> tuple[int, list[float]]:
    """(reported cases, hours from report to first removed observation for each removed)."""
    with store.session() as db:
        sent = {cid: as_utc(at) for cid, at in db.execute(
            select(Report.case_id, Report.sent_at).where(Report.status == "sent"))}
        cases = {c.id: c for c in db.scalars(select(Case).where(Case.id.in_(sent)))}
        hours = []
        for cid, case in cases.items():
            first = db.scalar(select(Status.observed_at).where(
                Status.platform == case.platform, Status.account_id == case.account_id,
                Status.status.in_(REMOVED), Status.observed_at >= sent[cid])
                .order_by(Status.observed_at).limit(1))
            if first is not None:
                hours.append((as_utc(first) - sent[cid]).total_seconds() / 3600)
    return len(sent), hours


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=300)
    ap.add_argument("--rate", type=float, default=0.7)
    ap.add_argument("--median-hours", type=float, default=36.0)
    ap.add_argument("--sigma", type=float, default=0.8)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-outcomes-"))
    store = open_store(f"sqlite:///{tmp}/bench.db")
    path = tmp / "accounts.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in accounts(args.accounts)))
    ingest_paths(store, [path])
    with store.session() as db:
        for rec in accounts(args.accounts):
            open_case(db, rec["platform"], rec["id"], state="verified", reason="bench")
        db.commit()

    world = PlatformWorld.from_store(store, Moderation(args.rate, args.median_hours, args.sigma, args.seed), now=T0)
    config = ServerConfig(rate_limit=200, fail_rate=0.01, stall_rate=0.002, stall_seconds=1.5, seed=args.seed)
    t_start = time.perf_counter()
    with running(world, config) as server, httpx.Client() as http:
        env = {"HYDRAWATCH_X_BEARER_TOKEN": "bench", "HYDRAWATCH_MASTODON_TOKEN": "bench",
               "HYDRAWATCH_BSKY_HANDLE": "bench.example", "HYDRAWATCH_BSKY_APP_PASSWORD": "bench",
               "HYDRAWATCH_X_API_URL": server.url, "HYDRAWATCH_MASTODON_URL": server.url,
               "HYDRAWATCH_BSKY_URL": server.url, "HYDRAWATCH_HTTP_TIMEOUT": "1.0"}
        summary = submit_reports(store, env=env, http=http, now=T0, pack_dir=tmp / "packs")
        for pack in summary.packs:  # a person sends the X pack; the platform receives it
            case_ids = mark_sent(store, pack, now=T0)
            with store.session() as db:
                ids = [db.get(Case, c).account_id for c in case_ids]
            http.post(f"{server.url}/_sim/flag", json={"platform": "x", "account_ids": ids})
        print(f"reports: {summary.count('sent')} through APIs, {summary.count('prepared')} in packs "
              f"(marked sent), {summary.count('failed')} failed", flush=True)
        checks = schedule(args.days)
        unknown = 0
        for i, t in enumerate(checks):
            http.post(f"{server.url}/_sim/clock", json={"now": iso(t)})
            step = (checks[i + 1] - t) if i + 1 < len(checks) else timedelta(hours=12)
            s = track(store, env=env, http=http, now=t, stale_hours=step.total_seconds() / 3600 * 0.5)
            unknown += s.unknown
        truth = http.get(f"{server.url}/_sim/truth").json()
        stats = dict(server.stats)
    seconds = time.perf_counter() - t_start

    reported, hours = measured(store)
    horizon = T0 + timedelta(days=args.days)
    decisions = truth["decisions"]
    true_removed = [(datetime.fromisoformat(d["remove_at"].replace("Z", "+00:00"))
                     - datetime.fromisoformat(d["reported_at"].replace("Z", "+00:00"))).total_seconds() / 3600
                    for d in decisions if d["removed"]
                    and datetime.fromisoformat(d["remove_at"].replace("Z", "+00:00")) <= horizon]
    rate_m, rate_t = len(hours) / reported, len(true_removed) / len(decisions)
    med_m, med_t = statistics.median(hours), statistics.median(true_removed)
    rate_ok = abs(rate_m - rate_t) * 100 <= 2
    med_ok = abs(med_m - med_t) / med_t <= 0.10
    print(f"checks: {len(checks)} track runs over {args.days:g} virtual days in {seconds:.0f} s; "
          f"requests {sum(v for k, v in stats.items() if ' ' in k):,}, 503s {stats.get('503', 0)}, "
          f"stalls {stats.get('stall', 0)}, 429s {stats.get('429', 0)}; unknown answers {unknown}")
    print(f"removal rate:        measured {rate_m:.3f}  truth {rate_t:.3f}  (configured {args.rate:.3f})  "
          f"diff {abs(rate_m - rate_t) * 100:.2f} points  {'OK' if rate_ok else 'MISSED'} (target ≤ 2)")
    print(f"median time to removal: measured {med_m:.1f} h  truth {med_t:.1f} h  "
          f"(configured {args.median_hours:g} h)  diff {abs(med_m - med_t) / med_t * 100:.1f} %  "
          f"{'OK' if med_ok else 'MISSED'} (target ≤ 10 %)")
    print(f"reported {reported} cases; removed seen {len(hours)}, truly removed by the horizon "
          f"{len(true_removed)} of {len(decisions)}")
    store.dispose()


if __name__ == "__main__":
    main()
