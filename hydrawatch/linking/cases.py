"""Opening the case of a successor linked to a verified predecessor (DESIGN.md: the case
carries the predecessor's evidence and the link's reasons)."""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.cases import open_case
from hydrawatch.store.schema import Case, Evidence, Nomination
from hydrawatch.timeutil import utcnow


def _evidence(case_id: int, kind: str, ref: str, content: str, now) -> Evidence:
    return Evidence(case_id=case_id, kind=kind, ref=ref, content=content,
                    sha256=hashlib.sha256(content.encode()).hexdigest(), captured_at=now)


def open_reentry_case(db: Session, platform: str, successor: str, predecessor: str,
                      confidence: float, reasons: list[str]) -> int:
    """Open the successor's case (state `nominated`, reason `re-entry`); 1 if it was
    opened now, 0 if the account already had a case (which is left as it is)."""
    case, created = open_case(db, platform, successor, state="nominated", reason="re-entry",
                              actor="link")
    if not created:
        return 0
    now = utcnow()
    content = orjson.dumps({"kind": "link", "platform": platform, "successor": successor,
                            "predecessor": predecessor, "confidence": round(confidence, 6),
                            "reasons": reasons}, option=orjson.OPT_SORT_KEYS).decode()
    db.add(_evidence(case.id, "link", f"{platform}:{predecessor}", content, now))
    pred_case = db.scalars(select(Case).where(Case.platform == platform,
                                              Case.account_id == predecessor)).first()
    if pred_case is not None:
        for ev in db.scalars(select(Evidence).where(Evidence.case_id == pred_case.id)
                             .order_by(Evidence.id)):
            db.add(Evidence(case_id=case.id, kind=ev.kind, ref=ev.ref, content=ev.content,
                            sha256=ev.sha256, captured_at=ev.captured_at,
                            captured_by=ev.captured_by))
    db.add(Nomination(source="link", platform=platform, account_id=successor, case_id=case.id,
                      reason="re-entry of " + predecessor + ": " + "; ".join(reasons[:4]),
                      created_at=now, resolved_at=now))
    return 1
