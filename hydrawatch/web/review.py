"""Review pages: the queue (filters, "next case" with an expiring claim), the case page
(account history, evidence with media blurred/greyscale, score reasons, re-entry links,
comments, the blind vote form) and the reviewer's media settings."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from hydrawatch.verification.views import case_view
from hydrawatch.verification.rules import load_rule
from hydrawatch.verification.review import cast_vote
from hydrawatch.verification import claims, comments, media_prefs
from hydrawatch.verification.case_context import account_history, reentry_links
from hydrawatch.web.auth import ANY_ROLE, REVIEWERS, SessionUser, page_user
from hydrawatch.web.security import check_form_csrf
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
csrf = [Depends(check_form_csrf)]
MAX_SKIPPED = 200


def queue_filters(platform: str = "", lang: str = "", category: str = "", state: str = "") -> dict:
    return {k: v.strip() for k, v in (("platform", platform), ("lang", lang),
                                      ("category", category), ("state", state)) if v.strip()}


@router.get("/review")
def queue_page(request: Request, filters: dict = Depends(queue_filters),
               user: SessionUser = Depends(page_user(*ANY_ROLE))):
    store = request.app.state.store
    rows = claims.queue(store, user.name, filters=filters)
    return render(request, "queue.html", rows=rows, filters=filters,
                  categories=load_rule().categories, message=request.query_params.get("msg"))


@router.post("/review/next", dependencies=csrf)
def next_case(request: Request, platform: str = Form(""), lang: str = Form(""),
              category: str = Form(""), user: SessionUser = Depends(page_user(*REVIEWERS))):
    skipped = request.session.get("skipped", [])
    case_id = claims.claim_next(request.app.state.store, user.name,
                                filters=queue_filters(platform, lang, category), exclude=skipped)
    if case_id is None:
        return RedirectResponse("/review?msg=nothing+left+to+review", status_code=303)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _evidence_items(view: dict) -> list[dict]:
    """Evidence newest-last, each with the parts a template shows (all text escaped there)."""
    out = []
    for ev in view["evidence"]:
        content = ev.get("content") or {}
        out.append({**ev, "post": content if ev["kind"] == "post" else None,
                    "account": content if ev["kind"] == "account" else None,
                    "link": content if ev["kind"] == "link" else None})
    return out


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, reveal: list[int] = Query(default=[]),
              user: SessionUser = Depends(page_user(*ANY_ROLE))):
    store = request.app.state.store
    view = case_view(store, case_id, viewer=user.name, with_content=True)
    return render(request, "case.html", case=view, evidence=_evidence_items(view),
                  history=account_history(store, view["platform"], view["account_id"]),
                  links=reentry_links(store, view["platform"], view["account_id"]),
                  comments=comments.list_comments(store, case_id),
                  claim=claims.claim_of(store, case_id),
                  media=media_prefs.media_settings(store, user.name), revealed=set(reveal),
                  categories=load_rule().categories, message=request.query_params.get("msg"))


@router.post("/cases/{case_id}/vote", dependencies=csrf)
async def vote(request: Request, case_id: int, user: SessionUser = Depends(page_user(*REVIEWERS))):
    form = await request.form()
    store = request.app.state.store
    evidence_ids = [v for v in form.getlist("evidence") if str(v).isdigit()]
    result = cast_vote(store, case_id, by_user=user.name, verdict=str(form.get("verdict", "")),
                       category=str(form.get("category") or "") or None,
                       evidence_ids=[int(v) for v in evidence_ids],
                       note=str(form.get("note") or "").strip() or None)
    claims.release(store, case_id, user.name)
    return RedirectResponse(f"/cases/{case_id}?msg=vote+recorded:+case+{result.state}",
                            status_code=303)


@router.post("/cases/{case_id}/skip", dependencies=csrf)
def skip(request: Request, case_id: int, user: SessionUser = Depends(page_user(*REVIEWERS))):
    claims.release(request.app.state.store, case_id, user.name)
    skipped = [c for c in request.session.get("skipped", []) if c != case_id][-MAX_SKIPPED:]
    request.session["skipped"] = skipped + [case_id]
    return RedirectResponse("/review", status_code=303)


@router.post("/cases/{case_id}/comments", dependencies=csrf)
def comment(request: Request, case_id: int, text: str = Form(""),
            user: SessionUser = Depends(page_user(*ANY_ROLE))):
    comments.add_comment(request.app.state.store, case_id, by_user=user.name, text=text)
    return RedirectResponse(f"/cases/{case_id}#comments", status_code=303)


def _tristate(value: str) -> bool | None:
    return {"on": True, "off": False}.get(value)


@router.get("/settings")
def settings_page(request: Request, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    return render(request, "settings.html",
                  media=media_prefs.media_settings(request.app.state.store, user.name))


@router.post("/settings/media", dependencies=csrf)
def set_media(request: Request, blur: str = Form("org"), greyscale: str = Form("org"),
              user: SessionUser = Depends(page_user(*ANY_ROLE))):
    media_prefs.set_user_media(request.app.state.store, user.name, blur=_tristate(blur),
                               greyscale=_tristate(greyscale))
    return RedirectResponse("/settings", status_code=303)
