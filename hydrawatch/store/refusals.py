"""Writing refused actions to the audit log (called by ``Store.session`` after the
refused transaction has rolled back, so the refusal is never lost with it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hydrawatch.errors import PermissionDenied

MAX_ACTOR = 120
MAX_REASON = 500


def record_refusals(db: Session, refused: list[PermissionDenied]) -> None:
    from hydrawatch.store import audit

    for exc in refused:
        actor = (exc.actor or "unknown")[:MAX_ACTOR]
        audit.record(db, actor, "refused", exc.object_type, exc.object_id,
                     {"attempted": exc.action, "reason": str(exc)[:MAX_REASON]})
        exc.audited = True
