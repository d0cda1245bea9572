"""``hydrawatch link`` on a Dask cluster: the new accounts are split across the workers.

What is distributed, and what is not (linking/engine.py names the three stages):

- **On the driver**: loading the suspended side (its accounts, handles, follow edges --
  every task needs all of it) and the store's name/bio/avatar frequencies, once per
  platform; both are broadcast to the workers. After stage 1 the driver runs stage 2,
  ``decide``, over every candidate pair at once (rivals -- which compare the new accounts
  proposed for the same suspended one, across partitions -- confidence, rank, which pairs
  are kept), then writes the links and opens the cases as a single-process run does. The
  workers send it each pair's base logit and cap flag (``engine.pair_scores``, 9 bytes a
  pair); the features themselves (25 float64 a pair) travel only with ``--calibrate``,
  whose EM needs every pair's.
- **Per partition** of the new accounts (``accounts.id % P``), on a worker: loading the
  partition's new accounts with their posts and follow edges from the store, stage 1
  ``propose`` (blocking candidates from the suspended-side index -- built once per worker
  and kept there for the run -- the posts of the candidate suspended accounts, the pair
  features), and, with the driver's decisions, stage 3 ``describe`` (when each link became
  possible, field weights and reasons) on the worker that holds the partition.

Every stage is the single-process function; a pair's features depend on its new account,
the whole suspended side and the store's frequencies only, so the links, confidences,
ranks and reasons equal the single-process ones (tests/test_cluster_score_link.py).
"""

from __future__ import annotations

import copy

import numpy as np

from hydrawatch.cluster import (_HELD, LAST_RUN, Timer, _partitions, gather_pinned, held, hold, pinned,
                                release, run_token)


def _index(key: str, sus, n_ids: int):
    """The suspended-side index, built once per worker and kept for the run."""
    from hydrawatch.linking.candidates import SuspendedIndex

    try:
        from distributed import get_worker

        key = key + get_worker().address
    except (ImportError, ValueError):
        pass
    if key not in _HELD:
        hold(key, SuspendedIndex(sus, n_ids))
    return _HELD[key]


def _propose(key, index_key, url, platform, part, parts, sus, intern_ids, after, since, freq,
             model, calibrate):
    """Stage 1 over one partition of the new accounts; the partition stays on this worker
    for stage 3. Returns (worker address, new ids, q, s, sources, what ``decide`` needs:
    the features to calibrate on, else ``pair_scores`` -- 9 bytes a pair, not 200 --,
    seconds)."""
    from dataclasses import replace

    from hydrawatch.linking import storeio
    from hydrawatch.linking.batch import PostRows
    from hydrawatch.linking.engine import pair_scores, propose
    from hydrawatch.perfutil import frozen_gc
    from hydrawatch.store import open_store

    clock = Timer()
    store = open_store(url, init=False)
    try:
        with frozen_gc(), store.session(readonly=True) as db:
            intern = storeio.Interner()
            intern.ids = dict(intern_ids)  # neighbours known to the suspended side keep their ids
            new = storeio.load_new(db, platform, intern, after=after, since=since, part=(part, parts))
            loaded = clock()
            index = _index(index_key, sus, len(intern_ids))
            indexed = clock()
            mine = replace(sus, posts=PostRows.empty(len(sus)))  # this partition's candidates' posts
            cand, x, freq = propose(new, mine, n_ids=len(intern), index=index, freq=copy.copy(freq),
                                    prepare=lambda rows: storeio.fill_suspended_posts(db, platform, mine, rows))
    finally:
        store.dispose()
    address = hold(key, (new, mine, freq, len(intern), cand, x))
    scored = x if calibrate else pair_scores(model, x, cand.q)
    return address, new.ids, cand.q, cand.s, cand.sources, scored, (loaded, indexed, clock())


def _describe(key, pairs, conf, riv, model, date_links):
    """Stage 3 over the kept pairs of one partition (indices into its candidate pairs)."""
    from hydrawatch.linking.engine import describe

    clock = Timer()
    new, mine, freq, n_ids, cand, x = held(key, pop=True)
    out = describe(new, mine, cand.q[pairs], cand.s[pairs], x[pairs], cand.sources[pairs],
                   conf, riv, model, n_ids, freq, date_links)
    return (*out, x[pairs]), clock()


def find_links_on(client, url: str, platform: str, intern, sus, new_ids: list[str], *, after, since,
                  freq, calibrate: bool = False, decisions: dict | None = None,
                  partitions: int | None = None, model=None, keep: int | None = None,
                  date_links: bool = True):
    """``linking.engine.find_links`` for one platform of the store at ``url`` on
    ``client``'s workers. ``new_ids``: the new accounts (``storeio.new_ids``), whose order
    the result's ``q`` indexes, as ``find_links`` indexes its ``new`` batch."""
    from hydrawatch.linking.candidates import Candidates
    from hydrawatch.linking.engine import KEEP_PER_SUCCESSOR, LinkResult, decide
    from hydrawatch.linking.features import FEATURES
    from hydrawatch.linking.model import default_model

    model = model or default_model()
    parts = _partitions(client, partitions)
    token = f"link-{run_token()}-"
    sus_f, ids_f, model_f = client.scatter([sus, intern.ids, model], broadcast=True, hash=False)
    try:
        firsts = client.gather([
            client.submit(_propose, f"{token}{p}", f"{token}index-", url, platform, p, parts,
                          sus_f, ids_f, after, since, freq, model_f, calibrate, pure=False)
            for p in range(parts)])
        # every partition's pairs in the single-process order: by new account, each one's
        # pairs in the order stage 1 produced them
        pos = {a: i for i, a in enumerate(new_ids)}
        names = ("q", "s", "src", "part", "local") + (("x",) if calibrate else ("base", "eligible"))
        cols: dict[str, list] = {k: [] for k in names}
        for p, (_, ids, q, s, src, scored, _t) in enumerate(firsts):
            g = np.fromiter((pos[a] for a in ids), np.int64, len(ids))
            cols["q"].append(g[q])
            cols["s"].append(s)
            cols["src"].append(src)
            cols["part"].append(np.full(len(q), p, np.int64))
            cols["local"].append(np.arange(len(q), dtype=np.int64))
            if calibrate:
                cols["x"].append(scored)
            else:
                cols["base"].append(scored[0])
                cols["eligible"].append(scored[1])
        order = np.argsort(np.concatenate(cols["q"]), kind="stable")
        a = {k: np.concatenate(v)[order] for k, v in cols.items()}
        q, s, src, part, local = a["q"], a["s"], a["src"], a["part"], a["local"]
        cand = Candidates(q, s, src)
        labels = None
        if calibrate and decisions:
            labels = np.array([decisions.get((new_ids[i], sus.ids[j]), np.nan)
                               for i, j in zip(q.tolist(), s.tolist())], float)
        d = decide(cand, a.get("x"), model, keep=KEEP_PER_SUCCESSOR if keep is None else keep,
                   calibrate=calibrate, labels=labels,
                   scored=None if calibrate else (a["base"], a["eligible"]))
        kept_part, kept_local = part[d.idx], local[d.idx]
        shared = client.scatter(d.model, broadcast=True, hash=False)
        sel = [np.flatnonzero(kept_part == p) for p in range(parts)]
        described = gather_pinned(client, [
            pinned(client, first[0], _describe, f"{token}{p}", kept_local[sel[p]], d.conf[sel[p]],
                   d.riv.take(sel[p]), shared, date_links)
            for p, first in enumerate(firsts)], [f[0] for f in firsts])
    finally:
        release(client, token)
    LAST_RUN.extend([{"stage": "link", "platform": platform, "part": p, "new": len(first[1]),
                    "pairs": len(first[2]), "kept": len(sel[p]),
                    "load_s": first[6][0][0], "load_cpu": first[6][0][1],
                    # the index is built by the first task on each worker (0 on the others)
                    "index_s": round(first[6][1][0] - first[6][0][0], 3),
                    "index_cpu": round(first[6][1][1] - first[6][0][1], 3),
                    "propose_s": first[6][2][0], "propose_cpu": first[6][2][1],
                    "describe_s": second[1][0], "describe_cpu": second[1][1]}
                   for p, (first, second) in enumerate(zip(firsts, described))])
    described = [out for out, _ in described]
    n = len(d.idx)
    linkable = np.full(n, np.nan)
    features = np.zeros((n, len(FEATURES)))
    weights: list = [None] * n
    reasons: list = [None] * n
    for rows, (lk, w, r, xk) in zip(sel, described):
        linkable[rows] = lk
        features[rows] = xk
        for k, wk, rk in zip(rows.tolist(), w, r):
            weights[k], reasons[k] = wk, rk
    idx = d.idx
    return LinkResult(q[idx], s[idx], d.conf, d.rank, src[idx], features, linkable, reasons, len(q),
                      d.model.threshold, d.model.suggest_threshold, weights, d.calibration)
