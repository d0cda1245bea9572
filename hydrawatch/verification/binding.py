"""Evidence is bound to its account (issue 10): a case can be verified only on evidence
about *its* account, or, for a re-entry case, about the suspended predecessor it is linked
to, and then the vote records that it cites the predecessor.

The subject of an evidence item is read from its snapshot (``platform`` and
``account_id`` of an account or post; the ``successor`` of a re-entry link), never from
the free-text ``ref``.
"""

from __future__ import annotations

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store.schema import Case, Evidence, Link
from hydrawatch.verification.roles import Principal, refuse

REJECTED_LINK_STATES = ("rejected",)


def evidence_subject(ev: Evidence) -> tuple[str, str] | None:
    """(platform, account_id) the snapshot is about, or None when it names no account."""
    try:
        content = orjson.loads(ev.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(content, dict):
        return None
    kind = content.get("kind", ev.kind)
    if kind == "link":
        account = content.get("successor", content.get("successor_id"))
    else:
        account = content.get("account_id")
    platform = content.get("platform")
    if not platform or account is None:
        return None
    return str(platform).lower(), str(account)


def linked_predecessors(db: Session, case: Case) -> set[tuple[str, str]]:
    """The accounts the case's account was linked to as a re-entry (link not rejected)."""
    rows = db.execute(select(Link.platform, Link.predecessor_id).where(
        Link.platform == case.platform, Link.successor_id == case.account_id,
        Link.state.not_in(REJECTED_LINK_STATES)))
    return {(p, a) for p, a in rows}


def bind(db: Session, case: Case, items: list[Evidence], who: Principal | str,
         action: str) -> dict[str, list[int]]:
    """Refuse (PermissionDenied, audited) any item not about the case's account or a linked
    predecessor; return {"platform:predecessor_id": [evidence ids]} for those about a
    predecessor (empty when all are about the account itself)."""
    own = (case.platform, case.account_id)
    preds: set[tuple[str, str]] | None = None
    via: dict[str, list[int]] = {}
    for ev in items:
        subject = evidence_subject(ev)
        if subject == own:
            continue
        if preds is None:
            preds = linked_predecessors(db, case)
        if subject is not None and subject in preds:
            via.setdefault(f"{subject[0]}:{subject[1]}", []).append(ev.id)
            continue
        about = "no account" if subject is None else f"{subject[0]}:{subject[1]}"
        what = f"evidence {ev.id}" if ev.id is not None else f"{ev.kind} {ev.ref}"
        raise refuse(who, action, f"{what} is about {about}, not about case {case.id}'s "
                     f"account {own[0]}:{own[1]} or a re-entry predecessor it is linked to",
                     object_type="case", object_id=case.id)
    return via
