"""How evidence media is shown to a reviewer: blurred and/or greyscale. Each organisation
sets a default (both on when created); each user may override either setting, or go back to
the organisation's default with None. Revealing one item is a per-view action of the front
end and changes no setting."""

from __future__ import annotations

from hydrawatch.store import audit
from hydrawatch.verification.people import get_org, get_user
from hydrawatch.verification.roles import require_role
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Organization

SETTINGS = ("media_blur", "media_greyscale")


def media_settings(db_or_store, user_name: str) -> dict:
    """{"blur": bool, "greyscale": bool, "blur_source": "user"|"organisation", ...}"""
    with transaction(db_or_store, readonly=True) as db:
        user = get_user(db, user_name)
        org = db.get(Organization, user.org_id)
        out = {}
        for key, short in (("media_blur", "blur"), ("media_greyscale", "greyscale")):
            mine = getattr(user, key)
            out[short] = bool(getattr(org, key) if mine is None else mine)
            out[f"{short}_source"] = "organisation" if mine is None else "user"
            out[f"org_{short}"] = bool(getattr(org, key))
        return out


def set_user_media(db_or_store, user_name: str, *, blur: bool | None,
                   greyscale: bool | None) -> dict:
    """A user's own override (None: follow the organisation)."""
    with transaction(db_or_store) as db:
        user = get_user(db, user_name)
        user.media_blur, user.media_greyscale = blur, greyscale
        db.flush()
        audit.record(db, user.name, "user.media", "user", user.id,
                     {"blur": blur, "greyscale": greyscale})
        return media_settings(db, user_name)


def set_org_media(db_or_store, org_name: str, *, blur: bool, greyscale: bool,
                  by_user: str) -> None:
    """An organisation's default; admins only."""
    with transaction(db_or_store) as db:
        admin = get_user(db, by_user)
        require_role(db, by_user, "user.manage", object_type="organization", object_id=org_name)
        org = get_org(db, org_name)
        org.media_blur, org.media_greyscale = bool(blur), bool(greyscale)
        db.flush()
        audit.record(db, admin.name, "org.media", "organization", org.id,
                     {"blur": bool(blur), "greyscale": bool(greyscale)})
