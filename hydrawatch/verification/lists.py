"""Group lists: `hydrawatch lists import`. Each row becomes a nomination with provenance
(organisation, list, row, time). Rows naming an account the store does not hold yet stay
pending and are resolved when a later ingest brings the account (``resolve_nominations``
runs at the end of every ingested file)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.verification.cases import open_case
from hydrawatch.errors import InputError, quote
from hydrawatch.verification.evidence import capture_case_opening
from hydrawatch.ingest.lists import read_rows
from hydrawatch.verification.people import get_org
from hydrawatch.verification.roles import require_member, require_role
from hydrawatch.verification.states import transition
from hydrawatch.store.schema import Account, GroupList, Handle, Nomination, Organization
from hydrawatch.timeutil import utcnow


@dataclass
class ListSummary:
    list_id: int
    name: str
    org: str
    rows: int = 0
    nominations: int = 0
    resolved: int = 0
    pending: int = 0
    unreadable: list[tuple[int, str, str]] = field(default_factory=list)  # (row, raw, why)
    already_imported: bool = False
    cases_opened: int = 0


def import_list(store, path: str | Path, *, org: str, name: str | None = None,
                verified: bool = False, by_user, platform: str = "x") -> ListSummary:
    """Import one list file for ``org`` (an existing organisation) as ``by_user``: any
    user for their own organisation, an admin for any; ``verified`` (its accounts' cases
    open as verified, with no review) needs an admin. Re-importing the same content is a
    no-op."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read list: {exc.strerror}", path=str(path)) from None
    try:
        rows = read_rows(data, platform)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("invalid UTF-8", path=str(path), line=line) from None
    except ValueError as exc:
        raise InputError(str(exc), path=str(path)) from None
    digest = hashlib.sha256(data).hexdigest()
    name = name or path.stem
    now = utcnow()
    with store.session() as db:
        action = "list.import_verified" if verified else "list.import"
        who = require_role(db, by_user, action, object_type="organization", object_id=org)
        org_row = get_org(db, org)
        require_member(who, org_row.id, action, org_row.name, object_type="organization",
                       object_id=org)
        actor = who.name
        existing = db.scalars(select(GroupList).where(GroupList.org_id == org_row.id,
                                                      GroupList.name == name)).first()
        if existing is not None:
            if existing.sha256 != digest:
                raise InputError(f"{quote(org)} already has a list named {quote(name)} with other "
                                 "content; import this one under another --name", path=str(path))
            return _summary_of(db, existing, org, already=True)
        glist = GroupList(org_id=org_row.id, name=name, verified=verified, source_file=str(path),
                          sha256=digest, rows=len(rows), imported_at=now,
                          imported_by=who.user_id)
        db.add(glist)
        db.flush()
        summary = ListSummary(glist.id, name, org, rows=len(rows))
        for row in rows:
            if row.ref is None:
                summary.unreadable.append((row.row, row.raw, row.problem or "unreadable"))
                continue
            db.add(Nomination(source="list", list_id=glist.id, row_number=row.row, raw=row.raw[:500],
                              org_id=org_row.id, platform=row.ref.platform,
                              handle_norm=row.ref.handle or f"id:{row.ref.account_id}",
                              account_id=None,
                              reason=f"listed by {org} in {name!r}", created_at=now))
            summary.nominations += 1
        db.flush()
        audit.record(db, actor, "list.import", "group_list", glist.id,
                     {"org": org, "name": name, "file": path.name, "sha256": digest,
                      "rows": len(rows), "nominations": summary.nominations,
                      "verified": verified, "unreadable": len(summary.unreadable)})
        if verified:
            audit.record(db, actor, "list.trusted", "group_list", glist.id,
                         {"org": org, "name": name,
                          "note": "marked as an already-verified source: its accounts' cases "
                                  "open in state verified"})
        opened = resolve_nominations(db, list_id=glist.id)
        db.flush()
        result = _summary_of(db, glist, org)
        result.unreadable = summary.unreadable
        result.cases_opened = opened
        return result


def _summary_of(db: Session, glist: GroupList, org: str, already: bool = False) -> ListSummary:
    noms = db.scalars(select(Nomination).where(Nomination.list_id == glist.id)).all()
    resolved = sum(1 for n in noms if n.account_id)
    return ListSummary(glist.id, glist.name, org, rows=glist.rows, nominations=len(noms),
                       resolved=resolved, pending=len(noms) - resolved, already_imported=already)


def resolve_nominations(db: Session, list_id: int | None = None) -> int:
    """Attach pending nominations to the accounts they name, opening (or joining) the
    account's case. Returns how many cases were opened."""
    stmt = select(Nomination).where(Nomination.account_id.is_(None),
                                    Nomination.handle_norm.is_not(None))
    if list_id is not None:
        stmt = stmt.where(Nomination.list_id == list_id)
    pending = db.scalars(stmt.order_by(Nomination.id)).all()
    if not pending:
        return 0
    found = _lookup_accounts(db, {(n.platform, n.handle_norm) for n in pending})
    trusted = {gid for (gid,) in db.execute(select(GroupList.id).where(GroupList.verified.is_(True)))}
    opened = 0
    now = utcnow()
    for nom in pending:
        account_id = found.get((nom.platform, nom.handle_norm))
        if account_id is None:
            continue
        verified = nom.list_id in trusted
        case, created = open_case(db, nom.platform, account_id,
                                  state="verified" if verified else "nominated",
                                  reason=nom.reason, actor="lists")
        if created:
            capture_case_opening(db, case, actor="lists")
        opened += created
        if verified and not created and case.state in ("nominated", "in_review"):
            transition(db, case, "verified", actor="lists",
                       reason=f"on trusted list {nom.list_id}",
                       details={"by": "trusted list", "list_id": nom.list_id})
        nom.account_id, nom.case_id, nom.resolved_at = account_id, case.id, now
    db.flush()
    return opened


def _lookup_accounts(db: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(platform, handle_norm or 'id:ID') -> account_id, preferring the current holder of
    a handle, then the latest one in the handle history."""
    out: dict[tuple[str, str], str] = {}
    ids = {(p, h[3:]) for p, h in keys if h.startswith("id:")}
    handles = {(p, h) for p, h in keys if not h.startswith("id:")}
    for chunk in _chunks(sorted(ids), 500):
        for p, a in db.execute(select(Account.platform, Account.account_id).where(
                or_(*[(Account.platform == p) & (Account.account_id == a) for p, a in chunk]))):
            out[(p, "id:" + a)] = a
    by_platform: dict[str, list[str]] = {}
    for p, h in handles:
        by_platform.setdefault(p, []).append(h)
    for p, hs in by_platform.items():
        for chunk in _chunks(sorted(hs), 500):
            for hn, a in db.execute(select(Account.handle_norm, Account.account_id).where(
                    Account.platform == p, Account.handle_norm.in_(chunk))):
                out[(p, hn)] = a
            missing = [h for h in chunk if (p, h) not in out]
            if missing:
                rows = db.execute(select(Handle.handle_norm, Handle.account_id, Handle.last_seen)
                                  .where(Handle.platform == p, Handle.handle_norm.in_(missing))
                                  .order_by(Handle.last_seen)).all()
                for hn, a, _ in rows:  # later rows (more recent holders) win
                    out[(p, hn)] = a
    return out


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def list_lists(store) -> list[dict]:
    with store.session(readonly=True) as db:
        rows = db.execute(select(GroupList, Organization.name).join(
            Organization, Organization.id == GroupList.org_id).order_by(GroupList.id)).all()
        out = []
        for glist, org in rows:
            s = _summary_of(db, glist, org)
            out.append({"id": glist.id, "org": org, "name": glist.name, "verified": glist.verified,
                        "rows": glist.rows, "nominations": s.nominations, "resolved": s.resolved,
                        "pending": s.pending, "imported_at": glist.imported_at.isoformat()})
        return out


def list_rows(store, list_id: int) -> dict:
    """One imported list with its rows: each nomination resolved (with its case and state) or
    pending; ``rejected`` counts rows that could not be read at import."""
    from hydrawatch.errors import NotFound
    from hydrawatch.store.schema import Case

    with store.session(readonly=True) as db:
        row = db.execute(select(GroupList, Organization.name).join(
            Organization, Organization.id == GroupList.org_id).where(GroupList.id == list_id)).first()
        if row is None:
            raise NotFound(f"no list {list_id}")
        glist, org = row
        noms = db.execute(select(Nomination, Case.state).outerjoin(Case, Case.id == Nomination.case_id)
                          .where(Nomination.list_id == list_id).order_by(Nomination.row_number)).all()
        rows = [{"row": n.row_number, "raw": n.raw, "platform": n.platform,
                 "account_id": n.account_id, "case_id": n.case_id, "case_state": state,
                 "status": "resolved" if n.account_id else "pending"} for n, state in noms]
        return {"id": glist.id, "org": org, "name": glist.name, "verified": glist.verified,
                "rows": glist.rows, "imported_at": glist.imported_at.isoformat(),
                "resolved": sum(r["status"] == "resolved" for r in rows),
                "pending": sum(r["status"] == "pending" for r in rows),
                "rejected": max(glist.rows - len(rows), 0), "items": rows}
