"""What the platform simulator serves to a collector: each account's profile, recent posts
and follower/followee lists, read once from a store (a ``sim generate`` world ingested).

    CollectData.from_store(store) -> CollectData

Posts are kept newest first per author; follower and followee lists in a fixed order
(by account id), so pagination is stable and a resumed crawl sees the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from hydrawatch.store import schema as s
from hydrawatch.timeutil import iso

Key = tuple[str, str]  # (platform, account_id)


@dataclass
class CollectData:
    profiles: dict[Key, dict] = field(default_factory=dict)
    posts: dict[Key, list[dict]] = field(default_factory=dict)       # newest first
    post_index: dict[Key, dict] = field(default_factory=dict)        # (platform, post_id)
    followers: dict[Key, list[str]] = field(default_factory=dict)
    following: dict[Key, list[str]] = field(default_factory=dict)

    def profile(self, platform: str, account_id: str) -> dict:
        return self.profiles.get((platform, account_id)) or {}

    @classmethod
    def from_store(cls, store) -> "CollectData":
        out = cls()
        A, P, E = s.Account, s.Post, s.Edge
        with store.session(readonly=True) as db:
            for row in db.execute(select(A.platform, A.account_id, A.handle, A.name, A.bio,
                                         A.created_at, A.avatar_pdq, A.lang)):
                out.profiles[(row.platform, row.account_id)] = {
                    "name": row.name, "bio": row.bio or "",
                    "created_at": iso(row.created_at) if row.created_at else None,
                    "avatar_pdq": row.avatar_pdq, "lang": row.lang}
            for row in db.execute(select(P.platform, P.post_id, P.account_id, P.created_at, P.text,
                                         P.lang, P.hashtags, P.mentions, P.reshare_of_post,
                                         P.reshare_of_account, P.reply_to_post, P.reply_to_account,
                                         P.quote_of_post, P.quote_of_account)
                                  .order_by(P.platform, P.account_id, P.created_at.desc(),
                                            P.post_id.desc())):
                post = {"id": row.post_id, "author": row.account_id,
                        "created_at": iso(row.created_at) if row.created_at else None,
                        "text": row.text or "", "lang": row.lang,
                        "hashtags": list(row.hashtags or []), "mentions": list(row.mentions or []),
                        "reshare_of": row.reshare_of_post, "reshare_author": row.reshare_of_account,
                        "reply_to": row.reply_to_post, "reply_author": row.reply_to_account,
                        "quote_of": row.quote_of_post, "quote_author": row.quote_of_account}
                out.posts.setdefault((row.platform, row.account_id), []).append(post)
                out.post_index[(row.platform, row.post_id)] = post
            for platform, src, dst in db.execute(select(E.platform, E.src, E.dst)
                                                 .where(E.type == "follows")
                                                 .order_by(E.platform, E.src, E.dst)):
                out.following.setdefault((platform, src), []).append(dst)
                out.followers.setdefault((platform, dst), []).append(src)
        for lists in (out.followers, out.following):
            for key, ids in lists.items():
                lists[key] = sorted(set(ids))
        return out


def collection_world(world_dir, store, moderation=None):
    """A ``sim generate`` world as the simulator serves it to a collector: the world's
    files ingested into ``store`` (a scratch store: the platforms' side), then read back."""
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.sim import data_files
    from hydrawatch.sim.platform_world import PlatformWorld

    ingest_paths(store, data_files(world_dir))
    world = PlatformWorld.from_store(store, moderation)
    world.data = CollectData.from_store(store)
    return world
