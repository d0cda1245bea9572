"""Simulator throughput: accounts/s, posts/s and peak RSS for a world of a given size.

    python benchmarks/bench_sim.py [--accounts 20000] [--days 7] [--formats x,mastodon,canonical]

Each size runs in a fresh subprocess so peak RSS is that run's alone. The baseline is the
same world's files re-read with plain orjson (what any consumer of the world pays anyway)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from hydrawatch.sim import generate_world
t0 = time.perf_counter()
s = generate_world(sys.argv[1], seed=1, accounts=int(sys.argv[2]), days=int(sys.argv[3]),
                   formats=tuple(sys.argv[4].split(",")))
print(json.dumps({"seconds": time.perf_counter() - t0, "accounts": s.accounts, "posts": s.posts,
                  "follows": s.follows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--accounts", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--formats", default="x,mastodon,canonical")
    args = ap.parse_args()
    import orjson

    root = Path(__file__).resolve().parents[1]
    for n in args.accounts:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", CHILD, tmp, str(n), str(args.days), args.formats],
                                 capture_output=True, text=True, check=True, cwd=root)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            files = [p for p in Path(tmp).rglob("*.jsonl")]
            size = sum(p.stat().st_size for p in files)
            t0 = time.perf_counter()
            for p in files:
                with open(p, "rb") as fh:
                    for line in fh:
                        orjson.loads(line)
            parse = time.perf_counter() - t0
        print(f"accounts={r['accounts']:,} days={args.days}: {r['seconds']:.1f} s, "
              f"{r['accounts'] / r['seconds']:,.0f} accounts/s, {r['posts'] / r['seconds']:,.0f} posts/s "
              f"({r['posts']:,} posts, {r['follows']:,} follows, {size / 1e6:,.0f} MB), "
              f"peak RSS {r['peak_rss_mb']:,.0f} MB; generate/parse-back ratio {r['seconds'] / parse:.1f}x")


if __name__ == "__main__":
    main()
