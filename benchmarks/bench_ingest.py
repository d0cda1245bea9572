"""Ingest throughput and memory on a generated X API v2 dump.

Prints posts/s for `hydrawatch ingest` (the fast path: typed decoding + staging-table
bulk merge) and for the reference path (adapter + validate + row upserts) on the same file,
and each as a ratio against plainly parsing the same file with orjson (the floor any ingest
pays) and against DuckDB's ``read_json`` of it (what a researcher would use instead; when
duckdb is installed: ``pip install -e .[bench]``), and the peak RSS of the ingest process.
Ratios are of CPU seconds (``time.process_time``: the parse in this process, the ingest
in a child process, imports and opening the store excluded), each the best of
``--repeat`` runs, so that other load on a shared machine counts as little as it can.
``--baseline DIR`` also runs the fast path of another checkout (``git worktree add DIR
main``) on the same files: before and after in one run.

    python benchmarks/bench_ingest.py                  # ~100 MB dump, SQLite
    python benchmarks/bench_ingest.py --mb 1100        # the >= 1 GB streaming check
    python benchmarks/bench_ingest.py --db postgresql://postgres@127.0.0.1:5432/bench
    python benchmarks/bench_ingest.py --files 'world/x/*.jsonl'   # a sim world's X pages
    python benchmarks/bench_ingest.py --files 'world/x/*.jsonl' --repeat 3 --baseline ../main
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


def plain_parse_files(paths: list[Path]) -> tuple[float, float]:
    """(wall s, CPU s) of reading and parsing every line of the files with orjson."""
    t0, c0 = time.perf_counter(), time.process_time()
    for path in paths:
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    orjson.loads(line)
    return time.perf_counter() - t0, time.process_time() - c0


def duckdb_read(paths: list[Path]) -> float | None:
    """DuckDB's read_json of the same files, every value materialised; None without duckdb."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    t0 = time.perf_counter()
    files = [str(p) for p in paths]
    con.execute("SELECT count(*), sum(length(CAST(j AS VARCHAR))) FROM read_json(?, "
                "format='newline_delimited', records=false, union_by_name=true, "
                "maximum_object_size=1073741824) AS t(j)", [files]).fetchall()
    return time.perf_counter() - t0


def run_ingest(paths: list[Path], db: str, *, reference: bool = False,
               checkout: Path = HERE.parent) -> tuple[float, float, int]:
    """Ingest in a child process; returns (wall s, CPU s of ``ingest_paths`` alone: imports
    and opening the store excluded, peak RSS KiB of the children so far)."""
    code = ("import sys, time; from hydrawatch.store import open_store;"
            "from hydrawatch.ingest import ingest_paths, engine, writer;"
            "import hydrawatch.ingest.typed, hydrawatch.media.banks, hydrawatch.verification.lists;"
            "ref = sys.argv[2] == 'ref'; engine.TYPED = writer.BULK = not ref;"
            "s = open_store(sys.argv[1]); w, c = time.perf_counter(), time.process_time();"
            "ingest_paths(s, sys.argv[3:]);"
            "print(time.perf_counter() - w, time.process_time() - c)")
    out = subprocess.run([sys.executable, "-c", code, db, "ref" if reference else "fast",
                          *map(str, paths)], check=True, capture_output=True, text=True,
                         cwd=checkout, env=dict(os.environ, PYTHONPATH=str(checkout)))
    wall, cpu = map(float, out.stdout.split()[-2:])
    return wall, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100, help="size of the generated dump (MB)")
    ap.add_argument("--files", default=None, help="ingest these files (a glob) instead of a generated dump")
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--dir", default=None, help="where to write the dump (default: a temp dir)")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference path run")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measure; the best counts")
    ap.add_argument("--baseline", default=None,
                    help="another checkout whose fast path runs too (before vs after)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        if args.files:
            import glob

            paths = [Path(p) for p in sorted(glob.glob(args.files))]
            posts = 0
            for p in paths:
                for line in open(p, "rb"):
                    page = orjson.loads(line) if line.strip() else {}
                    data = page.get("data") if isinstance(page, dict) else None
                    posts += sum(1 for d in (data or []) if isinstance(d, dict) and "text" in d) \
                        if isinstance(data, list) else 0
                    posts += len((page.get("includes") or {}).get("tweets") or []) if isinstance(page, dict) else 0
            size = sum(p.stat().st_size for p in paths)
            print(f"files: {len(paths)}, {size / 1e6:,.0f} MB, ~{posts:,} tweets (data + includes)")
        else:
            dump = Path(tmp) / "x_v2_dump.jsonl"
            t0 = time.perf_counter()
            posts = write_dump(dump, int(args.mb * 1e6))
            size = dump.stat().st_size
            paths = [dump]
            print(f"dump: {size / 1e6:,.0f} MB, {posts:,} posts, written in {time.perf_counter() - t0:.1f} s")
        repeat = max(args.repeat, 1)
        parse_wall, parse_s = min(plain_parse_files(paths) for _ in range(repeat))
        duck_s = duckdb_read(paths)
        rows = []
        runs = [("fast path (typed + bulk)", False, HERE.parent)]
        if args.baseline:
            runs.append((f"baseline fast path", False, Path(args.baseline).resolve()))
        if not args.no_reference:
            runs.append(("reference path", True, HERE.parent))
        for label, ref, code in runs:
            if args.db and (ref or code != HERE.parent):
                print(f"({label} skipped: --db names one database)")
                continue
            best = None
            for i in range(repeat):
                db = args.db or f"sqlite:///{tmp}/bench_{len(rows)}_{i}.db"
                wall, cpu, rss_kib = run_ingest(paths, db, reference=ref, checkout=code)
                if best is None or cpu < best[1]:
                    best = (wall, cpu, rss_kib)
            rows.append((label, *best))
        print(f"plain orjson parse : {parse_wall:8.1f} s wall, {parse_s:8.2f} s CPU, "
              f"{posts / parse_s:10,.0f} posts per CPU-s")
        if duck_s is not None:
            print(f"duckdb read_json   : {duck_s:8.1f} s wall")
        for label, wall, cpu, rss_kib in rows:
            print(f"{label:25s}: {wall:8.1f} s wall, {cpu:8.2f} s CPU, {posts / cpu:10,.0f} posts per CPU-s"
                  f" | {cpu / parse_s:5.1f}x parse CPU" + (f", {wall / duck_s:5.1f}x duckdb wall" if duck_s else "")
                  + f" | peak RSS {rss_kib / 1024:,.0f} MiB")
        for label, _wall, cpu, _rss in rows[1:]:
            print(f"fast vs {label:17s}: {cpu / rows[0][2]:5.2f}x less CPU")


if __name__ == "__main__":
    main()
