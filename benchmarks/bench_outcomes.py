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
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import orjson  # noqa: E402

from hydrawatch.act.loop import run_loop, schedule  # noqa: E402
from hydrawatch.verification.cases import open_case  # noqa: E402
from hydrawatch.ingest import ingest_paths  # noqa: E402
from hydrawatch.sim.platform_server import ServerConfig  # noqa: E402
from hydrawatch.sim.platform_world import Moderation, PlatformWorld  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.timeutil import iso  # noqa: E402

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

    world = PlatformWorld.from_store(store, Moderation(args.rate, args.median_hours, args.sigma, args.seed), now=T0)
    config = ServerConfig(rate_limit=200, fail_rate=0.01, stall_rate=0.002, stall_seconds=1.5, seed=args.seed)
    checks = schedule(T0, args.days)
    t_start = time.perf_counter()
    result = run_loop(store, world, checks=checks, pack_dir=tmp / "packs", config=config)
    seconds = time.perf_counter() - t_start
    store.dispose()

    m, t = result.measured["all"], result.truth["all"]
    rate_diff = abs(m["removal_rate"] - t["removal_rate"]) * 100
    med_diff = abs(m["median_hours"] - t["median_hours"]) / t["median_hours"] * 100
    req = result.requests
    print(f"reports: {result.reports['sent']} sent ({result.reports['prepared']} through report packs "
          f"marked sent), {result.reports['failed']} failed")
    print(f"track: {result.track_runs} runs over {args.days:g} virtual days in {seconds:.0f} s; "
          f"{sum(v for k, v in req.items() if ' ' in k):,} requests, 503s {req.get('503', 0)}, "
          f"stalls {req.get('stall', 0)}, 429s {req.get('429', 0)}; unknown answers {result.unknown}")
    print(f"removal rate:           measured {m['removal_rate']:.3f}  truth {t['removal_rate']:.3f}  "
          f"(configured {args.rate:.3f})  diff {rate_diff:.2f} points  "
          f"{'OK' if rate_diff <= 2 else 'MISSED'} (target <= 2)")
    print(f"median time to removal: measured {m['median_hours']:.1f} h  truth {t['median_hours']:.1f} h  "
          f"(configured {args.median_hours:g} h)  diff {med_diff:.1f} %  "
          f"{'OK' if med_diff <= 10 else 'MISSED'} (target <= 10 %)")
    for p in sorted(k for k in result.measured if k != "all"):
        mp, tp = result.measured[p], result.truth.get(p, {})
        print(f"  {p:9s} reported {mp['reported']:4d}  removed measured {mp['removed']:4d} / truth "
              f"{tp.get('removed', 0):4d}  median {mp['median_hours'] or 0:.1f} h / {tp.get('median_hours') or 0:.1f} h")


if __name__ == "__main__":
    main()
