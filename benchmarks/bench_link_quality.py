"""Link quality on simulated worlds: precision, recall, MRR, decoys/renames linked and
posts to flag, per seed and size, measured against each world's truth.json.

    python benchmarks/bench_link_quality.py --seeds 1 2 3 --accounts 2000 5000
    python benchmarks/bench_link_quality.py --seeds 1 2 3 --preset hard

Worlds are generated once into --cache (default /tmp/hydrawatch-worlds) and ingested into
a temporary SQLite store. The model is never fitted on these seeds (scripts/
fit_link_model.py uses seeds 101+).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import orjson  # noqa: E402
from sqlalchemy import select  # noqa: E402

from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store.schema import Link, Post  # noqa: E402
from hydrawatch.timeutil import as_utc  # noqa: E402


RANDOMISED = ("fit", "eval")  # "presets" that are randomisation regimes (sim/randomise.py)


def world(cache: Path, seed: int, accounts: int, preset: str = "default") -> Path:
    """The world directory (generated once): ``w{seed}_{accounts}`` for the default preset,
    ``h{seed}_{accounts}`` for the hard one, ``rf``/``re`` for randomised worlds of the fit
    and eval regimes."""
    from hydrawatch.sim import generate_world

    if preset in RANDOMISED:
        out = cache / f"r{preset[0]}{seed}_{accounts}"
        if not (out / "truth.json").exists():
            generate_world(out, seed=seed, accounts=accounts, randomise=preset)
        return out
    out = cache / f"{'w' if preset == 'default' else preset[0]}{seed}_{accounts}"
    if not (out / "truth.json").exists():
        generate_world(out, seed=seed, accounts=accounts, preset=preset)
    return out


def ingested_store(world_dir: Path, workdir: Path):
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.sim import data_files

    db = workdir / f"{world_dir.name}.db"
    done = workdir / f"{world_dir.name}.db.ingested"
    if not done.exists():
        for stale in workdir.glob(f"{world_dir.name}.db*"):
            stale.unlink()
    store = open_store(f"sqlite:///{db}")
    if not done.exists():
        ingest_paths(store, data_files(world_dir))
        done.touch()
    return store


def _key(ref: str) -> tuple[str, str]:
    platform, _, aid = ref.partition(":")
    return platform, aid


def measure(store, truth: dict) -> dict:
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD

    succ = {_key(s["successor"]): _key(s["predecessor"]) for s in truth["successions"]}
    decoys = {_key(d) for d in truth["decoys"]}
    renamed = {_key(r["account"]) for r in truth["renames"]}
    with store.session() as db:
        rows = db.execute(select(Link.platform, Link.successor_id, Link.predecessor_id,
                                 Link.confidence, Link.rank, Link.linkable_at)).all()
        out = [(p, s, pr, lat) for p, s, pr, c, r, lat in rows if c >= DEFAULT_THRESHOLD]
        tp = sum(1 for p, s, pr, _ in out if succ.get((p, s)) == (p, pr))
        rr = []
        for (p, s), pred in succ.items():
            ranks = [r for pp, ss, pr, c, r, _ in rows if (pp, ss) == (p, s) and (pp, pr) == pred]
            rr.append(1.0 / ranks[0] if ranks else 0.0)
        flags = []
        for p, s, pr, lat in out:
            if succ.get((p, s)) != (p, pr):
                continue
            posts = db.scalars(select(Post.created_at).where(Post.platform == p, Post.account_id == s)).all()
            lat = as_utc(lat)
            flags.append(sum(1 for t in posts if lat is None or as_utc(t) < lat))
    fp = [(p, s, pr) for p, s, pr, _ in out if succ.get((p, s)) != (p, pr)]
    return {"true": len(succ), "output": len(out), "tp": tp,
            "precision": tp / len(out) if out else 1.0, "recall": tp / len(succ) if succ else 1.0,
            "mrr": sum(rr) / len(rr) if rr else 1.0,
            "decoys_linked": sum(1 for p, s, _ in fp if (p, s) in decoys),
            "renames_linked": sum(1 for p, s, pr, _ in out if (p, s) in renamed and (p, pr) in renamed and s == pr),
            "posts_to_flag_median": statistics.median(flags) if flags else 0,
            "false_positives": fp[:5]}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--accounts", type=int, nargs="+", default=[2000])
    ap.add_argument("--preset", default="default", help="simulator preset (default, hard)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hydrawatch-worlds")
    args = ap.parse_args(argv)
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD, link_store

    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"threshold {DEFAULT_THRESHOLD}, preset {args.preset}")
    print(f"{'seed':>5} {'accts':>6} {'true':>5} {'out':>5} {'prec':>6} {'recall':>6} {'mrr':>6} "
          f"{'decoy':>5} {'renm':>5} {'flag':>5} {'secs':>6}")
    for accounts in args.accounts:
        for seed in args.seeds:
            wd = world(args.cache, seed, accounts, args.preset)
            store = ingested_store(wd, args.cache)
            t0 = time.perf_counter()
            link_store(store)
            secs = time.perf_counter() - t0
            m = measure(store, orjson.loads((wd / "truth.json").read_bytes()))
            store.dispose()
            print(f"{seed:>5} {accounts:>6} {m['true']:>5} {m['output']:>5} {m['precision']:>6.3f} "
                  f"{m['recall']:>6.3f} {m['mrr']:>6.3f} {m['decoys_linked']:>5} {m['renames_linked']:>5} "
                  f"{m['posts_to_flag_median']:>5} {secs:>6.1f}")
            if m["false_positives"]:
                print("      false positives:", m["false_positives"])


if __name__ == "__main__":
    main()
