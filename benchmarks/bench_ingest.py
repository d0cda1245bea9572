"""Ingest throughput and memory on a generated X API v2 dump.

Prints posts/s for `hydrawatch ingest` and for plainly parsing the same file with orjson
(the floor any ingest pays), their ratio, and the peak RSS of the ingest process.

    python benchmarks/bench_ingest.py                  # ~100 MB dump, SQLite
    python benchmarks/bench_ingest.py --mb 1100        # the >= 1 GB streaming check
    python benchmarks/bench_ingest.py --db postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
TAGS = ["coffee", "football", "news", "travel", "music", "bookclub"]


def write_dump(path: Path, target_bytes: int, tweets_per_page: int = 100, users: int = 50_000) -> int:
    """X v2 search pages, one per line, until the file reaches target_bytes. Returns posts."""
    n = 0
    page = 0
    with open(path, "wb") as fh:
        while fh.tell() < target_bytes:
            data, included = [], {}
            for _ in range(tweets_per_page):
                uid = (n * 7919) % users
                tid = 1720000000000000000 + n
                tweet = {"id": str(tid), "author_id": str(1710000000000000000 + uid),
                         "created_at": f"2026-03-{1 + n % 28:02d}T{n % 24:02d}:00:00.000Z",
                         "lang": "en", "conversation_id": str(tid),
                         "text": f"post number {n} about #{TAGS[n % 6]} with @user{(uid * 31) % users}",
                         "entities": {"hashtags": [{"start": 20, "end": 28, "tag": TAGS[n % 6]}],
                                      "mentions": [{"start": 40, "end": 50, "username": f"user{(uid * 31) % users}",
                                                    "id": str(1710000000000000000 + (uid * 31) % users)}]}}
                if n % 3 == 0 and n > 0:
                    ref = 1720000000000000000 + n - 1
                    tweet["referenced_tweets"] = [{"type": "retweeted", "id": str(ref)}]
                data.append(tweet)
                included[uid] = {"id": str(1710000000000000000 + uid), "username": f"user{uid}",
                                 "name": f"User {uid}", "created_at": "2025-01-01T00:00:00.000Z",
                                 "description": "an account", "public_metrics": {
                                     "followers_count": uid % 1000, "following_count": 10,
                                     "tweet_count": 100, "listed_count": 0}}
                n += 1
            fh.write(orjson.dumps({"data": data, "includes": {"users": list(included.values())},
                                   "meta": {"result_count": len(data), "next_token": f"t{page}"}}))
            fh.write(b"\n")
            page += 1
    return n


def plain_parse(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    posts = 0
    with open(path, "rb") as fh:
        for line in fh:
            posts += len(orjson.loads(line)["data"])
    return time.perf_counter() - t0, posts


def run_ingest(path: Path, db: str) -> tuple[float, int]:
    """Ingest in a child process; returns (seconds, peak RSS in KiB of the child)."""
    code = ("import sys; from hydrawatch.store import open_store; from hydrawatch.ingest import ingest_paths;"
            "s = open_store(sys.argv[1]); ingest_paths(s, [sys.argv[2]])")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, db, str(path)], check=True,
                   cwd=HERE.parent, env=dict(os.environ, PYTHONPATH=str(HERE.parent)))
    elapsed = time.perf_counter() - t0
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100, help="size of the generated dump (MB)")
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--dir", default=None, help="where to write the dump (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        dump = Path(tmp) / "x_v2_dump.jsonl"
        t0 = time.perf_counter()
        posts = write_dump(dump, int(args.mb * 1e6))
        size = dump.stat().st_size
        print(f"dump: {size / 1e6:,.0f} MB, {posts:,} posts, written in {time.perf_counter() - t0:.1f} s")
        parse_s, parsed = plain_parse(dump)
        assert parsed == posts
        db = args.db or f"sqlite:///{tmp}/bench.db"
        ingest_s, rss_kib = run_ingest(dump, db)
        print(f"plain orjson parse : {parse_s:8.1f} s  {posts / parse_s:12,.0f} posts/s")
        print(f"hydrawatch ingest  : {ingest_s:8.1f} s  {posts / ingest_s:12,.0f} posts/s")
        print(f"ratio ingest/parse : {ingest_s / parse_s:8.1f}x slower than parsing alone")
        print(f"peak RSS of ingest : {rss_kib / 1024:8.0f} MiB for a {size / 1e6:,.0f} MB file")
        print(f"firehose budget    : {posts / ingest_s / 6000:8.2f}x the ~6,000 posts/s firehose")


if __name__ == "__main__":
    main()
