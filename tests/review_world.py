"""A small synthetic setting for the review tests: three organisations, reviewers, an
admin, a contributor, and a few fictional accounts with posts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hydrawatch.verification import people as orgs
from hydrawatch.verification.review import nominate
from hydrawatch.store.schema import Account, Handle, Post

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)

USERS = [  # name, org, role
    ("nina", "OrgA", "reviewer"),  # the nominator in most tests
    ("alice", "OrgA", "reviewer"),
    ("amir", "OrgA", "reviewer"),
    ("bob", "OrgB", "reviewer"),
    ("carol", "OrgC", "reviewer"),
    ("dave", "OrgC", "reviewer"),
    ("root", "OrgB", "admin"),
    ("cory", "OrgC", "contributor"),
]


def add_people(store) -> None:
    """root, the first admin, bootstraps the store; it adds the other organisations and users."""
    with store.session() as db:
        orgs.bootstrap_admin(db, "root", org="OrgB")
        for name in ("OrgA", "OrgC"):
            orgs.add_org(db, name, by_user="root")
        for name, org, role in USERS:
            if name != "root":
                orgs.add_user(db, name, org=org, role=role, by_user="root")


def add_account(store, account_id: str, handle: str, *, posts: int = 3, platform: str = "x") -> None:
    with store.session() as db:
        db.add(Account(platform=platform, account_id=account_id, handle=handle,
                       handle_norm=handle.lower(), name=f"Name {handle}", bio="fictional bio",
                       first_seen=T0, last_seen=T0, observed_at=T0, status="active", score=0.9))
        db.add(Handle(platform=platform, account_id=account_id, handle=handle,
                      handle_norm=handle.lower(), first_seen=T0, last_seen=T0))
        for i in range(posts):
            db.add(Post(platform=platform, post_id=f"{account_id}{i:03d}", account_id=account_id,
                        created_at=T0 + timedelta(hours=i), text=f"example slogan {i} #ExampleTag",
                        hashtags=["ExampleTag"], lang="en", observed_at=T0))


def world(store, accounts: int = 2) -> list[int]:
    """People, ``accounts`` accounts (x:100, x:101, ...) each nominated by nina: case ids."""
    add_people(store)
    case_ids = []
    for i in range(accounts):
        add_account(store, str(100 + i), f"target{i}")
        res = nominate(store, "x", str(100 + i), by_user="nina", reason="fictional propaganda")
        case_ids.append(res.case_id)
    return case_ids
