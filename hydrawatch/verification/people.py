"""Organisations and users (DESIGN.md, "Data model" and "Security").

Passwords are hashed with Argon2 (argon2-cffi); a hash never leaves this module in any
listing. Roles: ``contributor`` (nominates), ``reviewer`` (also votes), ``admin`` (also
decides appeals, sees reliability and every vote, creates organisations and users).
Only admins create organisations and users; the first admin comes from
:func:`bootstrap_admin`, allowed only while the store has no admin (see
``hydrawatch.verification.roles``). Failed sign-ins are audited.
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
from hydrawatch.verification.roles import ROLES, Principal, refuse
from hydrawatch.verification.roles import require_role as require

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


def _insert_org(db: Session, name: str, actor: str) -> Organization:
    if db.scalars(select(Organization).where(Organization.name == name)).first():
        raise InputError(f"organisation {name!r} already exists")
    org = Organization(name=name, created_at=utcnow())
    db.add(org)
    db.flush()
    audit.record(db, actor, "org.add", "organization", org.id, {"name": name})
    return org


def add_org(db_or_store, name: str, *, by_user: str | Principal) -> Organization:
    """Create an organisation (admins only); an existing name is an error."""
    name = _clean_name(name, "organisation")
    with transaction(db_or_store) as db:
        who = require(db, by_user, "org.add", object_type="organization", object_id=name)
        return _insert_org(db, name, who.name)


def ensure_org(db: Session, name: str, *, by_user: str | Principal) -> Organization:
    """The organisation called ``name``, created if missing (admins only)."""
    org = db.scalars(select(Organization).where(Organization.name == name)).first()
    return org if org is not None else add_org(db, name, by_user=by_user)


def get_user(db: Session, name: str) -> User:
    user = db.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(f"no user named {name!r} (add one with `hydrawatch user add`)")
    if not user.active:
        raise PermissionDenied(f"user {name!r} is deactivated")
    return user


def _check_user_args(name: str, role: str, password: str | None) -> str:
    name = _clean_name(name, "user")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if password is not None and len(password) < 8:
        raise InputError("password must be at least 8 characters")
    return name


def _insert_user(db: Session, name: str, org: Organization, role: str, password: str | None,
                 actor: str, action: str = "user.add") -> User:
    if db.scalars(select(User).where(User.name == name)).first():
        raise InputError(f"user {name!r} already exists")
    user = User(name=name, org_id=org.id, role=role, active=True,
                password_hash=_hasher.hash(password) if password else None, created_at=utcnow())
    db.add(user)
    db.flush()
    audit.record(db, actor, action, "user", user.id,
                 {"name": name, "org": org.name, "role": role})
    return user


def add_user(db_or_store, name: str, *, org: str, role: str, by_user: str | Principal,
             password: str | None = None) -> User:
    """Create a user in organisation ``org`` with ``role`` (admins only); ``password`` is
    stored only as an Argon2 hash (None: the user cannot log in to the web app, but can act
    through the CLI)."""
    name = _check_user_args(name, role, password)
    with transaction(db_or_store) as db:
        who = require(db, by_user, "user.add", object_type="user", object_id=name)
        return _insert_user(db, name, get_org(db, org), role, password, who.name)


def has_admin(db: Session) -> bool:
    return db.scalar(select(User.id).where(User.role == "admin", User.active.is_(True))
                     .limit(1)) is not None


def bootstrap_admin(db_or_store, name: str, *, org: str, password: str | None = None) -> User:
    """Create the first admin (and its organisation if missing). Allowed only while the
    store has no active admin; afterwards it is a refused action like any other."""
    name = _check_user_args(name, "admin", password)
    org = _clean_name(org, "organisation")
    with transaction(db_or_store) as db:
        if db.get_bind().dialect.name == "postgresql":  # two bootstraps at once: one wins
            from sqlalchemy import text

            db.execute(text("SELECT pg_advisory_xact_lock(727275)"))
        if has_admin(db):
            raise refuse(name, "admin.bootstrap", "the store already has an admin; an admin "
                         "adds users with `hydrawatch user add ... --by ADMIN`",
                         object_type="user", object_id=name)
        organisation = db.scalars(select(Organization).where(Organization.name == org)).first()
        if organisation is None:
            organisation = _insert_org(db, org, name)
        return _insert_user(db, name, organisation, "admin", password, name,
                            action="admin.bootstrap")


def check_password(db_or_store, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (also for unknown or inactive users).
    A failed sign-in is audited (the name tried, never the password)."""
    with transaction(db_or_store) as db:
        user = db.scalars(select(User).where(User.name == name)).first()
        why = None
        if user is None or not user.active or not user.password_hash:
            _hasher.hash("timing-equaliser")  # do not reveal which names exist
            why = "unknown or inactive user, or no password set"
        else:
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                why = "bad password"
        if why is not None:
            audit.record(db, (name or "")[:120] or "unknown", "auth.failed", "user",
                         user.id if user else None, {"reason": why})
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return user


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
        require(db, by_user, "user.manage", object_type="user", object_id=name)
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
