"""Hydra families: the chain of accounts linked by re-entry, as a timeline."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from hydrawatch.errors import InputError
from hydrawatch.timeutil import parse_time
from hydrawatch.verification.case_context import family
from hydrawatch.web.auth import ANY_ROLE, SessionUser, page_user
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
LEFT, WIDTH = 170, 560


def split_ref(ref: str) -> tuple[str, str]:
    platform, sep, account_id = (ref or "").partition(":")
    if not sep or not platform or not account_id:
        raise InputError("a family is named PLATFORM:ACCOUNT_ID")
    return platform.lower(), account_id


def timeline(accounts: list[dict]) -> dict:
    """Bar geometry: each account from its creation (or first sighting) to its last sighting
    or status change, on one shared time axis."""
    spans = []
    for a in accounts:
        start = parse_time(a["created_at"] or a["first_seen"])
        end = parse_time(a["status_at"] or a["last_seen"]) or start
        spans.append((start, max(end, start) if start and end else end))
    times = [t for s in spans for t in s if t]
    if not times:
        return {"rows": [], "width": LEFT + WIDTH + 20}
    lo, hi = min(times), max(times)
    total = max((hi - lo).total_seconds(), 1.0)
    rows = []
    for i, (a, (s, e)) in enumerate(zip(accounts, spans)):
        x0 = LEFT + WIDTH * ((s - lo).total_seconds() / total) if s else LEFT
        x1 = LEFT + WIDTH * ((e - lo).total_seconds() / total) if e else x0
        rows.append({"y": 10 + i * 30, "x": round(x0, 1), "w": round(max(x1 - x0, 4), 1),
                     "account": a, "removed": a["status"] in ("suspended", "not_found",
                                                              "deactivated", "takendown")})
    return {"rows": rows, "width": LEFT + WIDTH + 20, "height": 20 + 30 * len(rows),
            "start": lo.date().isoformat(), "end": hi.date().isoformat()}


@router.get("/families/{ref}")
def family_page(request: Request, ref: str, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    platform, account_id = split_ref(ref)
    fam = family(request.app.state.store, platform, account_id)
    return render(request, "family.html", family=fam, focus=account_id,
                  timeline=timeline(fam["accounts"]))
