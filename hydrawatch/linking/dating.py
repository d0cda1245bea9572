"""When a link became knowable: ``linkable_at``, the first observation time (the new
account's creation, a post, a follow) at which the data seen up to then already puts a pair
over the automatic threshold. Replays each accepted pair on the new account as it looked
at each of its observation times.
"""

from __future__ import annotations

import numpy as np

from hydrawatch.linking.batch import AccountBatch, PostRows, Ragged
from hydrawatch.linking.features import FEATURES, Frequencies, pair_features
from hydrawatch.linking.model import LinkModel, Rivals

MAX_EVENTS = 40         # observation times tried when dating a link
_F = {name: i for i, name in enumerate(FEATURES)}


def _events(new: AccountBatch, i: int) -> np.ndarray:
    start = new.created_at[i]
    times = [np.array([start])]
    if new.posts is not None:
        times.append(np.asarray(new.posts.times[i], np.float64))
    times.append(new.followers.row_times(i))
    times.append(new.following.row_times(i))
    t = np.concatenate(times)
    t = t[~np.isnan(t)]
    if not np.isnan(start):
        t = np.maximum(t, start)
    return np.unique(t)


def _truncate_ragged(rag: Ragged, rows: list[int], cutoffs: list[float], last: list[float]) -> Ragged:
    vals, times = [], []
    for i, t, end in zip(rows, cutoffs, last):
        tm = rag.row_times(i)
        tm = np.where(np.isnan(tm), end, tm)
        keep = tm <= t
        vals.append(rag.row(i)[keep].tolist())
        times.append(tm[keep].tolist())
    return Ragged.from_lists(vals, times)


def truncate(new: AccountBatch, rows: list[int], cutoffs: list[float]) -> AccountBatch:
    """The new accounts of ``rows`` as they looked at each cutoff (one output row each)."""
    last = [float(_events(new, i).max(initial=-np.inf)) for i in rows]
    posts = None
    if new.posts is not None:
        p = new.posts
        keeps = [np.asarray(p.times[i]) <= t for i, t in zip(rows, cutoffs)]
        posts = PostRows([np.asarray(p.times[i])[k] for i, k in zip(rows, keeps)],
                         [[x for x, ok in zip(p.texts[i], k) if ok] for i, k in zip(rows, keeps)],
                         [[x for x, ok in zip(p.mentions[i], k) if ok] for i, k in zip(rows, keeps)])
    return AccountBatch(
        ids=[new.ids[i] for i in rows], handles=[new.handles[i] for i in rows],
        names=[new.names[i] for i in rows], bios=[new.bios[i] for i in rows],
        avatars=[new.avatars[i] for i in rows], created_at=new.created_at[rows],
        suspended_at=new.suspended_at[rows], active_until=new.active_until[rows],
        followers=_truncate_ragged(new.followers, rows, cutoffs, last),
        following=_truncate_ragged(new.following, rows, cutoffs, last), posts=posts)


def linkable_times(new: AccountBatch, suspended: AccountBatch, q: np.ndarray, s: np.ndarray,
                   n_ids: int, model: LinkModel, latest: np.ndarray, riv: Rivals,
                   freq: Frequencies | None = None) -> np.ndarray:
    """For each accepted pair, the first observation time (the new account's creation, a
    post, a follow) at which the data seen so far already puts it over the threshold.
    The pair is compared with its rivals as the whole run saw them (``riv``): they only
    gain evidence over time, so an earlier cutoff is judged no more leniently."""
    rows, cut, pair, srows = [], [], [], []
    for k, (i, j) in enumerate(zip(q.tolist(), s.tolist())):
        ev = _events(new, i)
        if len(ev) > MAX_EVENTS:
            ev = np.r_[ev[: MAX_EVENTS - 1], ev[-1]]
        rows += [i] * len(ev)
        cut += ev.tolist()
        pair += [k] * len(ev)
        srows += [j] * len(ev)
    if not rows:
        return np.full(len(q), np.nan)
    view = truncate(new, rows, cut)
    x = pair_features(view, suspended, np.arange(len(rows)), np.array(srows), n_ids, freq)
    x[:, _F["latest_suspension"]] = latest[np.array(pair)]
    pair_idx = np.array(pair)
    ok = model.cap(model.confidence(model.base_logit(x), riv.take(pair_idx)), x) >= model.threshold
    out = np.full(len(q), np.nan)
    last = np.full(len(q), np.nan)
    for k, t, good in zip(pair, cut, ok):
        last[k] = t if np.isnan(last[k]) else max(last[k], t)
        if good and (np.isnan(out[k]) or t < out[k]):
            out[k] = t
    return np.where(np.isnan(out), last, out)
