"""Loading AccountBatch values from the store, and writing the links table.

Queries join against sub-selects (suspended ids, new ids) rather than sending id lists,
so they stay one statement each whatever the store's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hydrawatch.linking.batch import AccountBatch, PostRows, Ragged
from hydrawatch.store.schema import Account, Edge, Handle, Post, Status
from hydrawatch.timeutil import as_utc

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,30})")
RECENT_POSTS = 20


def ts(dt: datetime | None) -> float:
    dt = as_utc(dt)
    return dt.timestamp() if dt is not None else np.nan


def post_mentions(text: str | None, mentions) -> tuple[str, ...]:
    """Handles (lowercase) and "#id" tokens a post mentions, from its entities and text."""
    out = set()
    for m in mentions or ():
        if isinstance(m, dict):
            if m.get("handle"):
                out.add(str(m["handle"]).lstrip("@").lower())
            if m.get("id"):
                out.add("#" + str(m["id"]))
        elif isinstance(m, str):
            out.add(m.lstrip("@").lower())
    if text:
        out.update(h.lower() for h in _MENTION.findall(text[:5000]))
    return tuple(sorted(out))


class Interner:
    """Account ids -> dense integers shared by both batches of a run."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def __call__(self, key: str) -> int:
        n = self.ids.get(key)
        if n is None:
            n = self.ids[key] = len(self.ids)
        return n

    def __len__(self) -> int:
        return len(self.ids)


def suspensions(db: Session, platform: str):
    """Sub-select (account_id, suspended_at): first suspension observation per id."""
    st = Status.__table__.c
    return (select(st.account_id.label("account_id"), func.min(st.observed_at).label("suspended_at"))
            .where(st.platform == platform, st.status == "suspended", st.account_id != "")
            .group_by(st.account_id).subquery("susp"))


def platforms(db: Session) -> list[str]:
    st = Status.__table__.c
    return sorted(db.scalars(select(st.platform).where(st.status == "suspended").distinct()))


def _accounts(db: Session, platform: str, ids_sel, extra_cols=()) -> list:
    a = Account.__table__.c
    return db.execute(select(a.account_id, a.handle_norm, a.name, a.bio, a.avatar_pdq, a.created_at,
                             a.first_seen, a.status, *extra_cols)
                      .join_from(Account.__table__, ids_sel, ids_sel.c.account_id == a.account_id)
                      .where(a.platform == platform)
                      .order_by(a.account_id)).all()


def _handles(db: Session, platform: str, ids_sel) -> dict[str, list[str]]:
    h = Handle.__table__.c
    out = defaultdict(list)
    rows = db.execute(select(h.account_id, h.handle_norm)
                      .join_from(Handle.__table__, ids_sel, ids_sel.c.account_id == h.account_id)
                      .where(h.platform == platform)
                      .order_by(h.account_id, h.last_seen.desc(), h.handle_norm))
    for acc, hn in rows:
        out[acc].append(hn)
    return out


def _edges(db: Session, platform: str, ids_sel, rows: dict[str, int], intern: Interner,
           column: str) -> Ragged:
    """follows edges touching the batch: column "dst" gives followers, "src" followees."""
    e = Edge.__table__.c
    mine, other = (e.dst, e.src) if column == "dst" else (e.src, e.dst)
    vals = [[] for _ in rows]
    times = [[] for _ in rows]
    res = db.execute(select(mine, other, e.observed_at)
                     .join_from(Edge.__table__, ids_sel, ids_sel.c.account_id == mine)
                     .where(e.platform == platform, e.type == "follows"))
    for acc, nb, obs in res:
        r = rows[acc]
        vals[r].append(intern(nb))
        times[r].append(ts(obs))
    return Ragged.from_lists(vals, times)


def load_posts(db: Session, platform: str, ids_sel, rows: dict[str, int], *,
               before: dict[str, float] | None = None, recent: int | None = None) -> PostRows:
    p = Post.__table__.c
    n = len(rows)
    times = [[] for _ in range(n)]
    texts = [[] for _ in range(n)]
    ments = [[] for _ in range(n)]
    res = db.execute(select(p.account_id, p.created_at, p.text, p.mentions)
                     .join_from(Post.__table__, ids_sel, ids_sel.c.account_id == p.account_id)
                     .where(p.platform == platform)
                     .order_by(p.account_id, p.created_at))
    for acc, created, text, mentions in res:
        r = rows[acc]
        t = ts(created)
        if before is not None and t > before.get(acc, np.inf):
            continue
        times[r].append(t)
        texts[r].append(text or "")
        ments[r].append(post_mentions(text, mentions))
    if recent:
        times = [t[-recent:] for t in times]
        texts = [t[-recent:] for t in texts]
        ments = [m[-recent:] for m in ments]
    return PostRows([np.array(t, np.float64) for t in times], texts, ments)


def _batch(rows_db, handles, followers, following, posts, suspended_at, active_until) -> AccountBatch:
    ids = [r.account_id for r in rows_db]
    hist = []
    for r in rows_db:
        hs = [r.handle_norm] if r.handle_norm else []
        hs += [h for h in handles.get(r.account_id, []) if h != r.handle_norm]
        hist.append(tuple(hs))
    created = np.array([ts(r.created_at) if r.created_at is not None else ts(r.first_seen)
                        for r in rows_db], np.float64)
    return AccountBatch(ids=ids, handles=hist, names=[r.name or "" for r in rows_db],
                        bios=[r.bio or "" for r in rows_db],
                        avatars=[(r.avatar_pdq or "").lower() or None for r in rows_db],
                        created_at=created, suspended_at=suspended_at, active_until=active_until,
                        followers=followers, following=following, posts=posts,
                        statuses=[r.status or "" for r in rows_db])


def load_suspended(db: Session, platform: str, intern: Interner) -> AccountBatch:
    """Every suspended account of the platform (posts are loaded later, for candidates)."""
    susp = suspensions(db, platform)
    rows_db = _accounts(db, platform, susp, (susp.c.suspended_at,))
    index = {r.account_id: i for i, r in enumerate(rows_db)}
    sus_at = np.array([ts(r.suspended_at) for r in rows_db], np.float64)
    p = Post.__table__.c
    last_post = dict(db.execute(
        select(p.account_id, func.max(p.created_at))
        .join_from(Post.__table__, susp, susp.c.account_id == p.account_id)
        .where(p.platform == platform, p.created_at <= susp.c.suspended_at)
        .group_by(p.account_id)).all())
    alive = np.array([max(ts(last_post.get(r.account_id)) if r.account_id in last_post else -np.inf,
                          ts(r.created_at) if r.created_at is not None else -np.inf)
                      for r in rows_db], np.float64)
    alive[np.isinf(alive)] = np.nan
    followers = _edges(db, platform, susp, index, intern, "dst")
    following = _edges(db, platform, susp, index, intern, "src")
    return _batch(rows_db, _handles(db, platform, susp), followers, following,
                  PostRows.empty(len(rows_db)), sus_at, alive)


def new_accounts_select(platform: str, after: datetime | None, since: datetime | None,
                        part: tuple[int, int] | None = None):
    """Sub-select of the new accounts' ids; ``part`` = (p, parts): only those with
    ``accounts.id % parts == p`` (one partition of a cluster run)."""
    a = Account.__table__.c
    h = Handle.__table__.c
    # an account known only by its handle (a mention, a boost) and a status check has no
    # creation or first-seen time: its handle's first sighting stands in
    handle_seen = (select(func.min(h.first_seen)).where(h.platform == a.platform, h.account_id == a.account_id)
                   .correlate(Account.__table__).scalar_subquery())
    start = func.coalesce(a.created_at, a.first_seen, handle_seen)
    cond = [a.platform == platform]
    if part is not None:
        cond.append(a.id % part[1] == part[0])
    if after is not None:
        cond.append(start >= after)
    if since is not None:
        cond.append(or_(a.first_seen >= since, a.created_at >= since,
                        and_(a.first_seen.is_(None), a.created_at.is_(None), handle_seen >= since)))
    return select(a.account_id.label("account_id")).where(and_(*cond)).subquery("newacc")


def load_new(db: Session, platform: str, intern: Interner, *, after: datetime | None,
             since: datetime | None, part: tuple[int, int] | None = None) -> AccountBatch:
    """Accounts that started after ``after`` (the earliest suspension's last sign of
    life) and, when ``since`` is given, were first seen (or created) since then; ``part``:
    one partition of them (``new_accounts_select``)."""
    sel = new_accounts_select(platform, after, since, part)
    rows_db = _accounts(db, platform, sel)
    index = {r.account_id: i for i, r in enumerate(rows_db)}
    st = Status.__table__.c
    sus = dict(db.execute(select(st.account_id, func.min(st.observed_at))
                          .join_from(Status.__table__, sel, sel.c.account_id == st.account_id)
                          .where(st.platform == platform, st.status == "suspended")
                          .group_by(st.account_id)).all())
    sus_at = np.array([ts(sus.get(r.account_id)) for r in rows_db], np.float64)
    followers = _edges(db, platform, sel, index, intern, "dst")
    following = _edges(db, platform, sel, index, intern, "src")
    posts = load_posts(db, platform, sel, index)
    return _batch(rows_db, _handles(db, platform, sel), followers, following, posts, sus_at,
                  np.full(len(rows_db), np.nan))


def fill_suspended_posts(db: Session, platform: str, batch: AccountBatch, rows: np.ndarray,
                         chunk: int = 500) -> None:
    """Load the recent posts (before the suspension) of the given suspended rows only."""
    p = Post.__table__.c
    for lo in range(0, len(rows), chunk):
        part = [int(r) for r in rows[lo: lo + chunk]]
        ids = {batch.ids[r]: r for r in part}
        res = db.execute(select(p.account_id, p.created_at, p.text, p.mentions)
                         .where(p.platform == platform, p.account_id.in_(list(ids)))
                         .order_by(p.account_id, p.created_at))
        grouped = defaultdict(list)
        for acc, created, text, mentions in res:
            t = ts(created)
            if t <= batch.suspended_at[ids[acc]]:
                grouped[acc].append((t, text or "", post_mentions(text, mentions)))
        for acc, items in grouped.items():
            r = ids[acc]
            items = items[-RECENT_POSTS:]
            batch.posts.times[r] = np.array([t for t, _, _ in items])
            batch.posts.texts[r] = [x for _, x, _ in items]
            batch.posts.mentions[r] = [m for _, _, m in items]


def _dt(t: float) -> datetime | None:
    return None if t is None or np.isnan(t) else datetime.fromtimestamp(float(t), tz=timezone.utc)


def suspended_batches(db):
    """Per platform with suspensions: (platform, interner, suspended batch, the time new
    accounts must start after: the earliest suspension's last sign of life)."""
    for platform in platforms(db):
        intern = Interner()
        sus = load_suspended(db, platform, intern)
        if not len(sus):
            continue
        earliest = np.nanmin(np.where(np.isnan(sus.active_until), sus.suspended_at, sus.active_until))
        yield platform, intern, sus, _dt(earliest)


def platform_batches(db, since: datetime | None = None):
    """Per platform with suspensions: (platform, interner, suspended batch, new batch)."""
    for platform, intern, sus, after in suspended_batches(db):
        new = load_new(db, platform, intern, after=after, since=since)
        yield platform, intern, sus, new


def new_ids(db: Session, platform: str, *, after: datetime | None, since: datetime | None) -> list[str]:
    """The ids ``load_new`` would load, in its order."""
    sel = new_accounts_select(platform, after, since)
    a = Account.__table__.c
    return list(db.scalars(select(a.account_id)
                           .join_from(Account.__table__, sel, sel.c.account_id == a.account_id)
                           .where(a.platform == platform).order_by(a.account_id)))


def frequencies(db: Session, platform: str):
    """How common each display name, bio and avatar is among the platform's accounts
    (features.Frequencies): one GROUP BY per column, keeping only values more than one
    account holds, so memory grows with the shared values, not with the store."""
    from hydrawatch.linking.features import Frequencies, norm_value

    a = Account.__table__.c
    total = int(db.scalar(select(func.count()).select_from(Account.__table__).where(a.platform == platform)) or 0)
    tables = []
    for col, fold in ((a.name, True), (a.bio, True), (a.avatar_pdq, False)):
        counts: dict[str, int] = defaultdict(int)
        for value, n in db.execute(select(col, func.count()).where(a.platform == platform, col.is_not(None),
                                                                     col != "")
                                   .group_by(col).having(func.count() > 1)):
            counts[norm_value(value) if fold else value.lower()] += int(n)
        tables.append(dict(counts))
    return Frequencies(total, *tables)
