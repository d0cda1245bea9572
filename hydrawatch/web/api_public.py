"""Public JSON API (no sign-in): the published list, the transparency report, appeals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hydrawatch.verification.appeals import submit_appeal
from hydrawatch.web.inputs import AppealIn
from hydrawatch.web.public import published, transparency
from hydrawatch.web.security import rate_limit

router = APIRouter(prefix="/api/public", tags=["public"])


@router.get("/list")
def public_list(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> list[dict]:
    """Listed accounts; ``q`` searches handles and ids. No reviewer or nominator names."""
    return published(request.app.state.store, q)


@router.get("/report")
def report(request: Request) -> dict:
    return transparency(request.app.state.store)


@router.post("/appeals", status_code=201, dependencies=[Depends(rate_limit("appeal"))])
def appeal(request: Request, body: AppealIn) -> dict:
    """File an appeal about a listed account. The answer never echoes the contact."""
    res = submit_appeal(request.app.state.store, body.account.strip(), contact=body.contact,
                        text=body.text)
    return {"id": res["id"], "state": res["state"]}
