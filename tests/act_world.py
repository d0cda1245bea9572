"""Building stores for the act tests (metrics, exports, publish) straight through the schema:
cases, reviews, evidence, reports and status observations as `report submit` and `track`
would leave them (the shared vocabulary of issue 11), with known answers."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from hydrawatch.store.schema import (Account, Appeal, Case, Evidence, Link, Media, Organization,
                                     Report, Review, Status, User)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(d: float) -> datetime:
    return T0 + timedelta(days=d)


def add_account(db, platform: str, account_id: str, handle: str | None = None, *,
                created_at: datetime | None = None, bio: str | None = None) -> Account:
    acc = Account(platform=platform, account_id=account_id, handle=handle,
                  handle_norm=handle.lower() if handle else None, bio=bio,
                  created_at=created_at, first_seen=created_at or T0)
    db.add(acc)
    return acc


def add_case(db, platform: str, account_id: str, state: str, *, handle: str | None = None,
             category: str | None = "propaganda", verified_at: datetime | None = None,
             created_at: datetime | None = None, bio: str | None = None) -> Case:
    add_account(db, platform, account_id, handle, created_at=created_at, bio=bio)
    if verified_at is None and state not in ("nominated", "in_review", "rejected"):
        verified_at = T0
    case = Case(platform=platform, account_id=account_id, state=state, category=category,
                opened_at=T0 - timedelta(days=1), updated_at=T0, verified_at=verified_at,
                version=1)
    db.add(case)
    db.flush()
    return case


def add_report(db, case: Case, sent_at: datetime, *, channel: str = "api",
               status: str = "sent") -> Report:
    rep = Report(case_id=case.id, recipient=case.platform, channel=channel,
                 reference=f"ref-{case.id}-{channel}", status=status, sent_at=sent_at, extra={})
    db.add(rep)
    return rep


def add_status(db, platform: str, account_id: str, status: str, at: datetime, *,
               handle_norm: str = "") -> None:
    db.add(Status(platform=platform, account_id=account_id, handle_norm=handle_norm,
                  status=status, observed_at=at, source="track"))


def add_people(db, names: dict[str, str]) -> dict[str, User]:
    """Users by name -> organisation name, each org created once; all reviewers."""
    orgs: dict[str, Organization] = {}
    users = {}
    for user, org in names.items():
        if org not in orgs:
            orgs[org] = Organization(name=org, created_at=T0)
            db.add(orgs[org])
            db.flush()
        users[user] = User(name=user, org_id=orgs[org].id, role="reviewer", created_at=T0)
        db.add(users[user])
    db.flush()
    return users


def add_evidence(db, case: Case, content: str, by: User | None = None) -> Evidence:
    ev = Evidence(case_id=case.id, kind="account", ref=f"{case.platform}:{case.account_id}",
                  content=content, sha256=hashlib.sha256(content.encode()).hexdigest(),
                  captured_at=T0, captured_by=by.id if by else None)
    db.add(ev)
    db.flush()
    return ev


def add_review(db, case: Case, user: User, verdict: str = "confirm", *, note: str | None = None,
               evidence: list[Evidence] = ()) -> None:
    db.add(Review(case_id=case.id, user_id=user.id, verdict=verdict, category=case.category,
                  note=note, evidence_ids=[e.id for e in evidence], created_at=T0))


def add_link(db, platform: str, successor: str, predecessor: str, confidence: float = 0.99, *,
             state: str = "proposed", rank: int = 1) -> None:
    db.add(Link(platform=platform, successor_id=successor, predecessor_id=predecessor,
                confidence=confidence, rank=rank, reasons=[], state=state, created_at=T0))


def add_appeal(db, platform: str, handle: str, state: str, *, contact: str = "someone",
               case: Case | None = None) -> None:
    db.add(Appeal(platform=platform, handle=handle, case_id=case.id if case else None,
                  contact=contact, text="please review", state=state, submitted_at=T0))


def add_media(db, platform: str, account_id: str, post_id: str, pdq: str | None) -> None:
    db.add(Media(platform=platform, post_id=post_id, account_id=account_id, position=0,
                 kind="photo", pdq=pdq))
