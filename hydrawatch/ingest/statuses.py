"""Status observations: keeping accounts.status at the newest one, and resolving the
observations that name only a handle (X's user lookup errors) to an account id."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from hydrawatch.store.schema import Account, Handle, Status
from hydrawatch.timeutil import as_utc


def set_latest_status(db: Session, rows: list[tuple]) -> None:
    """rows: (platform, account_id, status, observed_at); older observations lose."""
    t = Account.__table__.c
    stmt = (update(Account.__table__)
            .where(t.platform == bindparam("p"), t.account_id == bindparam("a"))
            .where(or_(t.status_at.is_(None), t.status_at <= bindparam("t")))
            .values(status=bindparam("s"), status_at=bindparam("t")))
    db.execute(stmt, [{"p": p, "a": a, "s": s, "t": ts} for p, a, s, ts in rows])


def resolve_pending(db: Session) -> int:
    """Give handle-only status rows the id of the account that had that handle at the time
    of the observation (the latest holder who had it by then; else its first holder)."""
    st, hd = Status.__table__.c, Handle.__table__.c
    pending = db.execute(
        select(st.id, st.platform, st.handle_norm, st.status, st.observed_at, hd.account_id,
               hd.first_seen)
        .join(Handle.__table__, (hd.platform == st.platform) & (hd.handle_norm == st.handle_norm))
        .where(st.account_id == "")
        .order_by(st.id)).all()
    if not pending:
        return 0
    best: dict[int, tuple] = {}
    for sid, platform, hn, status, observed, account_id, first_seen in pending:
        observed, first_seen = as_utc(observed), as_utc(first_seen)
        held_before = first_seen is None or first_seen <= observed
        rank = (held_before, first_seen if held_before else _neg(first_seen))
        cur = best.get(sid)
        if cur is None or _better(rank, cur[0]):
            best[sid] = (rank, platform, hn, status, observed, account_id)
    latest = []
    for sid, (_, platform, hn, status, observed, account_id) in sorted(best.items()):
        clash = db.scalar(select(Status.id).where(
            Status.platform == platform, Status.account_id == account_id,
            Status.handle_norm == hn, Status.status == status, Status.observed_at == observed))
        if clash is not None:
            db.execute(delete(Status).where(Status.id == sid))
        else:
            db.execute(update(Status).where(Status.id == sid).values(account_id=account_id))
        latest.append((platform, account_id, status, observed))
    latest.sort(key=lambda r: (r[0], r[1], r[3]))
    set_latest_status(db, latest)
    return len(best)


def _neg(dt):
    return -dt.timestamp() if dt is not None else 0


def _better(a, b) -> bool:
    # held_before wins; among those the latest first_seen; otherwise the earliest holder.
    if a[0] != b[0]:
        return a[0]
    if a[0]:
        return (a[1] is not None) and (b[1] is None or a[1] > b[1])
    return a[1] > b[1]
