"""Ingest + score throughput per core (issue 14's first line): posts per CPU-second of
``ingest_paths`` and of ``score_store`` on one world, each and together.

    python benchmarks/bench_ingest_score.py [--accounts 2000] [--seed 0] [--world DIR] [--formats x]

Generates a world (or takes --world DIR), ingests the chosen formats' files into a fresh
SQLite store (CPU seconds of this process: the fair per-core figure on a shared machine),
verifies 25 % of the movement's original accounts as seeds, loads the policy pack and
scores the store. Prints posts per CPU-second of each stage and of both, against the goal
(>= 20,000 posts per CPU-second for ingest + score), and the plain orjson parse of the
same files in the same run.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 20_000


def cpu() -> float:
    return time.process_time()


def parse_cpu(files: list[Path]) -> float:
    t0 = cpu()
    for f in files:
        with open(f, "rb") as fh:
            for line in fh:
                if line.strip():
                    orjson.loads(line)
    return cpu() - t0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--world", type=Path, help="an existing world directory (sim generate)")
    ap.add_argument("--formats", default="x", help="which of the world's folders to ingest (x, mastodon, canonical)")
    args = ap.parse_args(argv)

    from sqlalchemy import func, select

    from hydrawatch.ingest import ingest_paths
    from hydrawatch.scoring.pipeline import score_store
    from hydrawatch.scoring.policy import load_policy
    from hydrawatch.sim import generate_world
    from hydrawatch.store import open_store
    from hydrawatch.store.schema import Post
    from hydrawatch.verification.cases import open_case

    work = Path(tempfile.mkdtemp(prefix="hw-ingest-score-"))
    world = args.world or work / "world"
    if not (world / "truth.json").exists():
        generate_world(world, seed=args.seed, accounts=args.accounts)
    files = sorted(p for fmt in args.formats.split(",") for p in (world / fmt).glob("*.jsonl"))
    if not files:
        sys.exit(f"no .jsonl files under {world} for formats {args.formats}")
    parse = parse_cpu(files)

    store = open_store(f"sqlite:///{work / 'b.db'}")
    gc.collect()
    t0 = cpu()
    ingest_paths(store, files)
    ingest = cpu() - t0
    with store.session() as db:
        posts = db.scalar(select(func.count()).select_from(Post))

    truth = orjson.loads((world / "truth.json").read_bytes())["accounts"]
    originals = sorted(k for k, v in truth.items() if v["movement"] and v["original"])
    with store.session() as db:  # 25 % of the movement's original accounts as seeds
        for key in random.Random(0).sample(originals, round(len(originals) * 0.25)):
            platform, aid = key.split(":", 1)
            open_case(db, platform, aid, state="verified", reason="benchmark seed")
    load_policy(store, world / "policy.json")
    gc.collect()
    t0 = cpu()
    score_store(store)
    score = cpu() - t0

    print(f"world {world} ({args.formats}): {len(files)} files, {posts:,} posts stored")
    print(f"plain orjson parse       {parse:8.2f} CPU s")
    print(f"ingest                   {ingest:8.2f} CPU s  {posts / ingest:10,.0f} posts per CPU-s  "
          f"({ingest / parse:.1f}x the parse)")
    print(f"score                    {score:8.2f} CPU s  {posts / score:10,.0f} posts per CPU-s")
    both = ingest + score
    print(f"ingest + score           {both:8.2f} CPU s  {posts / both:10,.0f} posts per CPU-s  "
          f"(goal >= {GOAL:,}: {'met' if posts / both >= GOAL else 'not met'})")


if __name__ == "__main__":
    main()
