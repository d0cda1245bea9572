"""A small synthetic setting for the web tests: three organisations, reviewers with
passwords, an admin, fictional accounts with posts and media (PDQ hashes only), a re-entry
chain, and one account whose every field is hostile."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

from hydrawatch.verification import people as orgs
from hydrawatch.verification.review import nominate
from hydrawatch.store.schema import Account, Handle, Link, Media, Post, Status

from review_world import T0

PASSWORD = "correct-horse-battery"
USERS = [("nina", "OrgA", "reviewer"), ("alice", "OrgA", "reviewer"), ("bob", "OrgB", "reviewer"),
         ("carol", "OrgC", "reviewer"), ("dave", "OrgC", "reviewer"), ("root", "OrgB", "admin"),
         ("cory", "OrgC", "contributor")]
PDQ = "f" * 16 + "0" * 16 + "a5" * 8 + "3c" * 8
HOSTILE_TEXT = ("<script>alert('xss')</script> <img src=x onerror=alert(1)> "
                "<a href=\"javascript:alert(2)\">click</a> \u202egnp.exe\u202c "
                + "W" * 10_000)
HOSTILE_HANDLE = "evil\u202eeno"


def add_account(db, account_id: str, handle: str, *, posts: int = 2, text: str | None = None,
                status: str = "active", created_days: int = 0, bio: str = "fictional bio",
                url: str | None = None) -> None:
    created = T0 + timedelta(days=created_days)
    db.add(Account(platform="x", account_id=account_id, handle=handle, handle_norm=handle.lower(),
                   name=f"Name {handle}", bio=bio, url=url, created_at=created, first_seen=created,
                   last_seen=created + timedelta(days=3), observed_at=created, status=status,
                   status_at=created + timedelta(days=3) if status != "active" else None,
                   score=0.9 - int(account_id) % 100 / 100, lang="en",
                   score_reasons=["uses #ExampleTag", "reshares a verified account"]))
    db.add(Handle(platform="x", account_id=account_id, handle=handle, handle_norm=handle.lower(),
                  first_seen=created, last_seen=created + timedelta(days=3)))
    db.add(Status(platform="x", account_id=account_id, handle_norm=handle.lower(), status="active",
                  observed_at=created, source="test"))
    for i in range(posts):
        pid = f"{account_id}{i:03d}"
        db.add(Post(platform="x", post_id=pid, account_id=account_id,
                    created_at=created + timedelta(hours=i), lang="en", observed_at=created,
                    text=text or f"example slogan {i} #ExampleTag", hashtags=["ExampleTag"],
                    urls=["javascript:alert(3)"] if text else []))
        db.add(Media(platform="x", post_id=pid, account_id=account_id, position=0, kind="photo",
                     url="https://media.example.invalid/x.jpg", pdq=PDQ))


def build(store, *, targets: int = 6) -> dict:
    """People with passwords; accounts x:100.. nominated by nina; x:666 hostile; a family
    x:100 (suspended) -> x:200 -> x:201. Returns {"cases": [...], "hostile": id, "family": id}."""
    with store.session() as db:
        orgs.bootstrap_admin(db, "root", org="OrgB", password=PASSWORD)
        for name in ("OrgA", "OrgC"):
            orgs.add_org(db, name, by_user="root")
        for name, org, role in USERS:
            if name != "root":
                orgs.add_user(db, name, org=org, role=role, password=PASSWORD, by_user="root")
        for i in range(targets):
            add_account(db, str(100 + i), f"target{i}", status="suspended" if i == 0 else "active")
        add_account(db, "200", "target0_", created_days=5)
        add_account(db, "201", "target0__", created_days=9)
        add_account(db, "666", HOSTILE_HANDLE, text=HOSTILE_TEXT, bio=HOSTILE_TEXT,
                    url="javascript:alert(4)")
        for succ, pred in (("200", "100"), ("201", "200")):
            db.add(Link(platform="x", successor_id=succ, predecessor_id=pred, confidence=0.97,
                        rank=1, reasons=["handle adds a trailing underscore", "same bio"],
                        state="proposed", linkable_at=T0 + timedelta(days=6), created_at=T0))
    cases = [nominate(store, "x", str(100 + i), by_user="nina", reason="fictional propaganda").case_id
             for i in range(targets)]
    family_case = nominate(store, "x", "200", by_user="nina", reason="re-entry of target0").case_id
    hostile = nominate(store, "x", "666", by_user="nina", reason=HOSTILE_TEXT[:300]).case_id
    return {"cases": cases, "hostile": hostile, "family": family_case}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
