"""Reading what scoring needs from the store, as columns.

SQL does the key lookups (joins on ``(platform, account_id)``) so that no Python dict is
consulted per row; accounts become dense indices ``0..n-1`` by ``np.searchsorted`` over
their row ids. Posts stream in batches (memory stays bounded by the batch size).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Iterator

import numpy as np
import orjson
from sqlalchemy import Text, and_, cast, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from hydrawatch.verification.states import VERIFIED_STATES
from hydrawatch.store import schema as s

NEGATIVE_STATES = ("rejected", "delisted")
EDGE_TYPES = ("reshares", "mentions", "replies", "quotes", "follows")


@dataclass
class Accounts:
    row_id: np.ndarray      # int64, sorted: accounts.id
    platform: list[str]
    account_id: list[str]
    handle: list[str | None]
    avatar_pdq: list[str | None]
    status: list[str | None]
    active: np.ndarray      # bool: has >= 1 post or edge

    def __len__(self) -> int:
        return len(self.row_id)

    def index(self, row_ids) -> np.ndarray:
        """Dense indices of accounts.id values (-1 where unknown)."""
        ids = np.asarray(row_ids, dtype=np.int64)
        pos = np.searchsorted(self.row_id, ids)
        pos = np.clip(pos, 0, max(len(self.row_id) - 1, 0))
        ok = (len(self.row_id) > 0) & (self.row_id[pos] == ids) if len(ids) else np.zeros(0, bool)
        return np.where(ok, pos, -1)

    def take(self, rows) -> "Accounts":
        """The accounts at dense indices ``rows`` (sorted), as an Accounts of their own."""
        rows = np.asarray(rows, dtype=np.int64)
        pick = rows.tolist()
        return Accounts(row_id=self.row_id[rows], platform=[self.platform[i] for i in pick],
                        account_id=[self.account_id[i] for i in pick],
                        handle=[self.handle[i] for i in pick],
                        avatar_pdq=[self.avatar_pdq[i] for i in pick],
                        status=[self.status[i] for i in pick], active=self.active[rows])

    def partition(self, parts: int) -> list[np.ndarray]:
        """Dense indices of each partition's accounts: ``accounts.id % parts`` (as
        ``iter_posts(part=...)`` selects their posts in SQL)."""
        key = self.row_id % parts
        return [np.flatnonzero(key == p) for p in range(parts)]

    def label(self, i: int) -> str:
        return f"@{self.handle[i]}" if self.handle[i] else f"{self.platform[i]}:{self.account_id[i]}"


def _same_account(acc, platform_col, id_col):
    return and_(acc.platform == platform_col, acc.account_id == id_col)


def load_accounts(db) -> Accounts:
    A = s.Account
    has_post = exists().where(s.Post.platform == A.platform, s.Post.account_id == A.account_id)
    has_out = exists().where(s.Edge.platform == A.platform, s.Edge.src == A.account_id)
    has_in = exists().where(s.Edge.platform == A.platform, s.Edge.dst == A.account_id)
    stmt = (select(A.id, A.platform, A.account_id, A.handle, A.avatar_pdq, A.status,
                   or_(has_post, has_out, has_in).label("active"))
            .order_by(A.id))
    rows = db.execute(stmt).all()
    cols = list(zip(*rows)) if rows else [[] for _ in range(7)]
    return Accounts(row_id=np.asarray(cols[0], dtype=np.int64), platform=list(cols[1]),
                    account_id=list(cols[2]), handle=list(cols[3]), avatar_pdq=list(cols[4]),
                    status=list(cols[5]), active=np.asarray(cols[6], dtype=bool))


def load_case_states(db, accounts: Accounts) -> tuple[np.ndarray, np.ndarray]:
    """(verified, rejected) boolean masks over accounts."""
    A = s.Account
    rows = db.execute(select(A.id, s.Case.state)
                      .join(A, _same_account(A, s.Case.platform, s.Case.account_id))).all()
    verified = np.zeros(len(accounts), dtype=bool)
    rejected = np.zeros(len(accounts), dtype=bool)
    if rows:
        idx = accounts.index([r[0] for r in rows])
        states = np.asarray([r[1] for r in rows], dtype=object)
        ok = idx >= 0
        verified[idx[ok & np.isin(states, VERIFIED_STATES)]] = True
        rejected[idx[ok & np.isin(states, NEGATIVE_STATES)]] = True
    return verified, rejected


@dataclass
class EdgeTable:
    src: np.ndarray    # dense account index
    dst: np.ndarray
    type: np.ndarray   # index into EDGE_TYPES
    count: np.ndarray  # how many edge rows (posts) behind this (src, dst, type)


def load_edges(db, accounts: Accounts) -> EdgeTable:
    """Edges aggregated per (src, dst, type), both ends known accounts."""
    src_acc, dst_acc = aliased(s.Account), aliased(s.Account)
    E = s.Edge
    stmt = (select(src_acc.id, dst_acc.id, E.type, func.count())
            .select_from(E)
            .join(src_acc, _same_account(src_acc, E.platform, E.src))
            .join(dst_acc, _same_account(dst_acc, E.platform, E.dst))
            .where(E.type.in_(EDGE_TYPES), E.src != E.dst)
            .group_by(src_acc.id, dst_acc.id, E.type))
    rows = db.execute(stmt).all()
    if not rows:
        z = np.zeros(0, dtype=np.int64)
        return EdgeTable(z, z, z, z)
    a, b, t, c = zip(*rows)
    type_idx = {name: i for i, name in enumerate(EDGE_TYPES)}
    return EdgeTable(src=accounts.index(a), dst=accounts.index(b),
                     type=np.fromiter((type_idx[x] for x in t), dtype=np.int64, count=len(t)),
                     count=np.asarray(c, dtype=np.int64))


@dataclass
class PostBatch:
    account: np.ndarray          # dense account index per post
    text: list[str | None]
    hashtags: list[list | None]
    urls: list[list | None]
    is_reshare: np.ndarray       # bool
    day: np.ndarray | None = None  # int64 days since 1970-01-01 (-1: unknown)


def iter_posts(db, accounts: Accounts, batch_size: int = 20000,
               part: tuple[int, int] | None = None) -> Iterator[PostBatch]:
    """Every post of a known account, in batches. A reshare is read with the text, hashtags
    and links of the post it reshares when the store has that post (boosts often carry no
    text of their own). ``part`` = (p, parts): only the posts of accounts with
    ``accounts.id % parts == p`` (one partition of a cluster run)."""
    P, O, A = s.Post, aliased(s.Post), s.Account
    reshared = and_(O.platform == P.platform, O.post_id == P.reshare_of_post)
    # The JSON list columns come as their text and are decoded a batch at a time (one
    # orjson call per batch instead of one per value; ``_json_lists``).
    stmt = (select(A.id, P.text, cast(P.hashtags, Text), cast(P.urls, Text), P.reshare_of_account,
                   O.text, cast(O.hashtags, Text), cast(O.urls, Text), P.created_at)
            .select_from(P)
            .join(A, _same_account(A, P.platform, P.account_id))
            .outerjoin(O, reshared)
            )
    if part is not None:
        stmt = stmt.where(A.id % part[1] == part[0])
    # Core, not ORM: rows come back as plain tuples, streamed.
    result = db.connection().execution_options(yield_per=batch_size).execute(stmt)
    for chunk in result.partitions(batch_size):
        cols = list(zip(*chunk))
        m = len(chunk)
        lists = _json_lists(cols[2] + cols[3] + cols[6] + cols[7])
        orig_text, orig_tags, orig_urls = cols[5], lists[2 * m:3 * m], lists[3 * m:]
        text = [o if o else t for t, o in zip(cols[1], orig_text)]
        tags = [o if o else t for t, o in zip(lists[:m], orig_tags)]
        urls = [o if o else t for t, o in zip(lists[m:2 * m], orig_urls)]
        yield PostBatch(account=accounts.index(cols[0]), text=text, hashtags=tags, urls=urls,
                        is_reshare=np.fromiter((r is not None for r in cols[4]), dtype=bool,
                                               count=len(chunk)),
                        day=days_of(cols[8]))


def _json_lists(raw) -> list:
    """JSON column values read as text (None: SQL NULL), decoded: the same values as one
    ``orjson.loads`` per value (the engine's ``json_deserializer``), in one call over the
    batch joined into one array. Taken only when every value is NULL or its text starts
    with ``[`` and ends with ``]`` (what the ingest writes) and the array has one element
    per value; anything else is decoded value by value, as before."""
    if all(v is None or (v[:1] == "[" and v[-1:] == "]") for v in raw):
        try:
            out = orjson.loads("[" + ",".join(["null" if v is None else v for v in raw]) + "]")
        except orjson.JSONDecodeError:
            out = None
        if out is not None and len(out) == len(raw):
            return out
    return [None if v is None else orjson.loads(v) for v in raw]


def days_of(times) -> np.ndarray:
    """Days since 1970-01-01 of a column of datetimes (naive = UTC; -1 where missing)."""
    times = list(times)
    if any(getattr(t, "tzinfo", None) is not None for t in times[:1000]):  # PostgreSQL: aware
        times = [t.astimezone(timezone.utc).replace(tzinfo=None) if t is not None and t.tzinfo else t
                 for t in times]
    arr = np.array(times, dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = -1
    return out


def count_posts(db) -> int:
    return int(db.scalar(select(func.count()).select_from(s.Post)) or 0)


def load_media(db, accounts: Accounts) -> tuple[np.ndarray, list[str]]:
    """(account index, pdq) of every post media item with a hash."""
    M, P, A = s.Media, s.Post, s.Account
    owner = func.coalesce(M.account_id, P.account_id)
    stmt = (select(A.id, M.pdq).select_from(M)
            .outerjoin(P, and_(P.platform == M.platform, P.post_id == M.post_id))
            .join(A, _same_account(A, M.platform, owner))
            .where(M.pdq.is_not(None)))
    rows = db.execute(stmt).all()
    if not rows:
        return np.zeros(0, dtype=np.int64), []
    ids, hashes = zip(*rows)
    return accounts.index(ids), [h.lower() for h in hashes]


@dataclass
class LinkTable:
    successor: np.ndarray
    predecessor: np.ndarray
    confidence: np.ndarray


def load_links(db, accounts: Accounts, threshold: float) -> LinkTable:
    succ, pred, L = aliased(s.Account), aliased(s.Account), s.Link
    stmt = (select(succ.id, pred.id, L.confidence).select_from(L)
            .join(succ, _same_account(succ, L.platform, L.successor_id))
            .join(pred, _same_account(pred, L.platform, L.predecessor_id))
            .where(L.confidence >= literal(threshold), L.state != "rejected"))
    rows = db.execute(stmt).all()
    if not rows:
        z = np.zeros(0, dtype=np.int64)
        return LinkTable(z, z, np.zeros(0))
    a, b, c = zip(*rows)
    return LinkTable(accounts.index(a), accounts.index(b), np.asarray(c, dtype=float))


def load_bank_matches(db) -> tuple[dict[str, int], dict[str, list[str]]]:
    """From the imported banks' matches: {store hash: best distance} and {store hash:
    names of the banks it matched}."""
    M, B, H = s.MediaMatch, s.BankHash, s.HashBank
    best: dict[str, int] = {}
    names: dict[str, set] = {}
    stmt = select(M.pdq, M.distance, H.name).join(B, B.id == M.bank_hash_id).join(H, H.id == B.bank_id)
    for pdq, d, name in db.execute(stmt):
        best[pdq] = min(best.get(pdq, 999), int(d))
        names.setdefault(pdq, set()).add(name)
    return best, {k: sorted(v) for k, v in names.items()}


def banks_by_account(avatars: list, media_account: np.ndarray, media_pdq: list[str],
                     names: dict[str, list[str]]) -> dict[int, list[str]]:
    """{account index: sorted bank names its avatar or posted images matched}."""
    out: dict[int, set] = {}
    if not names:
        return {}
    for i, h in enumerate(avatars):
        if h and h.lower() in names:
            out.setdefault(i, set()).update(names[h.lower()])
    for a, h in zip(media_account.tolist(), media_pdq):
        if a >= 0 and h in names:
            out.setdefault(a, set()).update(names[h])
    return {k: sorted(v) for k, v in out.items()}
