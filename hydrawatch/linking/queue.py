"""The re-entry review queue (issue 13): two thresholds, one decision per link.

- confidence >= the auto threshold (``LinkModel.threshold``): a recorded link, as before;
- suggest threshold <= confidence < auto, best candidate of its new account: a link for a
  reviewer, listed by ``review_queue`` with its evidence and field weights; when its
  predecessor is verified, ``link_store`` opens the successor's case as for an auto link;
- ``decide_link``: a reviewer confirms or rejects a link; the decision is stored in the
  link's ``state`` (``confirmed`` / ``rejected``; a re-run keeps it), audited, and read
  back by ``hydrawatch.linking.calibrate`` as labelled pairs. A confirmed link counts as a
  link whatever its confidence; a rejected one never does.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.errors import InputError
from hydrawatch.linking.model import default_model
from hydrawatch.store import Store
from hydrawatch.store.schema import Account, Case, Link

VERDICTS = {"confirm": "confirmed", "reject": "rejected"}
_WEIGHTS = re.compile(r"^weights \(log-odds ([+-][\d.]+) = prior ([+-][\d.]+)(.*), rivals ([+-][\d.]+)\)$")
_PART = re.compile(r", ([^,]+?) ([+-]\d[\d.]*)(?=,|$)")


def thresholds() -> tuple[float, float]:
    """(suggest, auto) of the shipped model."""
    m = default_model()
    return m.suggest_threshold, m.threshold


def parse_weights(reasons: list[str] | None) -> dict | None:
    """The field weights a link's reasons carry (engine.weight_line), as a dict."""
    for line in reversed(reasons or []):
        m = _WEIGHTS.match(line)
        if m:
            fields = {name.strip(): float(v) for name, v in _PART.findall(m.group(3))}
            return {"log_odds": float(m.group(1)), "prior": float(m.group(2)), "fields": fields,
                    "rivals": float(m.group(4))}
    return None


def _row(r: Link, accounts: dict) -> dict:
    def ref(aid):
        acc = accounts.get((r.platform, aid))
        return {"platform": r.platform, "id": aid, "handle": acc.handle if acc else None}

    return {"successor": ref(r.successor_id), "predecessor": ref(r.predecessor_id),
            "confidence": float(r.confidence), "rank": int(r.rank), "state": r.state,
            "reasons": list(r.reasons or []), "weights": parse_weights(r.reasons)}


def _accounts(db, rows) -> dict:
    out = {}
    keys = {(r.platform, a) for r in rows for a in (r.successor_id, r.predecessor_id)}
    by_platform: dict[str, list[str]] = {}
    for p, a in keys:
        by_platform.setdefault(p, []).append(a)
    for p, ids in by_platform.items():
        for lo in range(0, len(ids), 500):
            for acc in db.scalars(select(Account).where(Account.platform == p,
                                                        Account.account_id.in_(ids[lo: lo + 500]))):
                out[(p, acc.account_id)] = acc
    return out


def review_queue(store: Store, *, suggest: float | None = None, auto: float | None = None) -> list[dict]:
    """Undecided best-candidate links with suggest <= confidence < auto, most confident first."""
    s_default, a_default = thresholds()
    lo = s_default if suggest is None else suggest
    hi = a_default if auto is None else auto
    with store.session() as db:
        rows = db.scalars(select(Link).where(Link.state == "proposed", Link.rank == 1, Link.confidence >= lo,
                                             Link.confidence < hi)
                          .order_by(Link.confidence.desc(), Link.platform, Link.successor_id)).all()
        accounts = _accounts(db, rows)
        return [_row(r, accounts) for r in rows]


def explain_link(store: Store, platform: str, successor: str, predecessor: str | None = None) -> list[dict]:
    """The stored candidates of a successor (or one pair), best first, each with its
    reasons and field weights."""
    with store.session() as db:
        cond = [Link.platform == platform, Link.successor_id == successor]
        if predecessor is not None:
            cond.append(Link.predecessor_id == predecessor)
        rows = db.scalars(select(Link).where(*cond).order_by(Link.rank)).all()
        if not rows:
            raise InputError(f"no link stored for {platform}:{successor}"
                             + (f" -> {predecessor}" if predecessor else "") + "; run `hydrawatch link` first")
        accounts = _accounts(db, rows)
        return [_row(r, accounts) for r in rows]


def decide_link(store: Store, platform: str, successor: str, predecessor: str, verdict: str, *,
                actor: str, note: str | None = None) -> dict:
    """Store a reviewer's ``confirm`` or ``reject`` of a link (audited). Confirming a
    successor of a verified predecessor opens its re-entry case."""
    if verdict not in VERDICTS:
        raise InputError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if not actor:
        raise InputError("a decision needs the reviewer's name (actor)")
    from hydrawatch.verification.states import VERIFIED_STATES
    from hydrawatch.linking.cases import open_reentry_case

    with store.session() as db:
        row = db.scalars(select(Link).where(Link.platform == platform, Link.successor_id == successor,
                                            Link.predecessor_id == predecessor)).first()
        if row is None:
            raise InputError(f"no link stored for {platform}:{successor} -> {predecessor}")
        before = row.state
        row.state = VERDICTS[verdict]
        opened = 0
        if verdict == "confirm":
            # a successor replaces one account: its other undecided candidates are not links
            for other in db.scalars(select(Link).where(Link.platform == platform, Link.successor_id == successor,
                                                       Link.predecessor_id != predecessor,
                                                       Link.state == "proposed")):
                other.state = "rejected"
            verified = db.scalar(select(Case.id).where(Case.platform == platform, Case.account_id == predecessor,
                                                       Case.state.in_(VERIFIED_STATES)))
            if verified is not None:
                opened = open_reentry_case(db, platform, successor, predecessor, float(row.confidence),
                                           list(row.reasons or []))
        audit.record(db, actor, f"link.{verdict}", "link", row.id,
                     {"platform": platform, "successor": successor, "predecessor": predecessor,
                      "confidence": float(row.confidence), "from": before, "note": note})
        return {"state": row.state, "cases_opened": opened}
