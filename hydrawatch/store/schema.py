"""The SQL schema of the whole data model (DESIGN.md, "Data model").

Rows refer to accounts by their natural key ``(platform, account_id)`` rather than by a
surrogate foreign key: ingest streams records in any order (a post may arrive before its
author), so nothing has to be looked up on the hot path. The tables are created and
upgraded only by the Alembic migrations in ``store/migrations``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements only INTEGER keys


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


# -- observed platform data ---------------------------------------------------------------

class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("platform", "account_id", name="uq_accounts_key"),
        Index("ix_accounts_handle_norm", "platform", "handle_norm"),
        Index("ix_accounts_first_seen", "first_seen"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str | None] = mapped_column(String(320))
    handle_norm: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None]
    avatar_pdq: Mapped[str | None] = mapped_column(String(64))
    followers: Mapped[int | None] = mapped_column(BigInteger)
    following: Mapped[int | None] = mapped_column(BigInteger)
    posts_count: Mapped[int | None] = mapped_column(BigInteger)
    lang: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(32))
    status_at: Mapped[datetime | None]
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    observed_at: Mapped[datetime | None]  # time of the newest observation merged in
    extra: Mapped[dict | None]
    score: Mapped[float | None] = mapped_column(Float)
    score_reasons: Mapped[list | None]
    scored_at: Mapped[datetime | None]


class Handle(Base):
    """Every handle an account id has had: a rename is history, never a new account."""

    __tablename__ = "handles"
    __table_args__ = (
        UniqueConstraint("platform", "account_id", "handle_norm", name="uq_handles_key"),
        Index("ix_handles_norm", "platform", "handle_norm"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str] = mapped_column(String(320))
    handle_norm: Mapped[str] = mapped_column(String(320))
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "post_id", name="uq_posts_key"),
        Index("ix_posts_account", "platform", "account_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime | None]
    text: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    hashtags: Mapped[list | None]
    mentions: Mapped[list | None]
    urls: Mapped[list | None]
    reshare_of_post: Mapped[str | None] = mapped_column(String(128))
    reshare_of_account: Mapped[str | None] = mapped_column(String(128))
    reply_to_post: Mapped[str | None] = mapped_column(String(128))
    reply_to_account: Mapped[str | None] = mapped_column(String(128))
    quote_of_post: Mapped[str | None] = mapped_column(String(128))
    quote_of_account: Mapped[str | None] = mapped_column(String(128))
    observed_at: Mapped[datetime | None]
    extra: Mapped[dict | None]


class Media(Base):
    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("platform", "post_id", "position", name="uq_media_key"),
        Index("ix_media_pdq", "pdq"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[str | None] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(Text)
    pdq: Mapped[str | None] = mapped_column(String(64))


class Edge(Base):
    """follows, reshares, mentions, replies, quotes. Edges derived from a post carry its id,
    so re-ingesting the post adds nothing; follows carry an empty ``post_id``."""

    __tablename__ = "edges"
    __table_args__ = (
        UniqueConstraint("platform", "src", "dst", "type", "post_id", name="uq_edges_key"),
        Index("ix_edges_dst", "platform", "dst", "type"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    src: Mapped[str] = mapped_column(String(128))
    dst: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[str] = mapped_column(String(128), default="")
    observed_at: Mapped[datetime | None]


class Status(Base):
    """Every status observation (active, suspended, ...). Either key may be empty when the
    source only gave the other (X's user lookup errors name the handle only)."""

    __tablename__ = "statuses"
    __table_args__ = (
        UniqueConstraint("platform", "account_id", "handle_norm", "status", "observed_at",
                         name="uq_statuses_key"),
        Index("ix_statuses_account", "platform", "account_id", "observed_at"),
        Index("ix_statuses_handle", "platform", "handle_norm"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128), default="")
    handle_norm: Mapped[str] = mapped_column(String(320), default="")
    status: Mapped[str] = mapped_column(String(32))
    observed_at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(Text)


class IngestedFile(Base):
    """Files whose ingest committed: a re-run skips an unchanged file quickly."""

    __tablename__ = "ingested_files"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    records: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime]


class PolicyPack(Base):
    __tablename__ = "policy_packs"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    content: Mapped[dict]
    loaded_at: Mapped[datetime]


class ScoreSignal(Base):
    """The per-signal values behind an account's latest score (``hydrawatch explain``)."""

    __tablename__ = "score_signals"
    __table_args__ = (UniqueConstraint("platform", "account_id", name="uq_score_signals_key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    signals: Mapped[dict]
    scored_at: Mapped[datetime]


class HashBank(Base):
    """A named bank of PDQ hashes (``hydrawatch hashes import FILE --bank NAME``)."""

    __tablename__ = "hash_banks"
    __table_args__ = (UniqueConstraint("name", name="uq_hash_banks_name"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class BankHash(Base):
    """One hash of a bank with where it came from: file, its SHA-256, line, and the
    row's other fields (tags, ids, ...) as ``provenance``."""

    __tablename__ = "bank_hashes"
    __table_args__ = (UniqueConstraint("bank_id", "pdq", name="uq_bank_hashes_key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("hash_banks.id"))
    pdq: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)
    provenance: Mapped[dict | None]
    imported_at: Mapped[datetime]


class MediaMatch(Base):
    """A distinct media or avatar hash seen in the store that matches a bank hash."""

    __tablename__ = "media_matches"
    __table_args__ = (UniqueConstraint("pdq", "bank_hash_id", name="uq_media_matches_key"),
                      Index("ix_media_matches_pdq", "pdq"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    pdq: Mapped[str] = mapped_column(String(64))
    bank_hash_id: Mapped[int] = mapped_column(ForeignKey("bank_hashes.id"))
    distance: Mapped[int] = mapped_column(Integer)
    matched_at: Mapped[datetime]


class PdqChecked(Base):
    """Distinct hashes already matched against every bank (new bank hashes are matched
    against all of these when imported)."""

    __tablename__ = "pdq_checked"
    pdq: Mapped[str] = mapped_column(String(64), primary_key=True)
    checked_at: Mapped[datetime]


# -- people and verification ----------------------------------------------------------------

class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]
    # how evidence media shows by default for the organisation's members (ROOST-style)
    media_blur: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    media_greyscale: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[str] = mapped_column(String(16))  # contributor | reviewer | admin
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reliability: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]
    media_blur: Mapped[bool | None] = mapped_column(Boolean)  # None: the organisation's default
    media_greyscale: Mapped[bool | None] = mapped_column(Boolean)


class GroupList(Base):
    """A list a group circulated, imported with `hydrawatch lists import`."""

    __tablename__ = "group_lists"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_group_lists_name"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(255))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    source_file: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime]
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Case(Base):
    """One per account under consideration; ``state`` follows DESIGN.md's state machine."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("platform", "account_id", name="uq_cases_account"),
        Index("ix_cases_state", "state"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    known_answer: Mapped[str | None] = mapped_column(String(16))  # for reviewer calibration
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseClaim(Base):
    """A reviewer working on a case: nobody else is handed it until ``expires_at``."""

    __tablename__ = "case_claims"
    __table_args__ = (Index("ix_case_claims_user", "user_id"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True,
                                         autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CaseComment(Base):
    """Internal discussion of a case among reviewers (never published)."""

    __tablename__ = "case_comments"
    __table_args__ = (Index("ix_case_comments_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_pending", "platform", "handle_norm"),
        Index("ix_nominations_account", "platform", "account_id"),
        Index("uq_nominations_dedup", "dedup_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))  # list | cli | link | web | api | collect
    list_id: Mapped[int | None] = mapped_column(ForeignKey("group_lists.id"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[str | None] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    platform: Mapped[str | None] = mapped_column(String(32))
    handle_norm: Mapped[str | None] = mapped_column(String(320))
    account_id: Mapped[str | None] = mapped_column(String(128))  # set once resolved
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # sha256 of what makes a nomination the same one (source, account, who / list row):
    # nominating twice, or at the same moment, records it once (insert ... on conflict)
    dedup_key: Mapped[str | None] = mapped_column(String(64))


class Evidence(Base):
    """A content-addressed snapshot: ``sha256`` of ``content`` (canonical JSON)."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # account | post | link | media
    ref: Mapped[str | None] = mapped_column(Text)  # e.g. "x:1720000000000000011"
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime]
    captured_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_reviews_vote"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))  # confirm | reject | unsure
    category: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_ids: Mapped[list | None]
    # {"platform:predecessor_id": [evidence ids]}: cited evidence about the suspended account
    # this re-entry case's account was linked to (the vote says so)
    predecessor_evidence: Mapped[dict | None]
    created_at: Mapped[datetime]


class Link(Base):
    """A re-entry: ``successor`` replaces the suspended ``predecessor``."""

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("platform", "successor_id", "predecessor_id", name="uq_links_pair"),
        Index("ix_links_predecessor", "platform", "predecessor_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    successor_id: Mapped[str] = mapped_column(String(128))
    predecessor_id: Mapped[str] = mapped_column(String(128))
    confidence: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    reasons: Mapped[list | None]
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    linkable_at: Mapped[datetime | None]  # first moment the data seen could make the link
    created_at: Mapped[datetime]


class Report(Base):
    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    recipient: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="sent")
    sent_at: Mapped[datetime]
    extra: Mapped[dict | None]


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (
        Index("uq_appeals_open", "open_key", unique=True),
        Index("ix_appeals_account_time", "account_key", "submitted_at"),
        Index("ix_appeals_contact_time", "contact_key", "submitted_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str | None] = mapped_column(String(320))
    account_id: Mapped[str | None] = mapped_column(String(128))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    contact: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | upheld | delisted
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    account_key: Mapped[str | None] = mapped_column(String(300))  # platform:id or platform:@handle
    contact_key: Mapped[str | None] = mapped_column(String(64))  # sha256 of the folded contact
    open_key: Mapped[str | None] = mapped_column(String(64))  # set while open: one per account+contact


class Publication(Base):
    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only and hash-chained: ``hash`` covers the entry and ``prev_hash``."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


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
