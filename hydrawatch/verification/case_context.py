"""What a reviewer needs around a case besides the case itself: the account's handles over
time, its status history, and the re-entry links that tie it to earlier accounts."""

from __future__ import annotations

from sqlalchemy import or_, select

from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, Handle, Link, Status
from hydrawatch.timeutil import iso

MAX_STATUSES = 200


def account_history(db_or_store, platform: str, account_id: str) -> dict:
    with transaction(db_or_store, readonly=True) as db:
        handles = db.scalars(select(Handle).where(Handle.platform == platform,
                                                  Handle.account_id == account_id)
                             .order_by(Handle.first_seen, Handle.handle)).all()
        statuses = db.scalars(select(Status).where(Status.platform == platform,
                                                   Status.account_id == account_id)
                              .order_by(Status.observed_at.desc()).limit(MAX_STATUSES)).all()
        return {"handles": [{"handle": h.handle, "first_seen": iso(h.first_seen),
                             "last_seen": iso(h.last_seen)} for h in handles],
                "statuses": [{"status": s.status, "observed_at": iso(s.observed_at),
                              "source": s.source} for s in reversed(statuses)]}


def reentry_links(db_or_store, platform: str, account_id: str) -> list[dict]:
    """Links in which the account is the successor or the predecessor, best first, with the
    other account's handle, status and case (if any)."""
    with transaction(db_or_store, readonly=True) as db:
        links = db.scalars(select(Link).where(Link.platform == platform,
                                              or_(Link.successor_id == account_id,
                                                  Link.predecessor_id == account_id))
                           .order_by(Link.confidence.desc())).all()
        out = []
        for ln in links:
            role = "successor" if ln.successor_id == account_id else "predecessor"
            other = ln.predecessor_id if role == "successor" else ln.successor_id
            acc = db.scalars(select(Account).where(Account.platform == platform,
                                                   Account.account_id == other)).first()
            case_id = db.scalar(select(Case.id).where(Case.platform == platform,
                                                      Case.account_id == other))
            out.append({"this_is": role, "other": {"platform": platform, "account_id": other,
                                                   "handle": acc.handle if acc else None,
                                                   "status": acc.status if acc else None,
                                                   "case_id": case_id},
                        "confidence": float(ln.confidence), "reasons": list(ln.reasons or []),
                        "state": ln.state, "linkable_at": iso(ln.linkable_at)})
        return out


MAX_FAMILY = 500


def family(db_or_store, platform: str, account_id: str, *,
           min_confidence: float | None = None) -> dict:
    """The hydra family of an account: every account reachable through links at or above
    the link model's threshold, in succession order, each with handle, status, dates and
    case. A lone account is a family of one."""
    from hydrawatch.linking.families import order_family
    from hydrawatch.linking.model import default_model
    from hydrawatch.timeutil import as_utc

    floor = default_model().threshold if min_confidence is None else min_confidence
    with transaction(db_or_store, readonly=True) as db:
        members, pairs, frontier = {account_id}, set(), [account_id]
        while frontier and len(members) < MAX_FAMILY:
            rows = db.execute(select(Link.successor_id, Link.predecessor_id, Link.confidence,
                                     Link.reasons)
                              .where(Link.platform == platform, Link.confidence >= floor,
                                     or_(Link.successor_id.in_(frontier),
                                         Link.predecessor_id.in_(frontier)))).all()
            frontier = []
            for s, p, conf, reasons in rows:
                pairs.add((s, p, float(conf), tuple(reasons or ())))
                for x in (s, p):
                    if x not in members:
                        members.add(x)
                        frontier.append(x)
        accounts = {a.account_id: a for a in db.scalars(
            select(Account).where(Account.platform == platform,
                                  Account.account_id.in_(list(members))))}
        cases = dict(db.execute(select(Case.account_id, Case.id).where(
            Case.platform == platform, Case.account_id.in_(list(members)))).all())
        case_states = dict(db.execute(select(Case.id, Case.state).where(
            Case.id.in_(list(cases.values())))).all()) if cases else {}
        start = {}
        for m in members:
            acc = accounts.get(m)
            t = as_utc((acc.created_at or acc.first_seen) if acc else None)
            start[m] = t.timestamp() if t else float("inf")
        order = order_family(members, [(s, p) for s, p, _, _ in pairs], start)
        link_to = {s: {"predecessor": p, "confidence": c, "reasons": list(r)}
                   for s, p, c, r in sorted(pairs, key=lambda x: x[2])}
        out = []
        for m in order:
            acc = accounts.get(m)
            case_id = cases.get(m)
            out.append({"account_id": m, "handle": acc.handle if acc else None,
                        "status": acc.status if acc else None,
                        "status_at": iso(acc.status_at) if acc else None,
                        "created_at": iso(acc.created_at) if acc else None,
                        "first_seen": iso(acc.first_seen) if acc else None,
                        "last_seen": iso(acc.last_seen) if acc else None,
                        "case_id": case_id, "case_state": case_states.get(case_id),
                        "link": link_to.get(m)})
        return {"platform": platform, "root": order[0] if order else account_id,
                "size": len(out), "accounts": out}
