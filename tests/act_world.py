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


# -- a small verified list with planted identities (exports and publish) -------------------

PLANTED_NAMES = {"Zebulon Quartermaine": "Orgwell Fenwright Trust",
                 "Xanthippe Moorcroft": "Quillon Barrowgate Institute",
                 "Ottoline Vexley": "Orgwell Fenwright Trust",
                 "Peregrine Ashdown": "Halvard Sternwick Collective"}
HOSTILE_HANDLE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>'
PDQ_A = "f" * 32 + "0" * 32
PDQ_B = "0123456789abcdef" * 4


def build_list_world(db) -> dict:
    """Listed: x:1 (2 orgs confirm), x:2 (3 orgs, removed), x:3 (hostile handle),
    mastodon:m1 and mastodon:m2 (a handle that is not an address). Not listed: a rejected
    and a delisted case. Reviewers, orgs, nominators and appellants carry planted names."""
    people = add_people(db, PLANTED_NAMES)
    zeb, xan, ott, per = (people[n] for n in PLANTED_NAMES)
    c1 = add_case(db, "x", "1", "verified", handle="alpha_one", verified_at=day(1))
    c2 = add_case(db, "x", "2", "removed", handle="beta_two", verified_at=day(2),
                  category="recruitment")
    c3 = add_case(db, "x", "3", "reported", handle=HOSTILE_HANDLE, verified_at=day(3),
                  bio="<img src=x onerror=alert(1)>")
    m1 = add_case(db, "mastodon", "m1", "verified", handle="gamma@ex.social", verified_at=day(1))
    m2 = add_case(db, "mastodon", "m2", "verified", handle="=cmd|' /C calc'!A0", verified_at=day(1))
    rej = add_case(db, "x", "9", "rejected", handle="journalist")
    dl = add_case(db, "x", "8", "delisted", handle="delisted_one", verified_at=day(1))
    ev = {}
    for case in (c1, c2, c3, m1, m2, rej, dl):
        ev[case.account_id] = add_evidence(db, case, f"snapshot of {case.account_id} by "
                                                     f"Zebulon Quartermaine", zeb)
    for case, reviewers in ((c1, (zeb, xan, ott)), (c2, (zeb, xan, per)), (c3, (zeb, xan)),
                            (m1, (zeb, per)), (m2, (xan, per)), (dl, (zeb, xan))):
        for user in reviewers:
            add_review(db, case, user, note=f"checked by {user.name}", evidence=[ev[case.account_id]])
    add_review(db, rej, zeb, "reject", note="Zebulon Quartermaine says no")
    extra = add_evidence(db, c1, "second capture")
    add_status(db, "x", "2", "suspended", day(5))
    add_status(db, "x", "1", "active", day(5))
    add_appeal(db, "x", "alpha_one", "open", contact="Peregrine Ashdown <p@ashdown.example>",
               case=c1)
    add_media(db, "x", "1", "p1", PDQ_A)
    add_media(db, "x", "2", "p2", PDQ_B.upper())
    add_media(db, "x", "3", "p3", PDQ_A)  # the same image again
    add_media(db, "x", "3", "p4", "not-a-hash")
    add_media(db, "x", "9", "p9", "a" * 64)  # a rejected account's media
    db.flush()
    return {"listed": ["mastodon:m1", "mastodon:m2", "x:1", "x:2", "x:3"],
            "confirmations": {"x:1": 2, "x:2": 3, "x:3": 2, "mastodon:m1": 2, "mastodon:m2": 2},
            "evidence": {"x:1": sorted([ev["1"].sha256, extra.sha256]), "x:2": [ev["2"].sha256]},
            "pdq": sorted([PDQ_A, PDQ_B])}
