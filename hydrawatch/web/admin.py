"""Admin pages: organisations (and their media defaults), users and roles, policy packs,
appeals (the only place appellants' contacts show), the audit log and its verification."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from hydrawatch.store import audit
from hydrawatch.verification.appeals import decide_appeal, list_appeals
from hydrawatch.errors import InputError
from hydrawatch.verification.people import add_org, add_user, list_orgs, list_users, set_role
from hydrawatch.scoring.policy import list_policies, load_policy
from hydrawatch.verification.media_prefs import set_org_media
from hydrawatch.web.auth import ADMINS, SessionUser, page_user
from hydrawatch.web.security import check_form_csrf
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
csrf = [Depends(check_form_csrf)]
admin_only = page_user(*ADMINS)
MAX_POLICY_BYTES = 10 * 1024 * 1024


def _back(section: str, msg: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/{section}?msg={msg.replace(' ', '+')}", status_code=303)


@router.get("/admin")
def people(request: Request, user: SessionUser = Depends(admin_only)):
    store = request.app.state.store
    return render(request, "admin_people.html", orgs=list_orgs(store),
                  users=list_users(store, with_reliability=True), tab="people",
                  message=request.query_params.get("msg"))


@router.get("/admin/people")
def people_alias(request: Request, user: SessionUser = Depends(admin_only)):
    return people(request, user)


@router.post("/admin/orgs", dependencies=csrf)
def new_org(request: Request, name: str = Form(""), user: SessionUser = Depends(admin_only)):
    add_org(request.app.state.store, name, by_user=user.name)
    return _back("people", "organisation added")


@router.post("/admin/orgs/media", dependencies=csrf)
def org_media(request: Request, org: str = Form(""), blur: str = Form(""), greyscale: str = Form(""),
              user: SessionUser = Depends(admin_only)):
    set_org_media(request.app.state.store, org, blur=blur == "on", greyscale=greyscale == "on",
                  by_user=user.name)
    return _back("people", "media default saved")


@router.post("/admin/users", dependencies=csrf)
def new_user(request: Request, name: str = Form(""), org: str = Form(""), role: str = Form(""),
             password: str = Form(""), user: SessionUser = Depends(admin_only)):
    add_user(request.app.state.store, name, org=org, role=role, password=password or None,
             by_user=user.name)
    return _back("people", "user added")


@router.post("/admin/users/role", dependencies=csrf)
def change_role(request: Request, name: str = Form(""), role: str = Form(""), active: str = Form(""),
                user: SessionUser = Depends(admin_only)):
    set_role(request.app.state.store, name, role=role, active=active == "on", by_user=user.name)
    return _back("people", "user updated")


@router.get("/admin/policies")
def policies(request: Request, user: SessionUser = Depends(admin_only)):
    return render(request, "admin_policies.html", packs=list_policies(request.app.state.store),
                  tab="policies", message=request.query_params.get("msg"))


@router.post("/admin/policies", dependencies=csrf)
async def upload_policy(request: Request, file: UploadFile = File(...),
                        user: SessionUser = Depends(admin_only)):
    data = await file.read(MAX_POLICY_BYTES + 1)
    if len(data) > MAX_POLICY_BYTES:
        raise InputError("a policy pack may be at most 10 MB")
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise InputError("a policy pack is a .json, .yaml or .yml file")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(file.filename or "pack").stem)[:60] or "pack"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{safe}{suffix}"
        path.write_bytes(data)
        pack = load_policy(request.app.state.store, path, actor=user.name)
    return _back("policies", f"policy pack {pack.name} loaded")


@router.get("/admin/appeals")
def appeals(request: Request, state: str = "", user: SessionUser = Depends(admin_only)):
    rows = list_appeals(request.app.state.store, state=state or None)
    return render(request, "admin_appeals.html", appeals=rows, state=state, tab="appeals",
                  message=request.query_params.get("msg"))


@router.post("/admin/appeals/{appeal_id}", dependencies=csrf)
def decide(request: Request, appeal_id: int, decision: str = Form(""), note: str = Form(""),
           user: SessionUser = Depends(admin_only)):
    res = decide_appeal(request.app.state.store, appeal_id, by_user=user.name, decision=decision,
                        note=note)
    return _back("appeals", f"appeal {res['id']} {res['state']}")


@router.get("/admin/audit")
def audit_log(request: Request, limit: int = 100, user: SessionUser = Depends(admin_only)):
    limit = min(max(limit, 1), 1000)
    with request.app.state.store.session(readonly=True) as db:
        entries = audit.recent(db, limit)
    return render(request, "admin_audit.html", entries=entries, check=None, tab="audit")


@router.post("/admin/audit/verify", dependencies=csrf)
def audit_verify(request: Request, user: SessionUser = Depends(admin_only)):
    with request.app.state.store.session(readonly=True) as db:
        check = audit.verify_chain(db)
        entries = audit.recent(db, 100)
    return render(request, "admin_audit.html", entries=entries, check=check, tab="audit")
