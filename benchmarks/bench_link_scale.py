"""Re-entry linking at scale: N new accounts against M suspended ones on one core.

Synthesises the columnar batches directly (no simulator, no database): suspended accounts
with handles, names, avatars (PDQ), followers and followees drawn from a heavy-tailed
population; new accounts of which a share are re-entries (a mutated handle, the same
avatar a few bits off, some returning followers, sometimes a shout-out), a share
look-alike decoys (a mutated handle and nothing else) and the rest unrelated. Prints
build/query time (wall and CPU), candidate pairs, peak RSS, and precision/recall of the
links found.

    python benchmarks/bench_link_scale.py                 # 100,000 vs 1,000,000
    python benchmarks/bench_link_scale.py --new 10000 --suspended 100000

Then, in the same run, the all-pairs linker of bench_link_allpairs.py on a small world
(``--small 200 2000``): the ratio of its time to the blocking linker's there, and the
all-pairs time of the big run extrapolated from its per-pair rate. Memory "beyond the
input" is the peak RSS after the synthesised batches (Linux: the peak mark is reset once
they exist) minus their RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from hydrawatch.linking.batch import AccountBatch, PostRows, Ragged  # noqa: E402
from hydrawatch.linking.candidates import SuspendedIndex  # noqa: E402
from hydrawatch.linking.engine import find_links  # noqa: E402

SYLLABLES = ("abu", "umm", "al", "media", "news", "front", "voice", "noor", "sham", "iraq", "khalid",
             "omar", "sword", "lion", "dawn", "path", "light", "truth", "echo", "ray", "zaid", "hamza",
             "tariq", "yusuf", "bilal", "fajr", "war", "rise", "call", "wave", "star", "moon", "east")
H = 3600.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def reset_peak() -> float | None:
    """Reset the kernel's peak-RSS mark (Linux: ``clear_refs`` 5) and return the current RSS,
    so the next ``peak_since_mb`` is the linker's own peak over the synthesised input."""
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    return _status_mb("VmRSS")


def peak_since_mb() -> float | None:
    return _status_mb("VmHWM")


def random_handles(rng: np.random.Generator, n: int) -> list[str]:
    a = rng.integers(0, len(SYLLABLES), (n, 3))
    sep = rng.random(n) < 0.5
    digits = rng.integers(0, 10000, n)
    with_digits = rng.random(n) < 0.6
    out = []
    for k in range(n):
        s = SYLLABLES[a[k, 0]] + ("_" if sep[k] else "") + SYLLABLES[a[k, 1]] + SYLLABLES[a[k, 2]]
        out.append((s + str(digits[k]) if with_digits[k] else s)[:15])
    return out


def mutate(h: str, r: random.Random) -> str:
    kind = r.randrange(6)
    if kind == 0:
        m = len(h) - len(h.rstrip("0123456789"))
        return (h[: len(h) - m] + str(int(h[len(h) - m:]) + 1)) if m else h[:14] + "2"
    if kind == 1:
        p = r.randrange(1, len(h))
        return (h[:p] + "_" + h[p:])[:15]
    if kind == 2:
        p = r.randrange(len(h) - 1)
        return h[:p] + h[p + 1] + h[p] + h[p + 2:]
    if kind == 3:
        return (r.choice(("the", "real", "new")) + h)[:15]
    if kind == 4:
        return h[:10] + r.choice(("_back", "_new", "_2"))
    table = {"o": "0", "l": "1", "i": "1", "e": "3", "a": "4", "s": "5"}
    spots = [i for i, c in enumerate(h) if c in table]
    if not spots:
        return h + "_"
    i = r.choice(spots)
    return h[:i] + table[h[i]] + h[i + 1:]


def flip_bits(hexes: np.ndarray, rng: np.random.Generator, bits: int) -> list[str]:
    codes = hexes.copy()
    for _ in range(bits):
        pos = rng.integers(0, 256, len(codes))
        codes[np.arange(len(codes)), pos // 8] ^= (1 << (pos % 8)).astype(np.uint8)
    return [c.tobytes().hex() for c in codes]


def neighbours(rng: np.random.Generator, n: int, mean: int, pool: int) -> list[np.ndarray]:
    sizes = rng.poisson(mean, n)
    # heavy tail: a few popular accounts (hubs) are followed/following a lot
    ids = np.minimum((rng.pareto(1.2, sizes.sum()) * pool / 50).astype(np.int64), pool - 1)
    return np.split(ids, np.cumsum(sizes)[:-1])


def make_world(n_new: int, n_sus: int, seed: int = 0, reentry_share: float = 0.1,
               decoy_share: float = 0.05, pool: int = 5_000_000):
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    t0 = time.perf_counter()
    handles = random_handles(rng, n_sus)
    names = [h.replace("_", " ").title() for h in random_handles(rng, n_sus)]
    has_av = rng.random(n_sus) < 0.7
    av_codes = rng.integers(0, 256, (n_sus, 32), dtype=np.uint8)
    avatars = [c.tobytes().hex() if ok else None for c, ok in zip(av_codes, has_av)]
    sus_at = rng.uniform(0, 90 * 24 * H, n_sus)
    followers = neighbours(rng, n_sus, 20, pool)
    following = neighbours(rng, n_sus, 20, pool)
    sus = AccountBatch(
        ids=[f"s{i}" for i in range(n_sus)], handles=[(h.lower(),) for h in handles], names=names,
        bios=[""] * n_sus, avatars=avatars, created_at=sus_at - 200 * 24 * H, suspended_at=sus_at,
        active_until=sus_at - rng.uniform(0, 5 * H, n_sus),
        followers=Ragged.from_lists(followers, [np.zeros(len(f)) for f in followers]),
        following=Ragged.from_lists(following, [np.zeros(len(f)) for f in following]),
        posts=PostRows.empty(n_sus))

    kind = rng.random(n_new)
    reentry = kind < reentry_share
    decoy = (kind >= reentry_share) & (kind < reentry_share + decoy_share)
    target = rng.integers(0, n_sus, n_new)
    new_handles = random_handles(rng, n_new)
    new_names = [h.replace("_", " ").title() for h in random_handles(rng, n_new)]
    new_av_codes = rng.integers(0, 256, (n_new, 32), dtype=np.uint8)
    near = flip_bits(av_codes[target], rng, 6)
    created = rng.uniform(0, 100 * 24 * H, n_new)
    n_fol = neighbours(rng, n_new, 8, pool)
    n_fng = neighbours(rng, n_new, 8, pool)
    texts, mentions, ptimes = [], [], []
    new_avatars = []
    truth = {}
    for k in range(n_new):
        j = int(target[k])
        ptimes.append(np.array([created[k] + H, created[k] + 5 * H]))
        texts.append(["ordinary words about the day", "more ordinary words"])
        mentions.append([(), ()])
        new_avatars.append(new_av_codes[k].tobytes().hex() if rng.random() < 0.7 else None)
        if reentry[k] or decoy[k]:
            new_handles[k] = mutate(handles[j].lower(), r)
            created[k] = sus_at[j] + rng.uniform(0.2, 72) * H
            ptimes[k] = np.array([created[k] + H, created[k] + 5 * H])
        if reentry[k]:
            truth[k] = j
            new_names[k] = names[j]
            new_avatars[k] = near[k] if avatars[j] else None
            back = followers[j][rng.random(len(followers[j])) < 0.4]
            n_fol[k] = np.concatenate([back, n_fol[k][:3]])
            n_fng[k] = np.concatenate([following[j][rng.random(len(following[j])) < 0.5], n_fng[k][:2]])
            if rng.random() < 0.3:
                texts[k][0] = f"new account, the old @{handles[j].lower()} was suspended"
                mentions[k][0] = (handles[j].lower(),)
    new = AccountBatch(
        ids=[f"n{k}" for k in range(n_new)], handles=[(h.lower(),) for h in new_handles],
        names=new_names, bios=[""] * n_new, avatars=new_avatars, created_at=created,
        suspended_at=np.full(n_new, np.nan), active_until=np.full(n_new, np.nan),
        followers=Ragged.from_lists(n_fol, [created[k] + H * (1 + np.arange(len(f))) for k, f in enumerate(n_fol)]),
        following=Ragged.from_lists(n_fng, [created[k] + H * (1 + np.arange(len(f))) for k, f in enumerate(n_fng)]),
        posts=PostRows(ptimes, texts, mentions))
    return new, sus, truth, np.flatnonzero(decoy), time.perf_counter() - t0, pool


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new", type=int, default=100_000)
    ap.add_argument("--suspended", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--small", type=int, nargs=2, default=(200, 2000), metavar=("NEW", "SUSPENDED"),
                    help="the small world the all-pairs linker runs on (default 200 x 2,000)")
    ap.add_argument("--no-allpairs", action="store_true", help="skip the all-pairs baseline")
    ap.add_argument("--digest", action="store_true",
                    help="print a digest of the whole result (pairs, features, confidences, ranks, link "
                         "times, weights, reasons; computed after the timings): equal digests = same links")
    args = ap.parse_args(argv)
    from hydrawatch.linking.model import default_model

    default_model()  # loaded once, outside the timings
    new, sus, truth, decoys, gen_s, pool = make_world(args.new, args.suspended, args.seed)
    rss_data = reset_peak()
    print(f"synthesised {args.new:,} new + {args.suspended:,} suspended accounts in {gen_s:.1f} s "
          f"(peak RSS so far {peak_rss_mb():,.0f} MB; input RSS {rss_data or 0:,.0f} MB)")
    t0, c0 = time.perf_counter(), time.process_time()
    index = SuspendedIndex(sus, pool)
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0
    print(f"index build (suspended side, once per run): {t_build:.1f} s ({c_build:.1f} CPU s), "
          f"peak RSS {peak_rss_mb():,.0f} MB")
    t0, c0 = time.perf_counter(), time.process_time()
    res = find_links(new, sus, n_ids=pool, index=index)
    made = 0
    for _w, _r in zip(res.weights, res.reasons):  # every pair's weights and reasons made, as a
        made += 1                                  # store writes them (a block at a time)
    t_query, c_query = time.perf_counter() - t0, time.process_time() - c0
    acc = res.accepted()
    found = {int(q): int(s) for q, s in zip(res.q[acc], res.s[acc])}
    tp = sum(1 for q, s in found.items() if truth.get(q) == s)
    decoy_linked = sum(1 for d in decoys if int(d) in found)
    prec = tp / max(len(found), 1)
    rec = tp / max(len(truth), 1)
    total, cpu = t_build + t_query, c_build + c_query
    print(f"query (new side: candidates, features, model, ranking, dating, weights and reasons of "
          f"the {made:,} kept pairs): {t_query:.1f} s "
          f"({c_query:.1f} CPU s) = {args.new / t_query:,.0f} new accounts/s")
    print(f"candidate pairs scored: {res.candidates:,} ({res.candidates / max(args.new, 1):.1f} per new account; "
          f"all pairs would be {args.new * args.suspended:,})")
    print(f"links: {len(found):,}  precision {prec:.4f}  recall {rec:.4f}  decoys linked {decoy_linked}")
    peak = peak_since_mb()
    beyond = f", {peak - rss_data:,.0f} MB beyond the input" if peak is not None and rss_data else ""
    print(f"total link time {total:.1f} s ({total / 60:.1f} min; {cpu:.1f} CPU s = {cpu / 60:.2f} min per core), "
          f"peak RSS {peak_rss_mb():,.0f} MB{beyond}")
    if args.digest:
        print(f"result digest: {result_digest(res)}")
    if not args.no_allpairs:
        allpairs_ratio(cpu, args.new * args.suspended, *args.small)


def result_digest(res) -> str:
    """sha256 of everything a run hands out: the pair arrays (exact bytes), the weights
    and the reasons of every kept pair."""
    import hashlib

    import orjson

    h = hashlib.sha256()
    h.update(str(res.candidates).encode())
    for f in ("q", "s", "sources", "rank", "confidence", "features", "linkable_at"):
        a = np.ascontiguousarray(getattr(res, f))
        h.update(f"{f}{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    for k in range(len(res.q)):
        h.update(orjson.dumps(res.weights[k] if res.weights is not None else None, option=orjson.OPT_SORT_KEYS))
        h.update(orjson.dumps(list(res.reasons[k])))
    return h.hexdigest()


def allpairs_ratio(cpu: float, pairs: int, n_new: int, n_sus: int) -> None:
    """The all-pairs linker (bench_link_allpairs.py) and the blocking linker on one small
    world, in this run: their time ratio there, and the all-pairs time of this run's size
    extrapolated from its per-pair rate."""
    sys.path.insert(0, os.path.dirname(__file__))
    from bench_link_allpairs import all_pairs

    new, sus, _truth, _decoys, _s, pool = make_world(n_new, n_sus, seed=1)
    c0 = time.process_time()
    res = find_links(new, sus, n_ids=pool, index=SuspendedIndex(sus, pool), date_links=False)
    c_block = time.process_time() - c0
    acc = res.accepted()
    blocked = {(int(a), int(b)) for a, b in zip(res.q[acc], res.s[acc])}
    c0 = time.process_time()
    brute, n_pairs = all_pairs(new, sus, pool)
    c_all = time.process_time() - c0
    print(f"all pairs on a {n_new:,} x {n_sus:,} world: {n_pairs:,} pairs in {c_all:.2f} CPU s vs blocking "
          f"{c_block:.2f} CPU s (ratio {c_all / max(c_block, 1e-9):.0f}x); same links {len(blocked & brute)} "
          f"of {len(blocked | brute)}")
    est = c_all / max(n_pairs, 1) * pairs
    span = f"{est / 3600:,.1f} CPU h" if est >= 3600 else f"{est:,.0f} CPU s"
    print(f"all pairs at this run's size ({pairs:,} pairs) at that rate: ~{span} "
          f"= {est / max(cpu, 1e-9):,.0f}x this run's {cpu:.1f} CPU s")


if __name__ == "__main__":
    main()
