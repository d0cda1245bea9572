"""What report and track read about a case and how they move it: the account, its
evidence, the predecessor a re-entry replaces, and the audited state change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.platforms import AccountRef
from hydrawatch.store.schema import Account, Case, Evidence


def move_case(db: Session, case: Case, to: str, actor: str, reason: str) -> None:
    """verified -> reported -> removed | active, audited like every state change."""
    from hydrawatch.verification.states import transition

    if case.state != to:
        transition(db, case, to, actor=actor, reason=reason)


def account_of(db: Session, case: Case) -> Account | None:
    return db.scalars(select(Account).where(Account.platform == case.platform,
                                            Account.account_id == case.account_id)).first()


def evidence_of(db: Session, case: Case) -> list[Evidence]:
    return list(db.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)))


def predecessor_of(db: Session, case: Case, evidence: list[Evidence]) -> AccountRef | None:
    """The suspended account a re-entry replaces: the link its case carries as evidence."""
    import orjson

    for ev in evidence:
        if ev.kind != "link":
            continue
        try:
            content = orjson.loads(ev.content)
        except orjson.JSONDecodeError:
            continue
        pred = content.get("predecessor") if isinstance(content, dict) else None
        if content.get("successor") in (None, case.account_id) and isinstance(pred, str) and pred:
            handle = db.scalar(select(Account.handle_norm).where(
                Account.platform == case.platform, Account.account_id == pred))
            return AccountRef(case.platform, handle, pred)
    return None


def post_ids_of(evidence: list[Evidence], platform: str) -> list[str]:
    """Ids of the posts captured as evidence (``ref`` is ``platform:post_id``)."""
    out = []
    for ev in evidence:
        if ev.kind == "post" and ev.ref and ev.ref.startswith(platform + ":"):
            out.append(ev.ref.split(":", 1)[1])
    return list(dict.fromkeys(out))
