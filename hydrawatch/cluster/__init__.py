"""Running the batch kernels on a Dask ``distributed`` cluster, over partitions of the store.

A thin layer: every task calls the same pure functions the single-process commands use,
on one partition, and the results are combined so that they equal the single-process
answer (exactly; scores to float rounding: one account's post logits may be summed in
another order) -- tests/test_cluster.py and tests/test_cluster_score_link.py check that on
a LocalCluster.

- ``--cluster ADDRESS`` connects to a running scheduler (``tcp://host:8786``): the workers
  open the store by URL themselves, so it must be a database they all reach (PostgreSQL);
- ``--workers N`` starts a LocalCluster of N single-threaded worker processes on this
  machine (SQLite works there too: the workers only read).

Media matching: the bank is split by rows (``bank_hashes.id % P``); each task loads its
partition from the store, builds an exact PDQ index of it and answers every query; the
union of exact answers is the exact answer (docs/scale.md).

Scoring (:mod:`hydrawatch.cluster.score`) and linking (:mod:`hydrawatch.cluster.link`)
partition the accounts by ``accounts.id % P``; see those modules for what runs where.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np

from hydrawatch.media.index import MATCH_DISTANCE


@contextmanager
def client_for(cluster: str | None = None, workers: int | None = None,
               processes: bool = True) -> Iterator[object | None]:
    """A ``distributed.Client`` for ``cluster`` (an address) or a LocalCluster of
    ``workers``; None when neither is given (run in this process)."""
    if not cluster and not workers:
        yield None
        return
    from distributed import Client, LocalCluster

    if cluster:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
        return
    local = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=processes,
                         dashboard_address=":0")  # any free port: never a clash
    client = Client(local)
    try:
        yield client
    finally:
        client.close()
        local.close()


# What a worker keeps between two tasks of one run (a partition's spilled text-model
# batches, a suspended-side index), by key; the driver pins the follow-up task to the
# worker that holds it, and ``release`` drops whatever a failed run left behind.
_HELD: dict[str, object] = {}

# Per-partition figures of scoring/linking runs on this driver (benchmarks/bench_cluster.py,
# docs/scale.md): one dict per partition, with its tasks' wall and thread-CPU seconds;
# appended to (clear it before a run).
LAST_RUN: list[dict] = []


class Timer:
    """Wall and CPU seconds of this thread (a worker runs one task per thread)."""

    def __init__(self):
        import time

        self._time = time
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def __call__(self) -> tuple[float, float]:
        return (round(self._time.perf_counter() - self.wall, 3),
                round(self._time.thread_time() - self.cpu, 3))


def hold(key: str, value) -> str:
    """Keep ``value`` on this worker under ``key``; returns this worker's address."""
    _HELD[key] = value
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return ""


def held(key: str, pop: bool = False):
    if key not in _HELD:
        raise RuntimeError(f"cluster: worker lost the state of {key} between tasks; re-run")
    return _HELD.pop(key) if pop else _HELD[key]


def _drop(prefix: str) -> int:
    keys = [k for k in _HELD if k.startswith(prefix)]
    for k in keys:
        value = _HELD.pop(k)
        close = getattr(value, "close", None)
        if close is not None:
            close()
    return len(keys)


def release(client, prefix: str) -> None:
    """Drop every value a run held on the workers (its keys start with ``prefix``)."""
    try:
        client.run(_drop, prefix)
    except Exception:  # a worker gone: its memory went with it
        pass


def pinned(client, address: str, fn, *args):
    """``client.submit`` on the worker at ``address`` only (where ``hold`` kept the state)."""
    if address:
        return client.submit(fn, *args, workers=[address], allow_other_workers=False, pure=False)
    return client.submit(fn, *args, pure=False)


def gather_pinned(client, futures: list, addresses: list[str], poll: float = 2.0) -> list:
    """``client.gather`` of tasks pinned to workers (``pinned``), which fails instead of
    waiting for ever when one of those workers has left the cluster (its task can run
    nowhere else: what it needs was held in that worker's memory)."""
    from distributed import wait

    while True:
        try:
            wait(futures, timeout=poll)
            return client.gather(futures)
        except TimeoutError:
            alive = set(client.scheduler_info().get("workers", {}))
            lost = sorted({a for a, f in zip(addresses, futures) if a and a not in alive and not f.done()})
            if lost:
                client.cancel([f for f in futures if not f.done()])
                raise RuntimeError(f"cluster: worker(s) {', '.join(lost)} left during the run, with "
                                   "the partitions they held; re-run") from None


def run_token() -> str:
    import uuid

    return uuid.uuid4().hex


def _partitions(client, requested: int | None) -> int:
    if requested:
        return int(requested)
    return max(1, len(client.scheduler_info().get("workers", {})))


# -- media matching --------------------------------------------------------------------------

def _bank_partition(url: str, part: int, parts: int):
    """(codes, [(bank name, hex)]) of the bank rows in partition ``part`` of ``parts``."""
    from sqlalchemy import select

    from hydrawatch.media.index import codes_from_hex
    from hydrawatch.store import open_store
    from hydrawatch.store import schema as s

    store = open_store(url, init=False)
    try:
        with store.session(readonly=True) as db:
            rows = db.execute(select(s.BankHash.pdq, s.HashBank.name)
                              .join(s.HashBank, s.HashBank.id == s.BankHash.bank_id)
                              .where(s.BankHash.id % parts == part)
                              .order_by(s.BankHash.id)).all()
    finally:
        store.dispose()
    hexes = [p.lower() for p, _ in rows]
    return codes_from_hex(hexes), [(name, p) for p, name in rows]


def match_partition(url: str, part: int, parts: int, queries: np.ndarray,
                    max_distance: int = MATCH_DISTANCE) -> list[tuple[int, str, str, int]]:
    """Every (query row, bank, hash, distance) within ``max_distance`` in one partition of
    the bank: one task. Uses the same exact index as ``media.banks.match_hashes``."""
    from hydrawatch.media.index import PDQIndex

    codes, payloads = _bank_partition(url, part, parts)
    if not len(codes) or not len(queries):
        return []
    index = PDQIndex.from_codes(codes)
    qi, bi, d = index.search_codes(queries, max_distance)
    return [(q, payloads[i][0], payloads[i][1], dist)
            for q, i, dist in zip(qi.tolist(), bi.tolist(), d.tolist())]


def match_hashes(store, queries: list[str], client, *, partitions: int | None = None,
                 max_distance: int = MATCH_DISTANCE) -> list[dict]:
    """``media.banks.match_hashes`` on a cluster: same output, same order."""
    from hydrawatch.media.index import codes_from_hex

    out = [{"query": q, "matches": []} for q in queries]
    if not queries:
        return out
    codes = codes_from_hex([q.lower() for q in queries])
    parts = _partitions(client, partitions)
    shared = client.scatter(codes, broadcast=True, hash=False)
    futures = [client.submit(match_partition, store.url, p, parts, shared, max_distance,
                             pure=False) for p in range(parts)]
    for hits in client.gather(futures):
        for q, bank, h, dist in hits:
            out[q]["matches"].append({"bank": bank, "hash": h, "distance": dist})
    for entry in out:
        entry["matches"].sort(key=lambda m: (m["distance"], m["bank"], m["hash"]))
    return out
