"""Batched upserts of validated records into the store, inside the caller's transaction.

Records are merged in memory per batch (keyed by their natural key), then written with one
``INSERT ... ON CONFLICT`` per table, so a batch costs a handful of statements whatever
its size. Merging follows DESIGN.md: records about the same ``(platform, id)`` merge field
by field, the newer observation winning and a missing field erasing nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, case, func
from sqlalchemy.orm import Session

from hydrawatch.ingest.bulkrows import _STMTS, _TIME_TEXT, BulkRows, _key3, _sqlite_time, _sqlite_time_text  # noqa: F401 (tests use writer._sqlite_time, ...)
from hydrawatch.platforms.base import norm_handle  # one normal form for every platform's handles
from hydrawatch.store.schema import Account, Edge, Handle, Media, Post, Status

ACCOUNT_FIELDS = ("handle", "handle_norm", "name", "bio", "url", "created_at", "avatar_pdq",
                  "followers", "following", "posts_count", "lang", "extra")
POST_FIELDS = ("account_id", "created_at", "text", "lang", "hashtags", "mentions", "urls",
               "reshare_of_post", "reshare_of_account", "reply_to_post", "reply_to_account",
               "quote_of_post", "quote_of_account", "observed_at", "extra")
EDGE_OF = {"reshare_of": "reshares", "reply_to": "replies", "quote_of": "quotes"}
_NOREF: dict = {}  # an absent reference (never written to)

# The bulk path: each batch is loaded into an index-free temporary staging table
# (PostgreSQL ``COPY``; SQLite one prepared executemany) and merged into the store with
# one set-based ``INSERT ... SELECT ... ON CONFLICT`` per table, with the very same
# conflict rules as the row path (``_many``). False: the row path (the tests compare them).
BULK = True



def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)


class BatchWriter(BulkRows):
    """Collects records and writes them in batches of ``batch_size``."""

    def __init__(self, db: Session, ingest_time: datetime, batch_size: int = 20000,
                 on_flush=None, bulk: bool | None = None):
        self.db = db
        self.bulk = BULK if bulk is None else bulk
        self._stages: dict[str, Table] = {}
        self.on_flush = on_flush  # called after each batch is written
        self.dialect = db.get_bind().dialect.name
        self.now = ingest_time
        self.batch_size = batch_size
        self.counts = {"account": 0, "post": 0, "edge": 0, "status": 0}
        self._reset()

    def _reset(self) -> None:
        self.accounts: dict[tuple, dict] = {}
        self.seen: dict[tuple, list] = {}  # (platform, id) -> [first_seen, last_seen]
        self.handles: dict[tuple, dict] = {}
        self.posts: dict[tuple, dict] = {}
        self.media: dict[tuple, dict] = {}
        self.edges: dict[tuple, dict] = {}
        self.statuses: dict[tuple, dict] = {}
        self.pending = 0

    # -- collecting --------------------------------------------------------------------

    def add(self, rec: dict) -> None:
        kind = rec["kind"]
        getattr(self, "_add_" + kind)(rec)
        self.counts[kind] += 1
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()

    def add_fields(self, op: tuple) -> None:
        """A validated post or account given as its fields, no record dict in between:
        ``("post", *POST_ARGS)`` or ``("account", *ACCOUNT_ARGS)`` (typed decoding builds
        these; :func:`as_record` is the record each one stands for). The very same merge
        as :meth:`add` of that record: both go through ``_post`` / ``_account``."""
        kind = op[0]
        if kind == "post":
            self._post(*op[1:])
        else:
            self._account(*op[1:])
        self.counts[kind] += 1
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()

    def _touch(self, platform: str, account_id: str, when: datetime | None) -> None:
        key = (platform, account_id)
        span = self.seen.get(key)
        if span is None:
            self.seen[key] = [when, when]
        else:
            span[0] = _min(span[0], when)
            span[1] = _max(span[1], when)

    def _handle_seen(self, platform: str, account_id: str, handle: str | None, when) -> None:
        hn = norm_handle(handle)
        if not hn:
            return
        key = (platform, account_id, hn)
        row = self.handles.get(key)
        if row is None:
            self.handles[key] = {"platform": platform, "account_id": account_id,
                                 "handle": handle.lstrip("@"), "handle_norm": hn,
                                 "first_seen": when, "last_seen": when}
        else:
            row["first_seen"] = _min(row["first_seen"], when)
            row["last_seen"] = _max(row["last_seen"], when)

    def _add_account(self, rec: dict) -> None:
        g = rec.get
        self._account(rec["platform"], rec["id"], g("handle"), g("name"), g("bio"), g("url"),
                      g("lang"), g("avatar_pdq"), g("followers"), g("following"), g("posts"),
                      g("created_at"), g("observed_at"), g("extra"))

    def _account(self, platform, account_id, handle, name, bio, url, lang, avatar_pdq,
                 followers, following, posts, created_at, observed_at, extra) -> None:
        obs = observed_at or self.now
        row = {"platform": platform, "account_id": account_id, "handle": handle,
               "handle_norm": norm_handle(handle), "name": name,
               "bio": bio, "url": url, "created_at": created_at,
               "avatar_pdq": avatar_pdq, "followers": followers,
               "following": following, "posts_count": posts,
               "lang": lang, "extra": extra, "observed_at": obs}
        key = (platform, account_id)
        old = self.accounts.get(key)
        if old is not None:
            newer, older = (row, old) if obs >= old["observed_at"] else (old, row)
            row = {k: (v if (v := newer[k]) is not None else older[k]) for k in row}
        self.accounts[key] = row
        self._touch(platform, account_id, obs)
        self._handle_seen(platform, account_id, handle, obs)

    def _add_post(self, rec: dict) -> None:
        g = rec.get
        self._post(rec["platform"], rec["id"], rec["account_id"], rec["created_at"], g("text"),
                   g("lang"), g("hashtags"), g("mentions"), g("urls"), g("media"),
                   g("reshare_of"), g("reply_to"), g("quote_of"), g("observed_at"), g("extra"))

    def _post(self, p, pid, author, ts, text, lang, hashtags, mentions, urls, media,
              reshare_of, reply_to, quote_of, observed_at, extra) -> None:
        reshare_of = reshare_of or _NOREF
        reply_to = reply_to or _NOREF
        quote_of = quote_of or _NOREF
        row = {"platform": p, "post_id": pid, "account_id": author, "created_at": ts,
               "text": text, "lang": lang, "hashtags": hashtags,
               "mentions": mentions, "urls": urls,
               "reshare_of_post": reshare_of.get("post_id"),
               "reshare_of_account": reshare_of.get("account_id"),
               "reply_to_post": reply_to.get("post_id"),
               "reply_to_account": reply_to.get("account_id"),
               "quote_of_post": quote_of.get("post_id"),
               "quote_of_account": quote_of.get("account_id"),
               "observed_at": observed_at, "extra": extra}
        old = self.posts.get((p, pid))
        if old is not None:
            row = {k: (v if (v := row[k]) is not None else old[k]) for k in row}
        self.posts[(p, pid)] = row
        self._touch(p, author, ts)
        if media:
            for i, m in enumerate(media):
                self.media[(p, pid, i)] = {"platform": p, "post_id": pid, "account_id": author,
                                           "position": i, "kind": m.get("type") or m.get("kind"),
                                           "url": m.get("url"),
                                           "pdq": (m.get("pdq") or "").lower() or None}
        if mentions:
            for m in mentions:
                if m.get("id"):
                    self._edge(p, author, m["id"], "mentions", pid, ts)
                    self._touch(p, m["id"], None)
                    self._handle_seen(p, m["id"], m.get("handle"), ts)
        for ref, etype in ((reshare_of, "reshares"), (reply_to, "replies"),
                           (quote_of, "quotes")):  # EDGE_OF's order
            target = ref.get("account_id")
            if target:
                self._edge(p, author, target, etype, pid, ts)
                self._touch(p, target, None)

    def _edge(self, platform, src, dst, etype, post_id, when) -> None:
        key = (platform, src, dst, etype, post_id)
        old = self.edges.get(key)
        self.edges[key] = {"platform": platform, "src": src, "dst": dst, "type": etype,
                           "post_id": post_id, "observed_at": _min(old and old["observed_at"], when)}

    def _add_edge(self, rec: dict) -> None:
        p = rec["platform"]
        self._edge(p, rec["src"], rec["dst"], rec["type"], "", rec.get("observed_at"))
        self._touch(p, rec["src"], None)
        self._touch(p, rec["dst"], None)

    def _add_status(self, rec: dict) -> None:
        obs = rec.get("observed_at") or self.now
        row = {"platform": rec["platform"], "account_id": rec.get("id") or "",
               "handle_norm": norm_handle(rec.get("handle")) or "", "status": rec["status"],
               "observed_at": obs, "source": rec.get("source")}
        self.statuses[(row["platform"], row["account_id"], row["handle_norm"], row["status"],
                       obs)] = row
        if row["account_id"]:
            self._touch(row["platform"], row["account_id"], None)
            self._handle_seen(row["platform"], row["account_id"], rec.get("handle"), obs)

    # -- writing -----------------------------------------------------------------------

    def _insert(self, table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _write(self, stmt, rows: list[dict]) -> None:
        (self._bulk if self.bulk else self._many)(stmt, rows)

    def _least(self, a, b):
        fn = func.least if self.dialect == "postgresql" else func.min
        return case((a.is_(None), b), (b.is_(None), a), else_=fn(a, b))

    def _greatest(self, a, b):
        fn = func.greatest if self.dialect == "postgresql" else func.max
        return case((a.is_(None), b), (b.is_(None), a), else_=fn(a, b))

    def flush(self) -> None:
        if self.seen:
            self._write_accounts()
        if self.handles:
            self._write(self._stmt("handles"), sorted(self.handles.values(), key=_key3))
        if self.posts:
            self._write(self._stmt("posts"), list(self.posts.values()))
        if self.media:
            self._write(self._stmt("media"), list(self.media.values()))
        if self.edges:
            self._write(self._stmt("edges"), list(self.edges.values()))
        if self.statuses:
            self._write(self._stmt("statuses"), list(self.statuses.values()))
            self._apply_statuses()
        self._reset()
        if self.on_flush is not None:
            self.on_flush()

    def _stmt(self, name: str):
        """The upsert statement ``name`` for this dialect, built once per process (they
        depend on nothing else; building them cost more than a small batch's rows)."""
        key = (self.dialect, name)
        stmt = _STMTS.get(key)
        if stmt is None:
            stmt = _STMTS[key] = getattr(self, "_build_" + name)()
        return stmt

    def _build_handles(self):
        ins = self._insert(Handle.__table__)
        t = Handle.__table__.c
        return ins.on_conflict_do_update(
            index_elements=["platform", "account_id", "handle_norm"],
            set_={"first_seen": self._least(t.first_seen, ins.excluded.first_seen),
                  "last_seen": self._greatest(t.last_seen, ins.excluded.last_seen)})

    def _build_posts(self):
        ins = self._insert(Post.__table__)
        t = Post.__table__.c
        return ins.on_conflict_do_update(
            index_elements=["platform", "post_id"],
            set_={f: func.coalesce(getattr(ins.excluded, f), getattr(t, f)) for f in POST_FIELDS})

    def _build_media(self):
        ins = self._insert(Media.__table__)
        t = Media.__table__.c
        return ins.on_conflict_do_update(
            index_elements=["platform", "post_id", "position"],
            set_={f: func.coalesce(getattr(ins.excluded, f), getattr(t, f))
                  for f in ("kind", "url", "pdq", "account_id")})

    def _build_edges(self):
        ins = self._insert(Edge.__table__)
        t = Edge.__table__.c
        return ins.on_conflict_do_update(
            index_elements=["platform", "src", "dst", "type", "post_id"],
            set_={"observed_at": self._least(t.observed_at, ins.excluded.observed_at)})

    def _build_statuses(self):
        return self._insert(Status.__table__).on_conflict_do_nothing()

    def _build_accounts_full(self):
        t = Account.__table__.c
        ins = self._insert(Account.__table__)
        exc = ins.excluded
        newer = exc.observed_at.is_not(None) & (t.observed_at.is_(None) | (exc.observed_at >= t.observed_at))
        set_ = {f: case((newer, func.coalesce(getattr(exc, f), getattr(t, f))),
                        else_=func.coalesce(getattr(t, f), getattr(exc, f)))
                for f in ACCOUNT_FIELDS}
        set_["observed_at"] = self._greatest(t.observed_at, exc.observed_at)
        set_["first_seen"] = self._least(t.first_seen, exc.first_seen)
        set_["last_seen"] = self._greatest(t.last_seen, exc.last_seen)
        return ins.on_conflict_do_update(index_elements=["platform", "account_id"], set_=set_)

    def _build_accounts_seen(self):
        t = Account.__table__.c
        ins = self._insert(Account.__table__)
        return ins.on_conflict_do_update(
            index_elements=["platform", "account_id"],
            set_={"first_seen": self._least(t.first_seen, ins.excluded.first_seen),
                  "last_seen": self._greatest(t.last_seen, ins.excluded.last_seen)})

    def _build_accounts_stub(self):
        return self._insert(Account.__table__).on_conflict_do_nothing()

    def _write_accounts(self) -> None:
        """Three statements: accounts with a record (field-wise merge), accounts only seen
        active (posts: first/last seen), and accounts only referred to (stubs)."""
        full, seen_only, stubs = [], [], []
        for key in sorted(self.seen):  # a stable lock order on PostgreSQL
            first, last = self.seen[key]
            row = self.accounts.get(key)
            if row is not None:
                full.append(dict(row, first_seen=first, last_seen=last))
            elif first is not None:
                seen_only.append({"platform": key[0], "account_id": key[1],
                                  "first_seen": first, "last_seen": last})
            else:
                stubs.append({"platform": key[0], "account_id": key[1]})
        if full:
            self._write(self._stmt("accounts_full"), full)
        if seen_only:
            self._write(self._stmt("accounts_seen"), seen_only)
        if stubs:
            self._write(self._stmt("accounts_stub"), stubs)

    def _apply_statuses(self) -> None:
        """Set accounts.status to the newest observation with an id. Handle-only
        observations are resolved at the end of the file (statuses.resolve_pending)."""
        latest: dict[tuple, dict] = {}
        for row in self.statuses.values():
            if not row["account_id"]:
                continue
            key = (row["platform"], row["account_id"])
            if key not in latest or row["observed_at"] >= latest[key]["observed_at"]:
                latest[key] = row
        if latest:
            from hydrawatch.ingest.statuses import set_latest_status

            set_latest_status(self.db, [(p, a, r["status"], r["observed_at"])
                                        for (p, a), r in sorted(latest.items())])
