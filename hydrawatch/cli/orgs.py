"""`hydrawatch admin bootstrap`, `org ...`, `user ...` and `reviewers`."""

from __future__ import annotations

import sys

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import store_for
from hydrawatch.cli.output import console, emit, safe
from hydrawatch.errors import InputError

org_app = typer.Typer(help="Organisations taking part (admins add them).")
user_app = typer.Typer(help="Users: contributors, reviewers, admins (admins add them).")
admin_app = typer.Typer(help="The first admin of a new store.")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(admin_app, name="admin")
ByAdmin = typer.Option(None, "--by", help="The admin doing this.")


def _password(password_stdin: bool) -> str | None:
    if not password_stdin:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin given but stdin held no password")
    return password


@admin_app.command("bootstrap")
def admin_bootstrap(name: str = typer.Argument(..., help="The first admin's user name."),
                    org: str = typer.Option(..., "--org", help="Its organisation (created if missing)."),
                    password_stdin: bool = typer.Option(False, "--password-stdin",
                                                        help="Read a password (web login) from the first line of stdin."),
                    db: str = DbOption) -> None:
    """Create the first admin; refused (and audited) once the store has an admin."""
    from hydrawatch.verification import people as orgs

    user = orgs.bootstrap_admin(store_for(db), name, org=org, password=_password(password_stdin))
    console().print(f"admin {safe(user.name)} created (id {user.id}); add organisations and "
                    f"users with --by {safe(user.name)}")

@org_app.command("add")
def org_add(name: str = typer.Argument(..., help="Organisation name."),
            by: str = typer.Option(..., "--by", help="The admin adding it."),
            exist_ok: bool = typer.Option(False, "--exist-ok",
                                          help="An organisation of that name already there is "
                                               "fine (scripts that run twice)."),
            db: str = DbOption) -> None:
    """Add an organisation (admins only)."""
    from hydrawatch.verification import people as orgs

    store = store_for(db)
    if exist_ok:
        known = {o["name"]: o for o in orgs.list_orgs(store)}
        if name.strip() in known:
            console().print(f"organisation {safe(name.strip())} already exists "
                            f"(id {known[name.strip()]['id']})")
            return
    org = orgs.add_org(store, name, by_user=by)
    console().print(f"organisation {safe(org.name)} added (id {org.id})")


@org_app.command("list")
def org_list(fmt: Format = FormatOption, db: str = DbOption) -> None:
    """List the organisations with their member counts."""
    from hydrawatch.verification import people as orgs

    rows = orgs.list_orgs(store_for(db))
    emit(fmt, rows, {k: (lambda r, k=k: r.get(k))
                     for k in ("id", "name", "members", "media_blur", "media_greyscale", "created_at")})


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="User name."),
             org: str = typer.Option(..., "--org", help="The user's organisation."),
             role: str = typer.Option(..., "--role", help="contributor, reviewer or admin."),
             password_stdin: bool = typer.Option(False, "--password-stdin",
                                                 help="Read a password (web login) from the first line of stdin."),
             exist_ok: bool = typer.Option(False, "--exist-ok",
                                           help="A user of that name already in that organisation "
                                                "with that role is fine (scripts that run twice)."),
             by: str = ByAdmin, db: str = DbOption) -> None:
    """Add a user to an organisation (admins only, --by ADMIN; passwords are stored as
    Argon2 hashes only). Without --by, only the first admin of a new store can be added."""
    from hydrawatch.verification import people as orgs

    if exist_ok:
        same = [u for u in orgs.list_users(store_for(db))
                if u["name"] == name.strip() and u["org"] == org.strip() and u["role"] == role]
        if same:
            console().print(f"user {safe(name.strip())} already exists ({safe(role)} of {safe(org.strip())})")
            return
    password = _password(password_stdin)
    if by is None:
        if role != "admin":
            raise InputError("an admin adds users: give --by ADMIN (a new store's first admin "
                             "is added with --role admin and no --by)")
        user = orgs.bootstrap_admin(store_for(db), name, org=org, password=password)
    else:
        user = orgs.add_user(store_for(db), name, org=org, role=role, password=password,
                             by_user=by)
    console().print(f"user {safe(user.name)} added as {user.role} (id {user.id})")


def _print_users(rows: list[dict], fmt: Format, reliability_col: bool) -> None:
    cols = ["name", "org", "role", "active", "can_login"] + (["reliability"] if reliability_col else [])
    emit(fmt, rows, {c: (lambda r, c=c: r.get(c)) for c in cols})


@user_app.command("list")
def user_list(fmt: Format = FormatOption,
              with_reliability: bool = typer.Option(False, "--reliability",
                                                    help="Show each reviewer's estimated reliability (admins' view)."),
              db: str = DbOption) -> None:
    """List users (never their password hashes)."""
    from hydrawatch.verification import people as orgs

    _print_users(orgs.list_users(store_for(db), with_reliability=with_reliability), fmt,
                 with_reliability)


@app.command()
def reviewers(update: bool = typer.Option(True, "--update/--no-update",
                                          help="Re-estimate reliability from the votes first."),
              fmt: Format = FormatOption, db: str = DbOption) -> None:
    """Reviewer reliability (Dawid-Skene over known-answer cases and agreement)."""
    from hydrawatch.verification import people as orgs
    from hydrawatch.verification import reliability  # numpy: loaded only when needed

    store = store_for(db)
    fits = reliability.update_reliability(store, actor="cli") if update else {}
    rows = [dict(u, **{k: v for k, v in fits.get(u["name"], {}).items() if k != "reliability"})
            for u in orgs.list_users(store, with_reliability=True)
            if u["role"] in orgs.REVIEW_ROLES]
    cols = ["name", "org", "role", "reliability", "votes", "known_answer_votes",
            "sensitivity", "specificity"]
    emit(fmt, rows, {c: (lambda r, c=c: r.get(c)) for c in cols})
