"""How close `hydrawatch metrics` gets to the truth when removals are only seen at checks.

A synthetic store (no platform simulator): N reported accounts; a known share is removed
after a delay drawn from a log-normal distribution; `track` is modelled as a check every
``--interval`` hours until ``--horizon`` days, writing ``statuses`` rows. The script prints
the true removal rate (within the horizon) and median delay next to what compute_metrics
measures, and the Kaplan-Meier S(7 d) against the true share still live at 7 days.

    .venv/bin/python benchmarks/bench_outcome_metrics.py [--accounts 2000] [--interval 6]

The measured delay is biased up by up to one check interval (a removal is seen at the next
check), so the median error shrinks with the interval.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hydrawatch.act.metrics import compute_metrics  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store.schema import Case, Report, Status  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--removed-share", type=float, default=0.7)
    ap.add_argument("--median-hours", type=float, default=30.0)
    ap.add_argument("--interval", type=float, default=6.0, help="hours between checks")
    ap.add_argument("--horizon", type=float, default=45.0, help="days of checking")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    store = open_store(url)
    horizon_h = args.horizon * 24
    true_delays, live_at_7 = [], 0
    with store.session() as db:
        cases = [Case(platform="x", account_id=str(i), state="reported", opened_at=T0,
                      updated_at=T0, verified_at=T0, version=1) for i in range(args.accounts)]
        db.add_all(cases)
        db.flush()
        reports, statuses = [], []
        for case in cases:
            reports.append({"case_id": case.id, "recipient": "x", "channel": "api",
                            "status": "sent", "sent_at": T0, "extra": {}})
            delay = None
            if rng.random() < args.removed_share:
                delay = rng.lognormvariate(0, 1.0) * args.median_hours
            if delay is not None and delay <= horizon_h:
                true_delays.append(delay)
            if delay is None or delay > 7 * 24:
                live_at_7 += 1
            t = args.interval
            while t <= horizon_h:
                removed = delay is not None and delay <= t
                statuses.append({"platform": "x", "account_id": case.account_id,
                                 "handle_norm": "", "status": "suspended" if removed else "active",
                                 "observed_at": T0 + timedelta(hours=t), "source": "bench"})
                if removed:
                    break
                t += args.interval
        db.execute(Report.__table__.insert(), reports)
        for lo in range(0, len(statuses), 20000):
            db.execute(Status.__table__.insert(), statuses[lo: lo + 20000])
    m = compute_metrics(store, now=T0 + timedelta(days=args.horizon + 1))
    p, = m.platforms
    true_rate = len(true_delays) / args.accounts
    true_median = statistics.median(true_delays)
    print(f"accounts {args.accounts}, checks every {args.interval:g} h for {args.horizon:g} days")
    print(f"removal rate: true {100 * true_rate:.1f} %, measured {100 * p.removal_rate:.1f} % "
          f"(error {100 * (p.removal_rate - true_rate):+.1f} points)")
    print(f"median time to removal: true {true_median:.1f} h, measured "
          f"{m.time_to_removal.median_hours:.1f} h "
          f"(error {100 * (m.time_to_removal.median_hours / true_median - 1):+.1f} %)")
    print(f"still live at 7 days: true {100 * live_at_7 / args.accounts:.1f} %, Kaplan-Meier "
          f"{100 * m.survival.live_at_7_days:.1f} %")
    store.dispose()


if __name__ == "__main__":
    main()
