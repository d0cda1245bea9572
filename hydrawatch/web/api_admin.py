"""JSON API for admins: organisations, users and roles, policy packs, appeals (with
contacts), the audit log and its verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from hydrawatch.store import audit
from hydrawatch.verification.appeals import decide_appeal, list_appeals
from hydrawatch.verification.people import add_org, add_user, list_orgs, list_users, set_role
from hydrawatch.scoring.policy import list_policies
from hydrawatch.verification.media_prefs import set_org_media
from hydrawatch.web.auth import ADMINS, SessionUser, api_user
from hydrawatch.web.inputs import DecisionIn, OrgIn, OrgMediaIn, RoleIn, UserIn

router = APIRouter(prefix="/api/admin", tags=["admin"])
admin = api_user(*ADMINS)
Id = Annotated[int, Path(ge=1, le=2**62)]
NameP = Annotated[str, Path(min_length=1, max_length=255)]


@router.get("/orgs")
def orgs(request: Request, user: SessionUser = Depends(admin)) -> list[dict]:
    return list_orgs(request.app.state.store)


@router.post("/orgs", status_code=201)
def new_org(request: Request, body: OrgIn, user: SessionUser = Depends(admin)) -> dict:
    org = add_org(request.app.state.store, body.name, by_user=user.name)
    return {"id": org.id, "name": org.name}


@router.put("/orgs/{name}/media")
def org_media(request: Request, name: NameP, body: OrgMediaIn, user: SessionUser = Depends(admin)) -> dict:
    set_org_media(request.app.state.store, name, blur=body.blur, greyscale=body.greyscale,
                  by_user=user.name)
    return {"name": name, "media_blur": body.blur, "media_greyscale": body.greyscale}


@router.get("/users")
def users(request: Request, user: SessionUser = Depends(admin)) -> list[dict]:
    return list_users(request.app.state.store, with_reliability=True)


@router.post("/users", status_code=201)
def new_user(request: Request, body: UserIn, user: SessionUser = Depends(admin)) -> dict:
    u = add_user(request.app.state.store, body.name, org=body.org, role=body.role,
                 password=body.password, by_user=user.name)
    return {"name": u.name, "role": u.role}


@router.put("/users/{name}/role")
def user_role(request: Request, name: NameP, body: RoleIn, user: SessionUser = Depends(admin)) -> dict:
    return set_role(request.app.state.store, name, role=body.role, active=body.active,
                    by_user=user.name)


@router.get("/policies")
def policies(request: Request, user: SessionUser = Depends(admin)) -> list[dict]:
    return [p.to_dict() for p in list_policies(request.app.state.store)]


@router.get("/appeals")
def appeals(request: Request, state: Annotated[str, Query(pattern="^(|open|upheld|delisted)$")] = "",
            user: SessionUser = Depends(admin)) -> list[dict]:
    return list_appeals(request.app.state.store, state=state or None)


@router.post("/appeals/{appeal_id}/decision")
def decide(request: Request, appeal_id: Id, body: DecisionIn, user: SessionUser = Depends(admin)) -> dict:
    return decide_appeal(request.app.state.store, appeal_id, by_user=user.name,
                         decision=body.decision, note=body.note)


@router.get("/audit")
def audit_log(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
              user: SessionUser = Depends(admin)) -> list[dict]:
    with request.app.state.store.session(readonly=True) as db:
        return audit.recent(db, limit)


@router.get("/audit/verify")
def audit_verify(request: Request, user: SessionUser = Depends(admin)) -> dict:
    with request.app.state.store.session(readonly=True) as db:
        return asdict(audit.verify_chain(db))
