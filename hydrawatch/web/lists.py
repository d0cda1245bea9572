"""Group lists: upload a list for your organisation and see its rows resolved, pending or
rejected (unreadable)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from hydrawatch.errors import InputError
from hydrawatch.verification.lists import import_list, list_lists, list_rows
from hydrawatch.web.auth import ANY_ROLE, SessionUser, page_user
from hydrawatch.web.security import check_form_csrf
from hydrawatch.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_LIST_BYTES = 5 * 1024 * 1024


async def import_upload(store, upload: UploadFile, *, name: str, org: str, actor: str):
    """Save the upload to a private temporary file and import it (one transaction)."""
    data = await upload.read(MAX_LIST_BYTES + 1)
    if len(data) > MAX_LIST_BYTES:
        raise InputError(f"a list file may be at most {MAX_LIST_BYTES // (1024 * 1024)} MB")
    name = (name or "").strip() or Path(upload.filename or "list").stem
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(upload.filename or "list.txt").name)[:80]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (safe or "list.txt")
        path.write_bytes(data)
        return import_list(store, path, org=org, name=name[:255], by_user=actor)


@router.get("/lists")
def lists_page(request: Request, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    return render(request, "lists.html", lists=list_lists(request.app.state.store), result=None)


@router.post("/lists", dependencies=[Depends(check_form_csrf)])
async def upload_list(request: Request, file: UploadFile = File(...), name: str = Form(""),
                      user: SessionUser = Depends(page_user(*ANY_ROLE))):
    store = request.app.state.store
    summary = await import_upload(store, file, name=name, org=user.org, actor=user.name)
    return render(request, "lists.html", lists=list_lists(store), result=summary)


@router.get("/lists/{list_id}")
def list_page(request: Request, list_id: int, user: SessionUser = Depends(page_user(*ANY_ROLE))):
    return render(request, "list_rows.html", glist=list_rows(request.app.state.store, list_id))
