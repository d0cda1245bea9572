"""Organisations and users (DESIGN.md, "Data model" and "Security").

Passwords are hashed with Argon2 (argon2-cffi); a hash never leaves this module in any
listing. Roles: ``contributor`` (nominates), ``reviewer`` (also votes), ``admin`` (also
decides appeals, sees reliability and every vote).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.errors import InputError, NotFound, PermissionDenied
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Organization, User
from hydrawatch.timeutil import iso, utcnow

ROLES = ("contributor", "reviewer", "admin")
REVIEW_ROLES = ("reviewer", "admin")
_hasher = PasswordHasher()


def _clean_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise InputError(f"{what} name must be 1 to 255 characters")
    return name


def get_org(db: Session, name: str) -> Organization:
    org = db.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        raise NotFound(f"no organisation named {name!r} (add it with `hydrawatch org add`)")
    return org


def add_org(db_or_store, name: str, *, actor: str = "cli") -> Organization:
    """Create an organisation; an existing name is an error."""
    name = _clean_name(name, "organisation")
    with transaction(db_or_store) as db:
        if db.scalars(select(Organization).where(Organization.name == name)).first():
            raise InputError(f"organisation {name!r} already exists")
        org = Organization(name=name, created_at=utcnow())
        db.add(org)
        db.flush()
        audit.record(db, actor, "org.add", "organization", org.id, {"name": name})
        return org


def ensure_org(db: Session, name: str, *, actor: str = "system") -> Organization:
    """The organisation called ``name``, created if missing (list imports use this)."""
    org = db.scalars(select(Organization).where(Organization.name == name)).first()
    return org if org is not None else add_org(db, name, actor=actor)


def get_user(db: Session, name: str) -> User:
    user = db.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(f"no user named {name!r} (add one with `hydrawatch user add`)")
    if not user.active:
        raise PermissionDenied(f"user {name!r} is deactivated")
    return user


def add_user(db_or_store, name: str, *, org: str, role: str, password: str | None = None,
             actor: str = "cli") -> User:
    """Create a user in organisation ``org`` with ``role``; ``password`` is stored only as an
    Argon2 hash (None: the user cannot log in to the web app, but can act through the CLI)."""
    name = _clean_name(name, "user")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if password is not None and len(password) < 8:
        raise InputError("password must be at least 8 characters")
    with transaction(db_or_store) as db:
        organisation = get_org(db, org)
        if db.scalars(select(User).where(User.name == name)).first():
            raise InputError(f"user {name!r} already exists")
        user = User(name=name, org_id=organisation.id, role=role, active=True,
                    password_hash=_hasher.hash(password) if password else None,
                    created_at=utcnow())
        db.add(user)
        db.flush()
        audit.record(db, actor, "user.add", "user", user.id,
                     {"name": name, "org": organisation.name, "role": role})
        return user


def check_password(db_or_store, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (also for unknown or inactive users)."""
    with transaction(db_or_store) as db:
        user = db.scalars(select(User).where(User.name == name)).first()
        if user is None or not user.active or not user.password_hash:
            _hasher.hash("timing-equaliser")  # do not reveal which names exist
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return user


def require_role(user: User, roles: tuple[str, ...], action: str) -> None:
    if user.role not in roles:
        raise PermissionDenied(f"user {user.name!r} is a {user.role}; {action} needs the role "
                               f"{' or '.join(roles)}")


def list_users(db_or_store, *, with_reliability: bool = False) -> list[dict]:
    """Every user as a dict (never the password hash)."""
    with transaction(db_or_store, readonly=True) as db:
        rows = db.execute(select(User, Organization.name).join(Organization,
                                                               User.org_id == Organization.id)
                          .order_by(User.name)).all()
        out = []
        for user, org_name in rows:
            item = {"name": user.name, "org": org_name, "role": user.role, "active": user.active,
                    "can_login": bool(user.password_hash), "created_at": iso(user.created_at)}
            if with_reliability:
                item["reliability"] = user.reliability
            out.append(item)
        return out


def list_orgs(db_or_store) -> list[dict]:
    """Every organisation with its member count and media display defaults."""
    from sqlalchemy import func

    with transaction(db_or_store) as db:
        members = dict(db.execute(select(User.org_id, func.count()).group_by(User.org_id)).all())
        return [{"id": o.id, "name": o.name, "members": int(members.get(o.id, 0)),
                 "media_blur": bool(o.media_blur), "media_greyscale": bool(o.media_greyscale),
                 "created_at": iso(o.created_at)}
                for o in db.scalars(select(Organization).order_by(Organization.name))]


def set_role(db_or_store, name: str, *, role: str, active: bool = True, by_user: str) -> dict:
    """An admin changes a user's role or (de)activates them. An admin cannot demote or
    deactivate themselves (there must always be someone to undo a mistake)."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    with transaction(db_or_store) as db:
        admin = get_user(db, by_user)
        require_role(admin, ("admin",), "changing roles")
        user = db.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise NotFound(f"no user named {name!r}")
        if user.id == admin.id and (role != "admin" or not active):
            raise PermissionDenied("an admin cannot demote or deactivate themselves")
        old = (user.role, user.active)
        user.role, user.active = role, bool(active)
        db.flush()
        audit.record(db, admin.name, "user.role", "user", user.id,
                     {"name": user.name, "from": {"role": old[0], "active": old[1]},
                      "to": {"role": role, "active": bool(active)}})
        return {"name": user.name, "role": user.role, "active": user.active}


def set_password(db_or_store, name: str, password: str, *, actor: str = "cli") -> None:
    """Replace a user's password (stored only as an Argon2 hash)."""
    if password is None or len(password) < 8:
        raise InputError("password must be at least 8 characters")
    with transaction(db_or_store) as db:
        user = db.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise NotFound(f"no user named {name!r}")
        user.password_hash = _hasher.hash(password)
        audit.record(db, actor, "user.password", "user", user.id, {"name": name})
