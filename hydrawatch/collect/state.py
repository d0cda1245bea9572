"""The crawl state in the store (tables ``crawls``, ``crawl_accounts``, ``crawl_pages``,
``crawl_limits``): what is queued, being fetched, done, gone or failed; every page fetched
with where its endpoint continues; each platform's rate-limit reset.

The queue is ordered by priority: the account's current score in the store, then how many
seeds it is linked to, then how many fetched accounts, then its hop; ties by id, so the
same store gives the same crawl whether or not it was interrupted.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import func, or_, select

from hydrawatch.store.schema import Account, Crawl, CrawlAccount, CrawlLimit, CrawlPage, Edge
from hydrawatch.timeutil import utcnow

QUEUED, FETCHING, DONE, GONE, FAILED = "queued", "fetching", "done", "gone", "failed"
STARTED = (FETCHING, DONE, GONE, FAILED)   # what counts against the budget
PRIORITY = (CrawlAccount.score.desc(), CrawlAccount.seed_links.desc(), CrawlAccount.links.desc(),
            CrawlAccount.hop, CrawlAccount.platform, CrawlAccount.account_id)
HANDLE_PREFIX = "@"   # account_id of a seed known by handle only, until its profile is read


def open_crawl(db, name: str, config: dict) -> tuple[int, bool]:
    """(crawl id, resumed): the crawl writing to ``name``, created when new."""
    crawl = db.scalar(select(Crawl).where(Crawl.name == name))
    if crawl is not None:
        return crawl.id, True
    crawl = Crawl(name=name, config=config, started_at=utcnow())
    db.add(crawl)
    db.flush()
    return crawl.id, False


def last_account_id(db) -> int:
    """The store's highest account row id: accounts above it are new to the store."""
    return int(db.scalar(select(func.max(Account.id))) or 0)


def new_to_store(db, crawl_id: int, keys) -> list[tuple[str, str]]:
    """The accounts among ``keys`` the store did not know when the crawl began."""
    before = (db.get(Crawl, crawl_id).config or {}).get("accounts_before", 0)
    wanted = set(map(tuple, keys))
    rows = db.execute(select(Account.platform, Account.account_id).where(Account.id > before))
    return sorted(k for k in map(tuple, rows) if k in wanted)


def finish_crawl(db, crawl_id: int) -> None:
    db.get(Crawl, crawl_id).finished_at = utcnow()


def add_seed(db, crawl_id: int, platform: str, account_id: str | None, handle: str | None) -> None:
    key = account_id or HANDLE_PREFIX + (handle or "")
    if _row(db, crawl_id, platform, key) is None:
        db.add(CrawlAccount(crawl_id=crawl_id, platform=platform, account_id=key, handle=handle,
                            hop=0, state=QUEUED, score=2.0, seed_links=0, links=0,
                            queued_at=utcnow()))


def _row(db, crawl_id: int, platform: str, account_id: str) -> CrawlAccount | None:
    return db.scalar(select(CrawlAccount).where(CrawlAccount.crawl_id == crawl_id,
                                                CrawlAccount.platform == platform,
                                                CrawlAccount.account_id == account_id))


def started(db, crawl_id: int) -> int:
    return db.scalar(select(func.count()).select_from(CrawlAccount).where(
        CrawlAccount.crawl_id == crawl_id, CrawlAccount.state.in_(STARTED))) or 0


def next_account(db, crawl_id: int, platforms: list[str]) -> CrawlAccount | None:
    """The account being fetched when the crawl stopped, else the best queued one."""
    base = select(CrawlAccount).where(CrawlAccount.crawl_id == crawl_id,
                                      CrawlAccount.platform.in_(platforms))
    row = db.scalar(base.where(CrawlAccount.state == FETCHING).order_by(*PRIORITY).limit(1))
    return row or db.scalar(base.where(CrawlAccount.state == QUEUED).order_by(*PRIORITY).limit(1))


def pages_of(db, crawl_id: int, platform: str, account_id: str) -> dict[str, list[CrawlPage]]:
    out: dict[str, list[CrawlPage]] = {}
    for page in db.scalars(select(CrawlPage).where(
            CrawlPage.crawl_id == crawl_id, CrawlPage.platform == platform,
            CrawlPage.account_id == account_id).order_by(CrawlPage.endpoint, CrawlPage.seq)):
        out.setdefault(page.endpoint, []).append(page)
    return out


def page_keys(db, crawl_id: int) -> set[str]:
    return set(db.scalars(select(CrawlPage.key).where(CrawlPage.crawl_id == crawl_id)))


def record_page(db, crawl_id: int, page: dict, *, next_url: str | None, records: int,
                error: str | None, says: str | None, file: str) -> None:
    db.add(CrawlPage(crawl_id=crawl_id, key=page["key"], platform=page["platform"],
                     account_id=page["account"], endpoint=page["endpoint"], seq=page["seq"],
                     url=page["url"], next_url=next_url, status=page["status"], records=records,
                     error=error, says=says, file=file, fetched_at=_time(page["fetched_at"])))


def _time(text: str) -> datetime:
    from hydrawatch.timeutil import parse_time

    return parse_time(text)


def resolve_id(db, row: CrawlAccount, account_id: str, handle: str | None) -> CrawlAccount | None:
    """A handle-only seed now has its id. Returns the row that stands for the account (the
    existing one when the id was queued already: this one is then dropped)."""
    if row.account_id == account_id:
        return row
    other = _row(db, row.crawl_id, row.platform, account_id)
    if other is not None:
        other.hop = min(other.hop, row.hop)
        db.delete(row)
        return other
    row.account_id, row.handle = account_id, handle or row.handle
    return row


def finish_account(db, row: CrawlAccount, state: str, error: str | None = None) -> None:
    row.state, row.error, row.done_at = state, error, utcnow()


def enqueue_neighbours(db, row: CrawlAccount, hops: int) -> int:
    """Queue the accounts ``row`` follows or is followed by (follows edges in the store),
    counting the link for those queued already. Returns how many are new."""
    p, a = row.platform, row.account_id
    nbrs = set(db.scalars(select(Edge.dst).where(Edge.platform == p, Edge.type == "follows", Edge.src == a)))
    nbrs |= set(db.scalars(select(Edge.src).where(Edge.platform == p, Edge.type == "follows", Edge.dst == a)))
    nbrs.discard(a)
    is_seed = row.hop == 0
    existing = {r.account_id: r for r in db.scalars(select(CrawlAccount).where(
        CrawlAccount.crawl_id == row.crawl_id, CrawlAccount.platform == p,
        CrawlAccount.account_id.in_(sorted(nbrs))))} if nbrs else {}
    new = sorted(nbrs - set(existing)) if row.hop < hops else []
    info = {i: (h, sc) for i, h, sc in db.execute(select(Account.account_id, Account.handle, Account.score)
                                                  .where(Account.platform == p, Account.account_id.in_(new)))} if new else {}
    now = utcnow()
    for r in existing.values():
        r.links += 1
        r.seed_links += int(is_seed)
    for n in new:
        handle, score = info.get(n, (None, None))
        db.add(CrawlAccount(crawl_id=row.crawl_id, platform=p, account_id=n, handle=handle,
                            hop=row.hop + 1, state=QUEUED, score=float(score or 0.0),
                            seed_links=int(is_seed), links=1, queued_at=now))
    return len(new)


def save_limit(db, platform: str, reset_at: float | None) -> None:
    when = datetime.fromtimestamp(reset_at, timezone.utc) if reset_at else None
    row = db.get(CrawlLimit, platform)
    if row is None:
        db.add(CrawlLimit(platform=platform, reset_at=when, updated_at=utcnow()))
    elif row.reset_at != when:
        row.reset_at, row.updated_at = when, utcnow()


def load_limits(db) -> dict[str, float]:
    return {p: r.timestamp() for p, r in db.execute(select(CrawlLimit.platform, CrawlLimit.reset_at))
            if r is not None}


def counts(db, crawl_id: int) -> dict[str, dict]:
    """Per platform: accounts by state and pages fetched."""
    out: dict[str, dict] = {}
    for p, state, n in db.execute(select(CrawlAccount.platform, CrawlAccount.state, func.count())
                                  .where(CrawlAccount.crawl_id == crawl_id)
                                  .group_by(CrawlAccount.platform, CrawlAccount.state)):
        out.setdefault(p, {"accounts": Counter(), "pages": 0})["accounts"][state] = n
    for p, n in db.execute(select(CrawlPage.platform, func.count()).where(CrawlPage.crawl_id == crawl_id)
                           .group_by(CrawlPage.platform)):
        out.setdefault(p, {"accounts": Counter(), "pages": 0})["pages"] = n
    return {p: {"accounts": dict(v["accounts"]), "pages": v["pages"]} for p, v in sorted(out.items())}


def collected(db, crawl_id: int, states=(DONE,)) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.execute(select(CrawlAccount.platform, CrawlAccount.account_id).where(
        CrawlAccount.crawl_id == crawl_id, CrawlAccount.state.in_(states),
        or_(CrawlAccount.account_id.not_like(HANDLE_PREFIX + "%"))).order_by(
        CrawlAccount.platform, CrawlAccount.account_id))]


# -- re-prioritising the queue from the scores of what was collected -------------------------

def _chunks(ids: list, size: int = 500):
    return (ids[i:i + size] for i in range(0, len(ids), size))


def finished_count(db, crawl_id: int) -> int:
    """Accounts of the crawl whose fetch is over (done, gone or failed)."""
    return db.scalar(select(func.count()).where(CrawlAccount.crawl_id == crawl_id,
                                                CrawlAccount.state.in_((DONE, GONE, FAILED)))) or 0


def rescored_at(db, crawl_id: int) -> int:
    """How many accounts were finished when the queue was last re-prioritised."""
    crawl = db.get(Crawl, crawl_id)
    return int((crawl.config or {}).get("rescored_at", 0))


def set_rescored_at(db, crawl_id: int, finished: int) -> None:
    crawl = db.get(Crawl, crawl_id)
    crawl.config = {**(crawl.config or {}), "rescored_at": int(finished)}


def prioritise(db, crawl_id: int) -> int:
    """Set each queued account's priority to the score mass of the collected accounts it is
    linked to: the sum of their current scores over its follows edges in either direction
    (an account followed by or following several high-scoring collected accounts comes
    first; one linked only to a seed's ordinary audience comes later), never below the score
    the store already gives it. Returns how many queued accounts changed priority."""
    done = {(p, a): float(s or 0.0) for p, a, s in db.execute(
        select(CrawlAccount.platform, CrawlAccount.account_id, Account.score)
        .join(Account, (Account.platform == CrawlAccount.platform)
              & (Account.account_id == CrawlAccount.account_id))
        .where(CrawlAccount.crawl_id == crawl_id, CrawlAccount.state == DONE))}
    queued = {(r.platform, r.account_id): r for r in db.scalars(select(CrawlAccount).where(
        CrawlAccount.crawl_id == crawl_id, CrawlAccount.state == QUEUED))}
    if not done or not queued:
        return 0
    mass: Counter = Counter()
    known: dict = {}
    for platform in sorted({p for p, _ in queued}):
        for chunk in _chunks(sorted(a for p, a in done if p == platform)):
            for src, dst in db.execute(select(Edge.src, Edge.dst).where(
                    Edge.platform == platform, Edge.type == "follows",
                    or_(Edge.src.in_(chunk), Edge.dst.in_(chunk)))):
                for a, b in ((src, dst), (dst, src)):   # a collected, b queued
                    if (platform, a) in done and (platform, b) in queued and a != b:
                        mass[(platform, b)] += done[(platform, a)]
        for chunk in _chunks(sorted(a for p, a in queued if p == platform)):
            known.update(((platform, a), float(s or 0.0)) for a, s in db.execute(
                select(Account.account_id, Account.score).where(
                    Account.platform == platform, Account.account_id.in_(chunk))))
    changed = 0
    for key, row in queued.items():
        value = round(max(known.get(key, 0.0), mass.get(key, 0.0)), 9)
        if row.score != value:
            row.score, changed = value, changed + 1
    return changed


def seeds_of(db, crawl_id: int) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.execute(select(CrawlAccount.platform, CrawlAccount.account_id).where(
        CrawlAccount.crawl_id == crawl_id, CrawlAccount.hop == 0))]
