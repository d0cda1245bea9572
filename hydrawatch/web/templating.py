"""Jinja2 rendering with autoescape on, shared by every page module."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from hydrawatch.web.security import csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.autoescape = True  # every template, whatever its extension


def short_time(value) -> str:
    """'2026-03-01T12:00:00Z' -> '2026-03-01 12:00' (None -> '')."""
    if not value:
        return ""
    text = str(value).replace("T", " ").rstrip("Z")
    return text[:16]


templates.env.filters["when"] = short_time


def render(request: Request, name: str, *, status_code: int = 200, **context):
    from hydrawatch.web.auth import session_user

    context.setdefault("user", session_user(request))
    context["csrf"] = csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def pdq_cells(hex_hash) -> list[tuple[int, int]]:
    """The set bits of a 256-bit PDQ hash as (x, y) cells of a 16x16 grid: a picture of the
    captured media drawn from its hash, since hydrawatch never fetches the media itself."""
    text = str(hex_hash or "")
    if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
        return []
    bits = bin(int(text, 16))[2:].zfill(256)
    return [(i % 16, i // 16) for i, b in enumerate(bits) if b == "1"]


templates.env.filters["pdq_cells"] = pdq_cells
