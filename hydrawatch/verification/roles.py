"""Who may do what (issue 10): one permission table and one check, :func:`require_role`,
called by every state-changing operation of the Python API (not only by the CLI or the
web app), so "verified" cannot be reached around the rule.

An operation is done *by* a principal: a user, named by its unique name (the CLI's
``--by``, the web app's signed-in user), or a :func:`system` principal, which only trusted
code can make (it is a Python object, never parsed from a string). System principals are
allowed only where the table says so: the automated parts of the pipeline (re-entry
nominations, evidence snapshots at case opening, reliability estimates, sending reports).
Everything that makes or unmakes trust (votes, verified imports, known answers, appeal
decisions, organisations and users, publications) needs a person with the role.

A refusal raises :class:`~hydrawatch.errors.PermissionDenied` carrying who tried what;
``Store.session`` writes it to the audit log after the transaction rolls back.

Bootstrap: while the store has no admin, :func:`hydrawatch.verification.people.bootstrap_admin` (CLI:
``hydrawatch admin bootstrap NAME --org ORG``, or ``user add NAME --org ORG --role admin``
without ``--by``) creates the first admin and, if needed, its organisation; once an admin
exists it is refused like any other unauthorised action.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.errors import PermissionDenied

ROLES = ("contributor", "reviewer", "admin")
ANY_USER = ROLES
REVIEWERS = ("reviewer", "admin")
ADMINS = ("admin",)
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Permission:
    roles: tuple[str, ...]
    system: bool  # may a system principal (automated pipeline code) do it?
    what: str  # for messages


PERMISSIONS: dict[str, Permission] = {
    "nominate": Permission(ANY_USER, True, "nominating an account"),
    "evidence.capture": Permission(ANY_USER, True, "capturing evidence"),
    "review.vote": Permission(REVIEWERS, False, "voting on a case"),
    "case.known_answer": Permission(ADMINS, False, "setting a known answer"),
    "appeal.decide": Permission(ADMINS, False, "deciding an appeal"),
    "list.import": Permission(ANY_USER, False, "importing a list"),
    "list.import_verified": Permission(ADMINS, False, "importing a list as already verified"),
    "org.add": Permission(ADMINS, False, "creating an organisation"),
    "user.add": Permission(ADMINS, False, "adding a user"),
    "user.manage": Permission(ADMINS, False, "changing a user"),
    "reliability.update": Permission(ADMINS, True, "re-estimating reviewer reliability"),
    "report.prepare": Permission(REVIEWERS, True, "preparing a report"),
    "report.send": Permission(REVIEWERS, True, "sending a report"),
    "track": Permission(REVIEWERS, True, "checking account status"),
    "publish": Permission(ADMINS, False, "publishing a list"),
    "case.claim": Permission(REVIEWERS, False, "claiming a case for review"),
    "org.media": Permission(ADMINS, False, "changing an organisation's media default"),
}


@dataclass(frozen=True)
class Principal:
    """Who acts. ``role`` is a user's role or ``system``."""

    name: str
    role: str
    user_id: int | None = None
    org_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM_ROLE

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def system(name: str = "system") -> Principal:
    """A principal for automated pipeline code (never built from user input)."""
    return Principal(name, SYSTEM_ROLE)


def _denied(name: str, action: str, message: str, object_type, object_id) -> PermissionDenied:
    return PermissionDenied(message, actor=name, action=action, object_type=object_type,
                            object_id=object_id)


def principal(db: Session, who, *, action: str = "act", object_type: str | None = None,
              object_id: object = None) -> Principal:
    """``who`` (a Principal, a User row or a user name) as a Principal. An unknown or
    deactivated user is a refusal (audited), not a lookup error."""
    from hydrawatch.store.schema import User

    if isinstance(who, Principal):
        return who
    if isinstance(who, User):
        user = who
        name = user.name
    else:
        name = str(who or "").strip()
        if not name:
            raise _denied("unknown", action, f"{PERMISSIONS[action].what if action in PERMISSIONS else action} "
                          "needs a user (--by NAME)", object_type, object_id)
        user = db.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise _denied(name, action, f"no user named {name!r} (an admin adds users with "
                          "`hydrawatch user add`)", object_type, object_id)
    if not user.active:
        raise _denied(name, action, f"user {name!r} is deactivated", object_type, object_id)
    return Principal(user.name, user.role, user.id, user.org_id)


def require_role(db: Session, who, action: str, *, object_type: str | None = None,
                 object_id: object = None) -> Principal:
    """The acting principal if it may do ``action`` (a key of PERMISSIONS), else
    PermissionDenied (audited after the rollback, even if a caller catches it)."""
    try:
        return _require(db, who, action, object_type, object_id)
    except PermissionDenied as exc:
        note_refusal(db, exc)
        raise


def note_refusal(db: Session, exc: PermissionDenied) -> None:
    """Have ``Store.session`` audit ``exc`` when the transaction ends, however it ends."""
    refused = db.info.setdefault("refused", [])
    if not any(e is exc for e in refused):
        refused.append(exc)


def _require(db: Session, who, action: str, object_type, object_id) -> Principal:
    perm = PERMISSIONS[action]
    p = principal(db, who, action=action, object_type=object_type, object_id=object_id)
    if p.is_system:
        if perm.system:
            return p
        raise _denied(p.name, action, f"{perm.what} needs a person with the role "
                      f"{' or '.join(perm.roles)}; automated actors may not", object_type,
                      object_id)
    if p.role not in perm.roles:
        raise _denied(p.name, action, f"user {p.name!r} is a {p.role}; {perm.what} needs the "
                      f"role {' or '.join(perm.roles)}", object_type, object_id)
    return p


def refuse(who: Principal | str, action: str, message: str, *, object_type: str | None = None,
           object_id: object = None) -> PermissionDenied:
    """A PermissionDenied for a rule (not role) refusal, e.g. self-review: ``raise refuse(...)``."""
    name = who.name if isinstance(who, Principal) else str(who)
    return _denied(name, action, message, object_type, object_id)


def require_member(p: Principal, org_id: int | None, action: str, org_name: str, *,
                   object_type: str | None = None, object_id: object = None) -> None:
    """Non-admins act only for their own organisation."""
    if p.is_system or p.is_admin or org_id is None or p.org_id == org_id:
        return
    raise _denied(p.name, action, f"user {p.name!r} may not act for organisation "
                  f"{org_name!r} (not a member)", object_type, object_id)
