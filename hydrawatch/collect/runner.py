"""The crawl: take the best queued account, fetch its profile, recent posts, followers and
followees page by page, then queue its neighbours; stop at the budget.

Each page is (1) fetched, (2) appended raw to ``OUT/pages/<platform>.jsonl`` and fsynced,
(3) ingested through the collection format (``ingest/collection.py``, the same adapter
``hydrawatch ingest OUT`` uses) in ONE transaction with its ``crawl_pages`` row (its URL,
the next page's URL) and the platform's rate-limit reset. A crawl killed between (2) and
(3) finds the page on disk at the next start and records it from there (``recover``), so
no page the crawler received is ever asked for again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import httpx

from hydrawatch.collect import state as st
from hydrawatch.collect.fetch import ENDPOINTS, Fetcher, Limits, Target
from hydrawatch.collect.pages import PageWriter, kept_headers, read_pages
from hydrawatch.collect.progress import CrawlProgress
from hydrawatch.errors import InputError
from hydrawatch.ingest import canonical, collection
from hydrawatch.ingest.base import Dropped
from hydrawatch.ingest.writer import BatchWriter
from hydrawatch.platforms.client import NotConfigured, PlatformError, RateLimited
from hydrawatch.timeutil import iso, utcnow

GONE_STATUSES = ("suspended", "not_found", "deactivated", "takendown")


@dataclass
class CollectConfig:
    out: Path
    hops: int = 2
    max_accounts: int = 1000
    platforms: tuple[str, ...] = ("x", "mastodon", "bluesky")
    limits: Limits = field(default_factory=Limits)
    progress: bool = False
    # re-score the collected accounts and re-prioritise the queue every N finished accounts:
    # None picks max(5, max_accounts // 20); 0 never (the queue keeps its first order)
    rescore_every: int | None = None

    def rescore_interval(self) -> int:
        if self.rescore_every is None:
            return max(5, self.max_accounts // 20)
        return max(0, self.rescore_every)


@dataclass
class CollectSummary:
    crawl_id: int
    resumed: bool
    out: str
    accounts: dict = field(default_factory=dict)     # per platform: by state, and pages
    fetched: int = 0                                 # pages fetched by this run
    recovered: int = 0                               # pages found on disk, recorded now
    collected: list = field(default_factory=list)    # (platform, id) fetched in full (done)
    new_accounts: list = field(default_factory=list)  # ... of those, the ones the store did not know
    started_at: str = ""

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["collected"] = len(self.collected)
        d["new_accounts"] = len(self.new_accounts)
        return d


def make_fetchers(platforms, http: httpx.Client, env: Mapping[str, str], limits: Limits) -> dict[str, Fetcher]:
    from hydrawatch.collect.fetch_bluesky import BlueskyFetcher
    from hydrawatch.collect.fetch_mastodon import MastodonFetcher
    from hydrawatch.collect.fetch_x import XFetcher
    from hydrawatch.platforms.bluesky_client import BlueskyClient
    from hydrawatch.platforms.mastodon_client import MastodonClient
    from hydrawatch.platforms.x_client import XClient

    made = {"x": (XFetcher, XClient), "mastodon": (MastodonFetcher, MastodonClient),
            "bluesky": (BlueskyFetcher, BlueskyClient)}
    return {p: made[p][0](made[p][1](http, env), limits) for p in platforms if p in made}


class Crawler:
    def __init__(self, store, config: CollectConfig, fetchers: dict[str, Fetcher],
                 sleep: Callable[[float], None] = time.sleep):
        self.store, self.config, self.fetchers, self.sleep = store, config, fetchers, sleep
        self.writer = PageWriter(config.out)
        self.fetched = 0
        self.rescore_failed: str | None = None
        self.progress = CrawlProgress(config.progress, config.max_accounts)

    # -- start and resume ---------------------------------------------------------------------
    def open(self, seeds: list[Target]) -> tuple[int, bool]:
        cfg = self.config
        with self.store.session() as db:
            crawl_id, resumed = st.open_crawl(db, str(Path(cfg.out).resolve()), {
                "hops": cfg.hops, "max_accounts": cfg.max_accounts, "platforms": list(cfg.platforms),
                "limits": cfg.limits.__dict__, "accounts_before": st.last_account_id(db)})
            for seed in [] if resumed else seeds:   # a resumed crawl keeps the seeds it began with
                if seed.platform in self.fetchers:
                    st.add_seed(db, crawl_id, seed.platform, seed.account_id, seed.handle)
            for platform, reset in st.load_limits(db).items():
                if platform in self.fetchers:
                    self.fetchers[platform].client.not_before = reset
        self.crawl_id = crawl_id
        return crawl_id, resumed

    def recover(self) -> int:
        """Record the pages on disk that the store does not know (a kill between writing a
        page and committing it)."""
        with self.store.session(readonly=True) as db:
            known = st.page_keys(db, self.crawl_id)
        n = 0
        for file, page in read_pages(self.config.out):
            if page.get("key") in known or page.get("crawl") != self.crawl_id:
                continue
            fetcher = self.fetchers.get(page["platform"])
            info = self._read(fetcher, page) if fetcher else None
            with self.store.session() as db:
                self._commit(db, page, info, file)
            n += 1
        return n

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> None:
        platforms = sorted(self.fetchers)
        with self.progress:
            while True:
                self._maybe_rescore()
                with self.store.session() as db:
                    row = st.next_account(db, self.crawl_id, platforms)
                    if row is None or (row.state == st.QUEUED
                                       and st.started(db, self.crawl_id) >= self.config.max_accounts):
                        break
                    row.state = st.FETCHING
                    key = (row.id, row.platform, row.account_id, row.handle, row.hop)
                    self.progress.update(st.counts(db, self.crawl_id))
                self._account(*key)
            with self.store.session() as db:
                self.progress.update(st.counts(db, self.crawl_id))
        self.writer.close()

    def _maybe_rescore(self) -> None:
        """Every ``rescore_interval`` finished accounts: score the collected accounts (their
        scores only; every account in the store is read as context) and set each queued
        account's priority from the scores of the collected accounts it is linked to. The
        point is a count of finished accounts kept in the crawl, so a resumed crawl
        re-scores at the same points as an uninterrupted one."""
        every = self.config.rescore_interval()
        if not every or self.rescore_failed:
            return
        with self.store.session(readonly=True) as db:
            finished = st.finished_count(db, self.crawl_id)
            if finished - st.rescored_at(db, self.crawl_id) < every:
                return
            collected = set(st.collected(db, self.crawl_id))
            seeds = set(st.seeds_of(db, self.crawl_id))
        from hydrawatch.errors import HydrawatchError
        from hydrawatch.scoring.pipeline import score_store

        from hydrawatch.verification.lists import resolve_nominations

        with self.store.session() as db:   # list entries the crawl has brought in
            resolve_nominations(db)
        try:
            if collected - seeds:
                score_store(self.store, only=collected - seeds)
        except HydrawatchError as exc:   # e.g. no policy pack yet: keep the first order
            self.rescore_failed = str(exc)
            return
        with self.store.session() as db:
            st.prioritise(db, self.crawl_id)
            st.set_rescored_at(db, self.crawl_id, finished)

    def _account(self, row_id: int, platform: str, account_id: str, handle: str | None, hop: int) -> None:
        fetcher = self.fetchers[platform]
        target = Target(platform, None if account_id.startswith(st.HANDLE_PREFIX) else account_id, handle)
        outcome, error = st.DONE, None
        try:
            for endpoint in ENDPOINTS:
                status = self._endpoint(fetcher, target, endpoint)
                if isinstance(status, Target):
                    target = status
                    continue
                if status in GONE_STATUSES:
                    outcome = st.GONE
                    break
        except NotConfigured:
            raise
        except PlatformError as exc:
            outcome, error = st.FAILED, str(exc)[:500]
        with self.store.session() as db:
            row = db.get(st.CrawlAccount, row_id)
            if target.account_id and row.account_id != target.account_id:
                row = st.resolve_id(db, row, target.account_id, target.handle)
            st.finish_account(db, row, outcome, error)
            if outcome == st.DONE:
                st.enqueue_neighbours(db, row, self.config.hops)

    def _endpoint(self, fetcher: Fetcher, target: Target, endpoint: str):
        """Fetch what is left of one endpoint. Returns the account's status when a page
        says it is gone, a new Target when the profile resolved a handle, else None."""
        key_id = target.account_id or st.HANDLE_PREFIX + (target.handle or "")
        with self.store.session(readonly=True) as db:
            done = st.pages_of(db, self.crawl_id, target.platform, key_id).get(endpoint, [])
        gone = next((p for p in done if p.says and p.says.startswith("gone:")), None)
        if gone is not None:
            return gone.says[5:]
        if done and (done[-1].next_url is None or len(done) >= fetcher.max_pages(endpoint)):
            return self._resolved(done[0], target) if endpoint == "profile" else None
        url = done[-1].next_url if done else fetcher.first_url(endpoint, target)
        seq = len(done)
        while True:
            page, info = self._fetch(fetcher, target, endpoint, url, seq, key_id)
            if info.status in GONE_STATUSES:
                return info.status
            if endpoint == "profile" and info.account_id and info.account_id != target.account_id:
                return Target(target.platform, info.account_id, info.handle or target.handle)
            if info.next_url is None or seq + 1 >= fetcher.max_pages(endpoint):
                return None
            url, seq = info.next_url, seq + 1

    def _resolved(self, page, target: Target):
        if target.account_id is None and page.says and page.says.startswith("id:"):
            return Target(target.platform, page.says[3:], target.handle)
        return None

    def _fetch(self, fetcher: Fetcher, target: Target, endpoint: str, url: str, seq: int, key_id: str):
        while True:
            try:
                response = fetcher.client.send("GET", url, headers=fetcher.headers())
                break
            except RateLimited as exc:
                self._save_limit(fetcher)
                wait = (exc.retry_at.timestamp() - time.time()) if exc.retry_at else 1.0
                self.sleep(max(wait, 0.05))
                fetcher.client.not_before = 0.0
        try:
            body = response.json()
        except ValueError:
            body = None
        page = {"url": url, "fetched_at": iso(utcnow()),
                "status": response.status_code, "headers": kept_headers(response.headers),
                "platform": target.platform, "endpoint": endpoint, "account": key_id, "seq": seq,
                "key": f"{target.platform}:{key_id}:{endpoint}:{seq}", "crawl": self.crawl_id, "body": body}
        file = self.writer.write(page)
        self.fetched += 1
        info = fetcher.read(endpoint, target, url, response.status_code, response.headers, body)
        with self.store.session() as db:
            self._commit(db, page, info, file)
            st.save_limit(db, target.platform, fetcher.client.not_before or None)
        self.progress.page(target.platform)
        return page, info

    def _read(self, fetcher: Fetcher, page: dict):
        target = Target(page["platform"], None if page["account"].startswith(st.HANDLE_PREFIX)
                        else page["account"])
        try:
            return fetcher.read(page["endpoint"], target, page["url"], page["status"],
                                httpx.Headers(page.get("headers") or {}), page["body"])
        except PlatformError:
            return None

    def _commit(self, db, page: dict, info, file: str) -> None:
        records, error = ingest_page(db, page)
        says = None
        if info is not None and info.status in GONE_STATUSES:
            says = f"gone:{info.status}"
        elif info is not None and page["endpoint"] == "profile" and info.account_id:
            says = f"id:{info.account_id}"
        st.record_page(db, self.crawl_id, page, next_url=info.next_url if info else None,
                       records=records, error=error, says=says, file=file)

    def _save_limit(self, fetcher: Fetcher) -> None:
        with self.store.session() as db:
            st.save_limit(db, fetcher.platform, fetcher.client.not_before or None)


def ingest_page(db, page: dict) -> tuple[int, str | None]:
    """Ingest one page through the collection format, in the caller's transaction.
    A page the adapters refuse is kept on disk and counted, never fatal."""
    writer = BatchWriter(db, ingest_time=utcnow())
    n = 0
    try:
        for rec in collection.records(page, 1):
            if isinstance(rec, Dropped):
                continue
            writer.add(canonical.validate(rec, 1))
            n += 1
    except InputError as exc:
        return 0, f"bad page: {exc.reason}"[:500]
    writer.flush()
    return n, None
