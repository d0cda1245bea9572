"""PDQ bank lookup: the multi-index (hydrawatch.media.index) against brute force and
against the index it replaced.

Builds a bank of N random 256-bit hashes, queries it with hashes planted at every distance
0..32 from bank rows plus unrelated ones, and prints: build time, index memory and peak
RSS, queries per second (wall and per CPU-second of this process, which is what "per core"
means on a shared machine), the old index (offset tables; per-query and batched search,
benchmarks/pdq_baseline.py) timed on alternating chunks of the same queries with the
ratios, recall against brute force on a sample, and the speed-up over brute force measured
in the same run (compiled scan: numba, same popcount). faiss' IndexBinaryMultiHash (16
maps of 16 bits, nflip=1; what the project used before) is timed too with --faiss.

    python benchmarks/bench_pdq.py                   # 1,000,000 hashes
    python benchmarks/bench_pdq.py --n 10000000      # the issue's 10M bank (~1.4 GB; ~2.3 GB
                                                     # with the old index; --baseline 0 skips it)
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

from hydrawatch.media.index import GROUP, PDQIndex, brute_force  # noqa: E402


def as_set(q, i):
    return set(zip(q.tolist(), i.tolist()))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def planted(rng, bank, n_queries):
    rows = rng.integers(0, len(bank), n_queries)
    q = bank[rows].copy()
    dists = rng.integers(0, 33, n_queries)
    for k in range(n_queries):
        for b in rng.choice(256, dists[k], replace=False):
            q[k, b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    return q


def timed(fn, *args):
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--brute", type=int, default=100, help="queries checked by brute force")
    ap.add_argument("--faiss", action="store_true", help="also time faiss multi-hash")
    ap.add_argument("--group", type=int, default=GROUP, help="queries a group of the search phases")
    ap.add_argument("--baseline", type=int, default=10_000,
                    help="queries timed on the old index (offset tables) in the same run; 0: skip")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    bank = rng.integers(0, 2**64, (args.n, 4), dtype=np.uint64)
    half = args.queries // 2
    queries = np.concatenate([planted(rng, bank, half),
                              rng.integers(0, 2**64, (args.queries - half, 4), dtype=np.uint64)])
    rng.shuffle(queries)
    base_rss = rss_mb()
    index = PDQIndex.from_codes(bank)
    _, build_s, _ = timed(index.build)
    index.search_codes(queries[:5], 31)  # compile / load the kernels
    (qi, bi, d), wall, cpu = timed(index.search_codes, queries, 31, args.group)
    peak = rss_mb()
    print(f"bank {args.n:,} hashes: index {index.nbytes() / 1e6:,.0f} MB "
          f"(peak RSS {peak:,.0f} MB, {peak - base_rss:,.0f} MB over the bank and queries), "
          f"build {build_s:.1f}s")
    print(f"index (slot tables, {args.group} queries a group): {len(queries) / wall:,.0f} q/s wall, "
          f"{len(queries) / cpu:,.0f} q/s per CPU-second, {len(qi):,} hits")
    if args.baseline:
        # the index before the slot tables, timed in this same run (builds ~0.9 GB more at 10M).
        # The two are timed on alternating chunks of the same queries so that a change in the
        # machine's load (shared, 2 cores) hits both alike.
        from pdq_baseline import BaselinePDQIndex
        old = BaselinePDQIndex.from_codes(bank)
        old.build()
        old._search_each(queries[:5], 31)
        old._search_batched(queries[:64], 31)
        nb = min(len(queries), args.baseline)
        cpu_new = cpu_old = cpu_batched = 0.0
        same = True
        for s in range(0, nb, 1000):
            chunk = queries[s:s + 1000]
            (nq, ni, _), _, c1 = timed(index.search_codes, chunk, 31, args.group)
            (oq, oi, _), _, c2 = timed(old._search_each, chunk, 31)
            _, _, c3 = timed(old._search_batched, chunk, 31)
            cpu_new, cpu_old, cpu_batched = cpu_new + c1, cpu_old + c2, cpu_batched + c3
            same = same and as_set(nq, ni) == as_set(oq, oi)
        print(f"same run, {nb:,} queries in alternating chunks of 1,000: new {nb / cpu_new:,.0f}, "
              f"old per-query (phased) {nb / cpu_old:,.0f}, old batched {nb / cpu_batched:,.0f} q/s per "
              f"CPU-second; new / old per-query {cpu_old / cpu_new:.2f}x, new / old batched "
              f"{cpu_batched / cpu_new:.2f}x; same hits: {same}")
        del old
    sample = queries[:args.brute]
    brute_force(bank[:10], sample[:1], 31)  # compile
    (bq, bb, bd), bwall, bcpu = timed(brute_force, bank, sample, 31)
    got = {(q, i) for q, i in zip(qi.tolist(), bi.tolist()) if q < args.brute}
    want = set(zip(bq.tolist(), bb.tolist()))
    recall = len(got & want) / max(len(want), 1)
    extra = len(got - want)
    print(f"brute force: {len(sample) / bwall:,.1f} q/s wall, {len(sample) / bcpu:,.1f} q/s per CPU-second "
          f"({len(want)} hits on {len(sample)} queries)")
    print(f"recall vs brute force: {recall:.4f} ({len(got & want)}/{len(want)}), false hits: {extra}")
    print(f"speed-up over brute force (CPU): {(len(queries) / cpu) / (len(sample) / bcpu):,.0f}x")
    if args.faiss:
        try:
            import faiss
        except ImportError:
            print("faiss: not installed")
            return
        codes = bank.astype(">u8").view(np.uint8).reshape(args.n, 32)
        fx = faiss.IndexBinaryMultiHash(256, 16, 16)
        fx.nflip = 1
        fx.add(codes)
        fq = queries[:2000].astype(">u8").view(np.uint8).reshape(-1, 32)
        _, fwall, fcpu = timed(fx.range_search, fq, 32)
        print(f"faiss multi-hash 16/16/1: {len(fq) / fwall:,.0f} q/s wall, {len(fq) / fcpu:,.0f} per CPU-second")


if __name__ == "__main__":
    main()
