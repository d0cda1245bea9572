"""The audit log: append-only, each entry hash-chained to the one before it.

``hash = sha256(prev_hash + canonical JSON of (id, ts, actor, action, object, details))``.
Editing, removing or reordering any row breaks the chain from that row on, and
:func:`verify_chain` names the first bad entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store.schema import AuditEntry
from hydrawatch.timeutil import as_utc, iso, utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, entry_id: int, ts, actor: str, action: str, object_type, object_id,
            details) -> str:
    body = orjson.dumps([entry_id, iso(ts), actor, action, object_type, object_id, details],
                        option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def _lock_tail(db: Session) -> AuditEntry | None:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
    if db.get_bind().dialect.name == "postgresql":
        # Serialise appenders so two transactions never chain to the same predecessor.
        from sqlalchemy import text

        db.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    return db.scalars(stmt).first()


def record(db: Session, actor: str, action: str, object_type: str | None = None,
           object_id: object = None, details: dict | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction."""
    tail = _lock_tail(db)
    prev = tail.hash if tail else GENESIS
    entry_id = (tail.id + 1) if tail else 1
    ts = utcnow().replace(microsecond=(utcnow().microsecond // 1000) * 1000)
    oid = None if object_id is None else str(object_id)
    details = orjson.loads(orjson.dumps(details or {}, default=str))
    entry = AuditEntry(id=entry_id, ts=ts, actor=actor, action=action, object_type=object_type,
                       object_id=oid, details=details, prev_hash=prev,
                       hash=_digest(prev, entry_id, ts, actor, action, object_type, oid, details))
    db.add(entry)
    db.flush()
    return entry


@dataclass
class ChainReport:
    ok: bool
    entries: int
    first_bad: int | None = None
    problem: str | None = None


def verify_chain(db: Session) -> ChainReport:
    prev = GENESIS
    expected_id = 1
    n = 0
    for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        n += 1
        if e.id != expected_id:
            return ChainReport(False, n, e.id, f"entry {expected_id} is missing (found {e.id} next)")
        if e.prev_hash != prev:
            return ChainReport(False, n, e.id, "its prev_hash does not match the entry before it")
        want = _digest(prev, e.id, as_utc(e.ts), e.actor, e.action, e.object_type, e.object_id,
                       e.details)
        if want != e.hash:
            return ChainReport(False, n, e.id, "its content does not match its hash")
        prev = e.hash
        expected_id += 1
    return ChainReport(True, n)


def recent(db: Session, limit: int = 50) -> list[dict]:
    """The newest ``limit`` entries, oldest first, as dicts."""
    rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [{"id": e.id, "ts": iso(as_utc(e.ts)), "actor": e.actor, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "details": e.details,
             "hash": e.hash} for e in reversed(rows)]
