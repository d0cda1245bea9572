"""Scoring throughput on a large simulated world, against plainly parsing its input.

Generates a world (or takes --world DIR), ingests it into a fresh SQLite store, verifies 25%
of the movement's original accounts as seeds, loads the policy pack, then times
``score_store`` (read from SQL, normalise, match, stance, text model, PageRank, PDQ, combine,
write) and, in the same run, a plain ``orjson.loads`` of every line of the same input files.
Prints posts/s, accounts/s and the ratio of the two times.

    python benchmarks/bench_score.py [--accounts 20000] [--seed 0] [--world DIR] [--formats canonical]
    python benchmarks/bench_score.py --db sqlite:///s.db --world DIR   # fill s.db once, then
                                                                        # score it as it is
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hydrawatch.verification.cases import open_case  # noqa: E402
from hydrawatch.ingest import ingest_paths  # noqa: E402
from hydrawatch.scoring.policy import load_policy  # noqa: E402
from hydrawatch.scoring.pipeline import score_store  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store.stats import collect_stats  # noqa: E402


def plain_parse(files: list[Path]) -> tuple[float, int]:
    """Seconds to orjson-parse every line (JSONL) or document of the files, and values."""
    t0 = time.perf_counter()
    values = 0
    for path in files:
        with open(path, "rb") as fh:
            if path.suffix in (".jsonl", ".ndjson"):
                for line in fh:
                    if line.strip():
                        orjson.loads(line)
                        values += 1
            else:
                orjson.loads(fh.read())
                values += 1
    return time.perf_counter() - t0, values


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default="x,mastodon,canonical")
    ap.add_argument("--world")
    ap.add_argument("--db", help="score this already-ingested store instead")
    args = ap.parse_args()
    if args.world:
        world = Path(args.world)
    else:
        from hydrawatch.sim import generate_world

        world = Path(tempfile.mkdtemp(prefix="hw-bench-world-"))
        t0 = time.perf_counter()
        generate_world(world, seed=args.seed, accounts=args.accounts,
                       formats=tuple(args.formats.split(",")))
        print(f"generated {world} in {time.perf_counter() - t0:.1f}s")
    meta = json.loads((world / "world.json").read_text())
    files = [world / f for f in meta["files"]]
    store = open_store(args.db or f"sqlite:///{tempfile.mkdtemp(prefix='hw-bench-')}/bench.db")
    if not collect_stats(store)["posts"]:  # a new store (an existing --db is scored as it is)
        t0 = time.perf_counter()
        ingest_paths(store, files)
        print(f"ingested in {time.perf_counter() - t0:.1f}s")
        truth = json.loads((world / "truth.json").read_text())["accounts"]
        originals = sorted(k for k, v in truth.items() if v["movement"] and v["original"])
        seeds = random.Random(0).sample(originals, round(len(originals) * 0.25))
        with store.session() as db:
            for key in seeds:
                platform, aid = key.split(":", 1)
                open_case(db, platform, aid, state="verified", reason="benchmark seed")
        load_policy(store, world / "policy.json")
    stats = collect_stats(store)
    t0 = time.perf_counter()
    summary = score_store(store)
    t_score = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_parse, values = plain_parse(files)
    size = sum(f.stat().st_size for f in files)
    print(f"store: {stats['accounts']:,} accounts, {stats['posts']:,} posts, {stats['edges']:,} edges; "
          f"{summary.accounts_scored:,} scored, {summary.seeds} seeds, mode {summary.mode}")
    print(f"peak RSS after scoring: {peak:,.0f} MB (ingest included unless --db named a filled store)")
    print(f"score_store: {t_score:.2f}s = {summary.posts / t_score:,.0f} posts/s, "
          f"{summary.accounts_scored / t_score:,.0f} accounts/s")
    print("  stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in summary.seconds.items()))
    print(f"plain orjson parse of the same input ({size / 1e6:.1f} MB, {values:,} JSON values): "
          f"{t_parse:.2f}s = {summary.posts / t_parse:,.0f} posts/s")
    print(f"ratio score / plain parse: {t_score / t_parse:.2f}x the time")
    print(json.dumps({"posts": summary.posts, "accounts": summary.accounts_scored,
                      "score_s": round(t_score, 3), "parse_s": round(t_parse, 3),
                      "posts_per_s": round(summary.posts / t_score),
                      "accounts_per_s": round(summary.accounts_scored / t_score),
                      "ratio": round(t_score / t_parse, 2)}))


if __name__ == "__main__":
    main()
