"""Cost of the platform adapters: records/s of each format's ``records()`` over its test
fixtures (repeated), against plainly parsing the same bytes with orjson in the same run.

    /work/venv/bin/python benchmarks/bench_formats.py [--repeat 2000]

Prints one line per format: values, records, records/s, and the ratio of
(parse + adapt) time to parse-only time (1.0 would mean the adapter costs nothing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from hydrawatch.ingest import bluesky, mastodon, telegram, x_v2  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
MODULES = {"x_v2": x_v2, "mastodon": mastodon, "bluesky": bluesky, "telegram": telegram}


def _blobs(folder: str) -> list[bytes]:
    out = []
    for path in sorted((FIXTURES / folder).rglob("*.json*")):
        data = path.read_bytes()
        out.extend(line for line in data.splitlines() if line.strip()) \
            if path.suffix == ".jsonl" else out.append(data)
    return out


def bench(name: str, repeat: int) -> tuple[int, int, float, float]:
    module = MODULES[name]
    blobs = _blobs(name) * repeat
    start = time.perf_counter()
    for blob in blobs:
        orjson.loads(blob)
    parse = time.perf_counter() - start
    records = 0
    start = time.perf_counter()
    for line, blob in enumerate(blobs, 1):
        for _ in module.records(orjson.loads(blob), line):
            records += 1
    total = time.perf_counter() - start
    return len(blobs), records, parse, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    print(f"{'format':<10} {'values':>8} {'records':>9} {'records/s':>11} {'vs parse':>9}")
    for name in MODULES:
        values, records, parse, total = bench(name, args.repeat)
        print(f"{name:<10} {values:>8} {records:>9} {records / total:>11,.0f} "
              f"{total / parse:>8.1f}x")


if __name__ == "__main__":
    main()
