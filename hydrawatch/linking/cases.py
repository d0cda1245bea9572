"""Nominating the successor of a verified predecessor (DESIGN.md: the case carries the
predecessor's evidence and the link's reasons). Goes through hydrawatch.verification.review.nominate,
so the case opens like any other nomination (state `nominated`, snapshot captured)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store.schema import Case, Evidence, Nomination

REASON = "re-entry"


def open_reentry_case(db: Session, platform: str, successor: str, predecessor: str,
                      confidence: float, reasons: list[str]) -> int:
    """Nominate the successor (source `link`, reason `re-entry`) with the link as evidence
    and copies of the predecessor's evidence. 1 if a case was opened now; 0 if the link
    was already nominated once (re-runs add nothing) or the account already had a case."""
    from hydrawatch.verification.review import nominate
    from hydrawatch.verification.roles import system

    done = db.scalar(select(Nomination.id).where(Nomination.platform == platform,
                                                 Nomination.account_id == successor,
                                                 Nomination.source == "link"))
    if done is not None:
        return 0
    pred_case = db.scalars(select(Case).where(Case.platform == platform,
                                              Case.account_id == predecessor)).first()
    evidence: list = [{"kind": "link", "ref": f"{platform}:{predecessor}",
                       "content": {"kind": "link", "platform": platform, "successor": successor,
                                   "predecessor": predecessor, "confidence": round(confidence, 6),
                                   "reasons": reasons}}]
    if pred_case is not None:
        evidence += list(db.scalars(select(Evidence.id).where(Evidence.case_id == pred_case.id)
                                    .order_by(Evidence.id)))
    result = nominate(db, platform, successor, reason=REASON, source="link",
                      by_user=system("link"), evidence=evidence)
    return 1 if result.case_created else 0
