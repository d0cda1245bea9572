"""Hand-made rows for the linking tests (synthetic; no real accounts)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hydrawatch.store.schema import Account, Edge, Handle, Post, Status

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
AVATAR_A = "f" * 16 + "0" * 48
AVATAR_A_NEAR = "f" * 16 + "0" * 46 + "03"   # 2 bits away
AVATAR_B = "0f" * 32
AVATAR_C = "a5" * 32


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class World:
    def __init__(self, db, platform: str = "x"):
        self.db = db
        self.platform = platform
        self.post_n = 0
        self.prefix = f"{id(db)}-"

    def account(self, aid: str, handle: str, *, created: float, name: str = "", bio: str = "",
                avatar: str | None = None, old_handles: tuple[str, ...] = (), last_seen: float | None = None):
        self.db.add(Account(platform=self.platform, account_id=aid, handle=handle,
                            handle_norm=handle.lower(), name=name, bio=bio, avatar_pdq=avatar,
                            created_at=h(created), first_seen=h(created),
                            last_seen=h(last_seen if last_seen is not None else created + 24),
                            status="active"))
        for i, old in enumerate(old_handles):
            self.db.add(Handle(platform=self.platform, account_id=aid, handle=old,
                               handle_norm=old.lower(), first_seen=h(created), last_seen=h(created + i)))
        self.db.add(Handle(platform=self.platform, account_id=aid, handle=handle,
                           handle_norm=handle.lower(), first_seen=h(created + 1),
                           last_seen=h(created + 48)))

    def suspend(self, aid: str, at: float, handle: str = ""):
        self.db.add(Status(platform=self.platform, account_id=aid, handle_norm=handle.lower(),
                           status="suspended", observed_at=h(at), source="test"))
        self.db.query(Account).filter_by(platform=self.platform, account_id=aid).update(
            {"status": "suspended", "status_at": h(at)})

    def follows(self, src: str, dst: str, at: float | None = None):
        self.db.add(Edge(platform=self.platform, src=src, dst=dst, type="follows", post_id="",
                         observed_at=h(at) if at is not None else None))

    def post(self, aid: str, at: float, text: str, mentions: list[dict] | None = None):
        self.post_n += 1
        self.db.add(Post(platform=self.platform, post_id=f"{self.prefix}p{self.post_n}", account_id=aid,
                         created_at=h(at), text=text, mentions=mentions))
