"""Observed platform data: accounts, handles, posts, media, edges, statuses, ingested files,
policy packs, score signals, hash banks and media matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hydrawatch.store.schema.base import Base, Id


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
