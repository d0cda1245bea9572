"""Collection (issue 15): crawl state, so a killed crawl resumes without refetching."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hydrawatch.store.schema.base import Base, Id


# -- collection (issue 15): crawl state, so a killed crawl resumes without refetching --------

class Crawl(Base):
    """One ``hydrawatch collect`` crawl, named by its output folder."""

    __tablename__ = "crawls"
    __table_args__ = (UniqueConstraint("name", name="uq_crawls_name"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    config: Mapped[dict | None]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class CrawlAccount(Base):
    """An account a crawl queued: state queued | fetching | done | gone | failed."""

    __tablename__ = "crawl_accounts"
    __table_args__ = (
        UniqueConstraint("crawl_id", "platform", "account_id", name="uq_crawl_accounts_key"),
        Index("ix_crawl_accounts_state", "crawl_id", "state"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id"))
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str | None] = mapped_column(String(320))
    hop: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    # queue priority: the store's score when queued, then (each re-scoring) the score mass
    # of the collected accounts it is linked to
    score: Mapped[float] = mapped_column(Float)
    seed_links: Mapped[int] = mapped_column(Integer)   # seeds it follows or is followed by
    links: Mapped[int] = mapped_column(Integer)        # fetched accounts it is linked to
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class CrawlPage(Base):
    """A page fetched and written raw: ``key`` is platform:account:endpoint:seq;
    ``next_url`` (None: the last page) is where the endpoint continues."""

    __tablename__ = "crawl_pages"
    __table_args__ = (UniqueConstraint("crawl_id", "key", name="uq_crawl_pages_key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id"))
    key: Mapped[str] = mapped_column(String(400))
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    endpoint: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    next_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)         # the page could not be ingested
    says: Mapped[str | None] = mapped_column(String(200))   # "gone:suspended", "id:123"
    file: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]


class CrawlLimit(Base):
    """Each platform's rate-limit reset, as its headers last said."""

    __tablename__ = "crawl_limits"
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    reset_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
