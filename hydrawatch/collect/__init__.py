"""Collect: expand from verified seeds through the platforms' APIs, resumably, keeping
every fetched page raw as provenance (docs/collect.md).

    collect(store, seeds, CollectConfig(out=..., hops=2, max_accounts=300)) -> CollectSummary
    make_plan(store, seeds, ...) -> Plan            what --dry-run prints
    score_link_nominate(store, new_accounts, since=...) -> AfterSummary

Modules: ``plan`` (seeds, request estimate), ``state`` (crawl state in the store, queue
priority), ``fetch`` + ``fetch_x`` / ``fetch_mastodon`` / ``fetch_bluesky`` (requests and
answers per platform), ``pages`` (the raw page files), ``runner`` (the crawl), ``after``
(score, link, nominate).
"""

from __future__ import annotations

import os
from typing import Mapping

import httpx

from hydrawatch.collect.after import REASON, AfterSummary, score_link_nominate
from hydrawatch.collect.fetch import Limits, Target
from hydrawatch.collect.plan import Plan, make_plan, seeds_from_file, seeds_from_store
from hydrawatch.collect.runner import CollectConfig, CollectSummary, Crawler, make_fetchers
from hydrawatch.timeutil import iso

__all__ = ["REASON", "AfterSummary", "CollectConfig", "CollectSummary", "Limits", "Plan", "Target",
           "collect", "make_fetchers", "make_plan", "score_link_nominate", "seeds_from_file",
           "seeds_from_store"]


def collect(store, seeds: list[Target], config: CollectConfig, *, env: Mapping[str, str] | None = None,
            http: httpx.Client | None = None, fetchers: dict | None = None) -> CollectSummary:
    """Crawl from ``seeds`` (or resume the crawl writing to ``config.out``) until the
    budget is spent or the queue is empty. Every page is written raw and ingested."""
    from hydrawatch.collect import state as st
    from hydrawatch.ingest.statuses import resolve_pending
    from hydrawatch.media.banks import match_new_media
    from hydrawatch.store.schema import Crawl
    from hydrawatch.verification.lists import resolve_nominations

    env = os.environ if env is None else env
    own = http is None
    http = http or httpx.Client(follow_redirects=False)
    try:
        fetchers = fetchers or make_fetchers(config.platforms, http, env, config.limits)
        crawler = Crawler(store, config, fetchers)
        crawl_id, resumed = crawler.open(seeds)
        recovered = crawler.recover()
        crawler.run()
    finally:
        if own:
            http.close()
    with store.session() as db:
        resolve_pending(db)
        resolve_nominations(db)
        match_new_media(db)
        st.finish_crawl(db, crawl_id)
        started_at = iso(db.get(Crawl, crawl_id).started_at)
        counts = st.counts(db, crawl_id)
        done = st.collected(db, crawl_id)
        new = st.new_to_store(db, crawl_id, done)
    return CollectSummary(crawl_id=crawl_id, resumed=resumed, out=str(config.out), accounts=counts,
                          fetched=crawler.fetched, recovered=recovered, collected=done,
                          new_accounts=new, started_at=started_at)
