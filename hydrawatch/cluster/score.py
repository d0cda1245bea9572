"""``hydrawatch score`` on a Dask cluster: the two passes over the posts run per partition.

What is distributed, and what is not:

- **Partitioned** (one task per partition of the accounts, ``accounts.id % P``): reading the
  posts, the policy matches, stance cues and content counters, the character n-grams and
  pass 1 of the text model (per-fold class sums), then -- after the driver has added every
  partition's sums (integer counts: exact) and fitted the ratios -- pass 2, each post's
  text logit summed per account. Every task calls the single-process kernels
  (``scoring.pipeline.read_posts``, ``TextPass``); its spilled n-gram batches stay on the
  worker between the passes.
- **On the driver**, as in a single-process run: loading the accounts, case states,
  aggregated edges, media and links; the network signals (personalised PageRank), media
  signals, the combiner (fitted on the seeds) and writing scores and reasons.

The counters, the text model and the scores equal the single-process ones; only the order
in which one account's post logits are summed may differ (float rounding, ~1e-15).
"""

from __future__ import annotations

import numpy as np

from hydrawatch.cluster import (LAST_RUN, Timer, _partitions, gather_pinned, held, hold, pinned, release,
                                run_token)


def _pass1(key, url, part, parts, accounts, positive, negative, fold, matcher, batch_size):
    """Pass 1 over one partition's posts; the TextPass stays on this worker for pass 2.
    Returns (worker address, content counters, class sums, positives, negatives, posts)."""
    from hydrawatch.perfutil import frozen_gc
    from hydrawatch.scoring.pipeline import FOLDS, read_posts
    from hydrawatch.scoring.textpass import TextPass
    from hydrawatch.store import open_store

    clock = Timer()
    text = TextPass(positive, negative, fold, FOLDS, len(accounts))
    store = open_store(url, init=False)
    try:
        with frozen_gc(), store.session(readonly=True) as db:
            counts = read_posts(db, accounts, matcher, text, batch_size, part=(part, parts))
    except BaseException:
        text.close()
        raise
    finally:
        store.dispose()
    address = hold(key, text)
    return address, counts, text.sums, text.n_pos, text.n_neg, text.seen, clock()


def _pass2(key, model):
    """Pass 2 over the batches pass 1 spilled: (logit sum, dose, posts) per account."""
    clock = Timer()
    text = held(key, pop=True)
    try:
        return (None if model is None else text.totals(model)), clock()
    finally:
        text.close()


def score_posts(client, url: str, accounts, matcher, seeds: np.ndarray, active: np.ndarray,
                fold: np.ndarray, *, partitions: int | None = None, batch_size: int | None = None):
    """The posts passes of ``score_store`` on ``client``'s workers: (content counters,
    text signal, posts read), as ``scoring.pipeline._posts_pass`` returns them."""
    from hydrawatch.scoring.content import ContentCounts
    from hydrawatch.scoring.pipeline import FOLDS
    from hydrawatch.scoring.textpass import mean_logit, model_from_sums

    n = len(accounts)
    parts = _partitions(client, partitions)
    negative = active & ~seeds
    rows = accounts.partition(parts)
    token = f"score-{run_token()}-"
    try:
        firsts = client.gather([
            client.submit(_pass1, f"{token}{p}", url, p, parts, accounts.take(r), seeds[r],
                          negative[r], fold[r], matcher, batch_size, pure=False)
            for p, r in enumerate(rows)])
        counts = ContentCounts(n=n, n_tags=len(matcher.tags), n_phrases=len(matcher.phrases))
        sums = None
        n_pos = n_neg = seen = 0
        for r, (_, part_counts, part_sums, pos, neg, part_seen, _t) in zip(rows, firsts):
            counts.merge(part_counts, r)
            sums = part_sums.copy() if sums is None else sums + part_sums
            n_pos, n_neg, seen = n_pos + pos, n_neg + neg, seen + part_seen
        model = model_from_sums(sums, n_pos, n_neg, FOLDS)
        shared = client.scatter(model, broadcast=True, hash=False) if model is not None else None
        totals = gather_pinned(client, [pinned(client, first[0], _pass2, f"{token}{p}", shared)
                                        for p, first in enumerate(firsts)], [f[0] for f in firsts])
    finally:
        release(client, token)
    LAST_RUN.extend([{"stage": "score", "part": p, "accounts": len(r), "posts": first[5],
                    "pass1_s": first[6][0], "pass1_cpu": first[6][1],
                    "pass2_s": second[1][0], "pass2_cpu": second[1][1]}
                   for p, (r, first, second) in enumerate(zip(rows, firsts, totals))])
    totals = [t for t, _ in totals]
    if model is None:
        signal = (np.zeros(n), np.zeros(n), False)
    else:
        total, dose, posts = np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64)
        for r, (t, d, c) in zip(rows, totals):
            total[r], dose[r], posts[r] = t, d, c
        signal = (mean_logit(total, posts), dose, True)
    return counts, (lambda: signal), seen
