"""People and verification, and what is done with verified accounts: organisations, users,
group lists, cases, claims, comments, nominations, evidence, reviews, links, reports,
appeals, publications and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from hydrawatch.store.schema.base import Base, Id


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
