"""Re-entry ("hydra") linking: for every account that started after some suspension, the
suspended account it replaces (DESIGN.md, "Scoring and linking"; docs/linking.md).

    link_store(store, since=None)  -> LinkSummary   writes the links table, opens cases
    list_links(store, ...)         -> [dict]        the links at/above a confidence
    list_families(store, ...)      -> [dict]        chains of links as hydra families
    DEFAULT_THRESHOLD                               links at/above it are the output

The engine (hydrawatch.linking) is a pure function over columnar batches; this module
only loads them from the store, runs it once per platform and writes the results.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from types import SimpleNamespace

import numpy as np
from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.verification.states import VERIFIED_STATES
from hydrawatch.linking import storeio
from hydrawatch.linking.candidates import SuspendedIndex
from hydrawatch.linking.engine import LinkResult, find_links
from hydrawatch.linking.families import components, order_family
from hydrawatch.linking.model import default_model
from hydrawatch.linking.queue import parse_weights
from hydrawatch.store import Store
from hydrawatch.store.schema import Account, Case, Link
from hydrawatch.timeutil import as_utc, iso, parse_time, utcnow

__all__ = ["DEFAULT_THRESHOLD", "LinkSummary", "link_store", "list_links", "list_families"]

DEFAULT_THRESHOLD: float = default_model().threshold


@dataclass
class LinkSummary:
    platforms: int = 0
    suspended: int = 0
    new_accounts: int = 0
    candidates: int = 0
    rows: int = 0
    links: int = 0
    suggested: int = 0      # best candidates in [suggest, auto): the review queue (linking/queue.py)
    cases_opened: int = 0
    seconds: float = 0.0
    calibration: dict = field(default_factory=dict)  # per platform, when calibrated


    def as_dict(self) -> dict:
        return asdict(self)


def _dt(t: float) -> datetime | None:
    return None if t is None or np.isnan(t) else datetime.fromtimestamp(float(t), tz=timezone.utc)


def link_store(store: Store, *, since: datetime | str | None = None,
               progress: bool = False, calibrate: bool = False, client=None,
               partitions: int | None = None) -> LinkSummary:
    """Link the accounts that started after a suspension (first seen or created since
    ``since`` when given) to the suspended accounts they replace; rewrite their rows of
    the links table; open a `nominated` case for each successor of a verified account.
    ``calibrate``: re-estimate the model's field weights on this store's own candidate
    pairs first (linking/calibrate.py), with reviewers' confirmed and rejected links as
    labels; the weights used are recorded in the run's audit entry.
    ``client`` (a ``distributed.Client``, hydrawatch/cluster/link.py): find the candidate
    pairs, their features and reasons on its workers, ``partitions`` partitions of the
    new accounts (default: one per worker); the links are the same."""
    started = time.perf_counter()
    since = parse_time(since) if since is not None else None
    summary = LinkSummary()
    with store.session() as db:
        for platform, intern, sus, after in storeio.suspended_batches(db):
            if client is None:
                new = storeio.load_new(db, platform, intern, after=after, since=since)
            else:  # the workers load the new accounts, a partition each
                new = SimpleNamespace(ids=storeio.new_ids(db, platform, after=after, since=since))
            summary.platforms += 1
            summary.suspended += len(sus)
            summary.new_accounts += len(new.ids)
            if progress:
                print(f"link {platform}: {len(new.ids):,} new accounts vs {len(sus):,} suspended")
            if not len(new.ids):
                continue
            decisions = _decisions(db, platform) if calibrate else None
            if client is None:
                index = SuspendedIndex(sus, len(intern))
                result = find_links(new, sus, n_ids=len(intern), index=index,
                                    prepare=lambda rows: storeio.fill_suspended_posts(db, platform, sus, rows),
                                    freq=storeio.frequencies(db, platform), calibrate=calibrate,
                                    decisions=decisions)
            else:
                from hydrawatch.cluster import LAST_RUN
                from hydrawatch.cluster.link import find_links_on

                mark = len(LAST_RUN)
                result = find_links_on(client, store.url, platform, intern, sus, new.ids,
                                       after=after, since=since, freq=storeio.frequencies(db, platform),
                                       calibrate=calibrate, decisions=decisions, partitions=partitions)
                for r in LAST_RUN[mark:] if progress else ():
                    print(f"link {platform}: partition {r['part']}: {r['new']:,} new accounts, "
                          f"{r['pairs']:,} pairs, {r['kept']:,} kept; stage 1 {r['propose_s']:.2f}s "
                          f"(load {r['load_s']:.2f}s, index {r['index_s']:.2f}s), "
                          f"stage 3 {r['describe_s']:.2f}s")
            if result.calibration is not None:
                summary.calibration[platform] = result.calibration
            summary.candidates += result.candidates
            summary.rows += _write_links(db, platform, new, sus, result)
            summary.links += int(result.accepted().sum())
            summary.suggested += int(result.suggested().sum())
            summary.cases_opened += _open_cases(db, platform, new, sus, result)
        audit.record(db, "link", "link.run", None, None,
                     {"since": iso(since), **{k: v for k, v in asdict(summary).items() if k != "seconds"}})
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _decisions(db, platform: str) -> dict[tuple[str, str], int]:
    """Reviewers' verdicts on this platform's links: 1 confirmed, 0 rejected."""
    t = Link.__table__.c
    return {(s, p): int(state == "confirmed") for s, p, state in db.execute(
        select(t.successor_id, t.predecessor_id, t.state).where(
            t.platform == platform, t.state.in_(("confirmed", "rejected"))))}


WRITE_CHUNK = 5_000  # link rows inserted at once


def _write_links(db, platform: str, new, sus, result: LinkResult) -> int:
    """Replace the proposed rows of every successor in this run; rows a reviewer already
    decided keep their state and get the new figures."""
    now = utcnow()
    t = Link.__table__.c
    succ_ids = list(new.ids)
    reviewed: dict[tuple[str, str], int] = {}
    for lo in range(0, len(succ_ids), 500):
        part = succ_ids[lo: lo + 500]
        for row_id, s_id, p_id in db.execute(select(t.id, t.successor_id, t.predecessor_id).where(
                t.platform == platform, t.successor_id.in_(part), t.state != "proposed")):
            reviewed[(s_id, p_id)] = row_id
        db.execute(Link.__table__.delete().where(t.platform == platform, t.successor_id.in_(part),
                                                 t.state == "proposed"))
    inserts, updates = [], []
    written = 0
    # the reasons are made a block of pairs at a time as they are read (engine.Described):
    # inserted a chunk at a time, they are never all held at once
    for k, reasons in enumerate(result.reasons):
        s_id, p_id = new.ids[result.q[k]], sus.ids[result.s[k]]
        row = {"confidence": round(float(result.confidence[k]), 6), "rank": int(result.rank[k]),
               "reasons": reasons, "linkable_at": _dt(result.linkable_at[k])}
        if (s_id, p_id) in reviewed:
            updates.append({"id": reviewed[(s_id, p_id)], **row})
        else:
            inserts.append({"platform": platform, "successor_id": s_id, "predecessor_id": p_id,
                            "state": "proposed", "created_at": now, **row})
            if len(inserts) >= WRITE_CHUNK:
                db.execute(Link.__table__.insert(), inserts)
                written += len(inserts)
                inserts = []
    if inserts:
        db.execute(Link.__table__.insert(), inserts)
    if updates:
        from sqlalchemy import bindparam, update

        db.execute(update(Link.__table__).where(t.id == bindparam("b_id")).values(
            confidence=bindparam("confidence"), rank=bindparam("rank"), reasons=bindparam("reasons"),
            linkable_at=bindparam("linkable_at")),
            [{"b_id": u.pop("id"), **u} for u in updates])
    return written + len(inserts) + len(updates)


def _open_cases(db, platform: str, new, sus, result: LinkResult) -> int:
    from hydrawatch.linking.cases import open_reentry_case

    # auto links and the review queue alike: a reviewer decides the case either way
    accepted = np.flatnonzero(result.accepted() | result.suggested())
    if not len(accepted):
        return 0
    pred_ids = sorted({sus.ids[result.s[k]] for k in accepted})
    verified = set()
    c = Case.__table__.c
    for lo in range(0, len(pred_ids), 500):
        verified.update(db.scalars(select(c.account_id).where(
            c.platform == platform, c.account_id.in_(pred_ids[lo: lo + 500]),
            c.state.in_(VERIFIED_STATES))))
    opened = 0
    for k in accepted:
        pred = sus.ids[result.s[k]]
        if pred in verified:
            opened += open_reentry_case(db, platform, new.ids[result.q[k]], pred,
                                        float(result.confidence[k]), result.reasons[k])
    return opened


def _ref(acc: Account | None, platform: str, account_id: str) -> dict:
    return {"platform": platform, "id": account_id, "handle": acc.handle if acc else None}


def list_links(store: Store, *, min_confidence: float | None = None) -> list[dict]:
    """Links at or above ``min_confidence`` (default DEFAULT_THRESHOLD), best first, in the
    JSON contract shape of `hydrawatch link --format json`."""
    floor = DEFAULT_THRESHOLD if min_confidence is None else min_confidence
    out = []
    with store.session() as db:
        rows = db.scalars(select(Link).where(_is_link(floor))
                          .order_by(Link.confidence.desc(), Link.platform, Link.successor_id,
                                    Link.predecessor_id)).all()
        accounts = _accounts(db, {(r.platform, x) for r in rows for x in (r.successor_id, r.predecessor_id)})
        for r in rows:
            out.append({"successor": _ref(accounts.get((r.platform, r.successor_id)), r.platform, r.successor_id),
                        "predecessor": _ref(accounts.get((r.platform, r.predecessor_id)), r.platform, r.predecessor_id),
                        "confidence": float(r.confidence), "reasons": list(r.reasons or []),
                        "rank": int(r.rank), "linkable_at": iso(r.linkable_at), "state": r.state,
                        "weights": parse_weights(r.reasons)})
    return out


def _is_link(floor: float):
    """A link: at/above ``floor`` and not rejected by a reviewer, or confirmed by one."""
    from sqlalchemy import and_, or_

    return or_(and_(Link.confidence >= floor, Link.state != "rejected"), Link.state == "confirmed")


def _accounts(db, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Account]:
    by_platform: dict[str, list[str]] = {}
    for p, a in keys:
        by_platform.setdefault(p, []).append(a)
    out = {}
    for p, ids in by_platform.items():
        for lo in range(0, len(ids), 500):
            for acc in db.scalars(select(Account).where(Account.platform == p,
                                                        Account.account_id.in_(ids[lo: lo + 500]))):
                out[(p, acc.account_id)] = acc
    return out


def list_families(store: Store, *, min_confidence: float | None = None) -> list[dict]:
    """Hydra families: accounts joined by links at/above the threshold, in succession
    order, each with its status and first/last seen; largest families first."""
    floor = DEFAULT_THRESHOLD if min_confidence is None else min_confidence
    out = []
    with store.session() as db:
        rows = db.execute(select(Link.platform, Link.successor_id, Link.predecessor_id)
                          .where(_is_link(floor))).all()
        by_platform: dict[str, list[tuple[str, str]]] = {}
        for p, s, pr in rows:
            by_platform.setdefault(p, []).append((s, pr))
        for platform, pairs in sorted(by_platform.items()):
            accounts = _accounts(db, {(platform, x) for pair in pairs for x in pair})
            start = {}
            for (_, aid), acc in accounts.items():
                t = as_utc(acc.created_at or acc.first_seen)
                start[aid] = t.timestamp() if t else float("inf")
            for members in components(pairs):
                ordered = order_family(members, pairs, start)
                accs = [accounts.get((platform, m)) for m in ordered]
                firsts = [as_utc(a.first_seen) for a in accs if a and a.first_seen]
                lasts = [as_utc(a.last_seen) for a in accs if a and a.last_seen]
                out.append({
                    "platform": platform, "size": len(ordered),
                    "first_seen": iso(min(firsts)) if firsts else None,
                    "last_seen": iso(max(lasts)) if lasts else None,
                    "accounts": [{"id": m, "handle": a.handle if a else None,
                                  "status": a.status if a else None,
                                  "first_seen": iso(a.first_seen) if a else None,
                                  "last_seen": iso(a.last_seen) if a else None}
                                 for m, a in zip(ordered, accs)]})
    out.sort(key=lambda f: (-f["size"], f["first_seen"] or "", f["accounts"][0]["id"]))
    return out
