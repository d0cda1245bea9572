"""JSON API for reviewers and members: sign-in token, queue, claims, cases, votes,
comments, families, lists and the dashboard. Same roles as the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.exceptions import HTTPException

from hydrawatch.verification.views import case_view
from hydrawatch.verification.lists import list_lists, list_rows
from hydrawatch.verification.review import cast_vote
from hydrawatch.verification import claims, comments, media_prefs
from hydrawatch.verification.case_context import account_history, family, reentry_links
from hydrawatch.web.auth import ANY_ROLE, REVIEWERS, SessionUser, api_user, authenticate, issue_token, TOKEN_AGE
from hydrawatch.web.dashboard import dashboard_data
from hydrawatch.web.families import split_ref
from hydrawatch.web.inputs import CommentIn, Credentials, MediaIn, NextIn, VoteIn, short
from hydrawatch.web.lists import import_upload
from hydrawatch.web.security import rate_limit

router = APIRouter(prefix="/api", tags=["review"])
member = api_user(*ANY_ROLE)
reviewer = api_user(*REVIEWERS)
CaseId = Annotated[int, Path(ge=1, le=2**62)]
Filter = Annotated[str, Query(max_length=64)]


@router.post("/session", dependencies=[Depends(rate_limit("login"))], tags=["auth"])
def create_session(request: Request, body: Credentials) -> dict:
    """Exchange a user name and password for a bearer token (valid 12 hours)."""
    user = authenticate(request, body.name, body.password)
    if user is None:
        raise HTTPException(401, "wrong name or password")
    return {"token": issue_token(request, user), "token_type": "bearer", "expires_in": TOKEN_AGE,
            "user": {"name": user.name, "role": user.role, "org": user.org}}


@router.get("/me", tags=["auth"])
def me(user: SessionUser = Depends(member)) -> dict:
    return {"name": user.name, "role": user.role, "org": user.org}


@router.get("/queue")
def get_queue(request: Request, platform: Filter = "", lang: Filter = "", category: Filter = "",
              state: Filter = "", user: SessionUser = Depends(member)) -> list[dict]:
    from hydrawatch.web.review import queue_filters

    return claims.queue(request.app.state.store, user.name,
                        filters=queue_filters(platform, lang, category, state))


@router.post("/queue/next")
def claim_next(request: Request, body: NextIn | None = None,
               user: SessionUser = Depends(reviewer)) -> dict:
    """Claim the next case for the caller (null when nothing is left)."""
    body = body or NextIn()
    filters = {k: v for k, v in body.model_dump().items() if v}
    case_id = claims.claim_next(request.app.state.store, user.name, filters=filters)
    return {"case_id": case_id,
            "claim": claims.claim_of(request.app.state.store, case_id) if case_id else None}


@router.post("/cases/{case_id}/release")
def release(request: Request, case_id: CaseId, user: SessionUser = Depends(reviewer)) -> dict:
    return {"released": claims.release(request.app.state.store, case_id, user.name)}


@router.get("/cases/{case_id}")
def get_case(request: Request, case_id: CaseId, user: SessionUser = Depends(member)) -> dict:
    """The case as the caller may see it (votes hidden until the caller has voted)."""
    store = request.app.state.store
    view = case_view(store, case_id, viewer=user.name, with_content=True)
    view["history"] = account_history(store, view["platform"], view["account_id"])
    view["reentry"] = reentry_links(store, view["platform"], view["account_id"])
    view["claim"] = claims.claim_of(store, case_id)
    return view


@router.post("/cases/{case_id}/votes")
def vote(request: Request, case_id: CaseId, body: VoteIn, user: SessionUser = Depends(reviewer)) -> dict:
    store = request.app.state.store
    res = cast_vote(store, case_id, by_user=user.name, verdict=body.verdict, category=body.category,
                    evidence_ids=body.evidence_ids, note=body.note)
    claims.release(store, case_id, user.name)
    return {"review_id": res.review_id, "case_id": res.case_id, "state": res.state,
            "changed": res.changed, "reason": res.reason}


@router.get("/cases/{case_id}/comments")
def get_comments(request: Request, case_id: CaseId, user: SessionUser = Depends(member)) -> list[dict]:
    case_view(request.app.state.store, case_id, viewer=user.name)  # 404 for an unknown case
    return comments.list_comments(request.app.state.store, case_id)


@router.post("/cases/{case_id}/comments")
def add_comment(request: Request, case_id: CaseId, body: CommentIn,
                user: SessionUser = Depends(member)) -> dict:
    return comments.add_comment(request.app.state.store, case_id, by_user=user.name, text=body.text)


@router.get("/families/{ref}")
def get_family(request: Request, ref: Annotated[str, Path(max_length=300)],
               user: SessionUser = Depends(member)) -> dict:
    """The hydra family of PLATFORM:ACCOUNT_ID."""
    platform, account_id = split_ref(ref)
    return family(request.app.state.store, platform, account_id)


@router.get("/lists")
def get_lists(request: Request, user: SessionUser = Depends(member)) -> list[dict]:
    return list_lists(request.app.state.store)


@router.get("/lists/{list_id}")
def get_list(request: Request, list_id: CaseId, user: SessionUser = Depends(member)) -> dict:
    return list_rows(request.app.state.store, list_id)


@router.post("/lists")
async def upload_list(request: Request, file: UploadFile = File(...),
                      name: Annotated[str, Form(max_length=255)] = "",
                      user: SessionUser = Depends(member)) -> dict:
    s = await import_upload(request.app.state.store, file, name=short_text(name), org=user.org,
                            actor=user.name)
    return {"list_id": s.list_id, "name": s.name, "org": s.org, "rows": s.rows,
            "resolved": s.resolved, "pending": s.pending,
            "rejected": [{"row": r, "raw": raw, "why": why} for r, raw, why in s.unreadable],
            "already_imported": s.already_imported, "cases_opened": s.cases_opened}


def short_text(value: str) -> str:
    from hydrawatch.web.inputs import storable

    try:
        return storable(value)
    except ValueError as exc:
        raise HTTPException(422, f"name {exc}") from None


@router.get("/dashboard")
def get_dashboard(request: Request, user: SessionUser = Depends(member)) -> dict:
    return dashboard_data(request.app.state.store)


@router.get("/me/media")
def get_media(request: Request, user: SessionUser = Depends(member)) -> dict:
    return media_prefs.media_settings(request.app.state.store, user.name)


@router.put("/me/media")
def put_media(request: Request, body: MediaIn, user: SessionUser = Depends(member)) -> dict:
    return media_prefs.set_user_media(request.app.state.store, user.name, blur=body.blur,
                                      greyscale=body.greyscale)
