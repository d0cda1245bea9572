"""`hydrawatch admin bootstrap`, `org ...`, `user ...` and `reviewers`."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch.verification import people as orgs
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import safe
from hydrawatch.errors import InputError

org_app = typer.Typer(help="Organisations taking part (admins add them).", no_args_is_help=True)
user_app = typer.Typer(help="Users: contributors, reviewers, admins (admins add them).",
                       no_args_is_help=True)
admin_app = typer.Typer(help="The first admin of a new store.", no_args_is_help=True)
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
    user = orgs.bootstrap_admin(store_for(db), name, org=org, password=_password(password_stdin))
    Console().print(f"admin {safe(user.name)} created (id {user.id}); add organisations and "
                    f"users with --by {safe(user.name)}", highlight=False)

FormatOption = typer.Option("table", "--format", help="table or json.")


@org_app.command("add")
def org_add(name: str = typer.Argument(..., help="Organisation name."),
            by: str = typer.Option(..., "--by", help="The admin adding it."),
            db: str = DbOption) -> None:
    """Add an organisation (admins only)."""
    org = orgs.add_org(store_for(db), name, by_user=by)
    Console().print(f"organisation {safe(org.name)} added (id {org.id})", highlight=False)


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="User name."),
             org: str = typer.Option(..., "--org", help="The user's organisation."),
             role: str = typer.Option(..., "--role", help="contributor, reviewer or admin."),
             password_stdin: bool = typer.Option(False, "--password-stdin",
                                                 help="Read a password (web login) from the first line of stdin."),
             by: str = ByAdmin, db: str = DbOption) -> None:
    """Add a user to an organisation (admins only, --by ADMIN; passwords are stored as
    Argon2 hashes only). Without --by, only the first admin of a new store can be added."""
    password = _password(password_stdin)
    if by is None:
        if role != "admin":
            raise InputError("an admin adds users: give --by ADMIN (a new store's first admin "
                             "is added with --role admin and no --by)")
        user = orgs.bootstrap_admin(store_for(db), name, org=org, password=password)
    else:
        user = orgs.add_user(store_for(db), name, org=org, role=role, password=password,
                             by_user=by)
    Console().print(f"user {safe(user.name)} added as {user.role} (id {user.id})", highlight=False)


def _print_users(rows: list[dict], fmt: str, reliability_col: bool) -> None:
    if fmt == "json":
        print_json(rows)
        return
    if fmt != "table":
        raise InputError("--format is table or json")
    cols = ["name", "org", "role", "active", "can_login"] + (["reliability"] if reliability_col else [])
    table = Table(*cols)
    for row in rows:
        table.add_row(*[safe(row.get(c)) for c in cols])
    Console().print(table)


@user_app.command("list")
def user_list(fmt: str = FormatOption,
              with_reliability: bool = typer.Option(False, "--reliability",
                                                    help="Show each reviewer's estimated reliability (admins' view)."),
              db: str = DbOption) -> None:
    """List users (never their password hashes)."""
    _print_users(orgs.list_users(store_for(db), with_reliability=with_reliability), fmt,
                 with_reliability)


@app.command()
def reviewers(update: bool = typer.Option(True, "--update/--no-update",
                                          help="Re-estimate reliability from the votes first."),
              fmt: str = FormatOption, db: str = DbOption) -> None:
    """Reviewer reliability (Dawid-Skene over known-answer cases and agreement)."""
    from hydrawatch.verification import reliability  # numpy: loaded only when needed

    store = store_for(db)
    fits = reliability.update_reliability(store, actor="cli") if update else {}
    rows = [dict(u, **{k: v for k, v in fits.get(u["name"], {}).items() if k != "reliability"})
            for u in orgs.list_users(store, with_reliability=True)
            if u["role"] in orgs.REVIEW_ROLES]
    if fmt == "json":
        print_json(rows)
        return
    cols = ["name", "org", "role", "reliability", "votes", "known_answer_votes",
            "sensitivity", "specificity"]
    table = Table(*cols)
    for row in rows:
        table.add_row(*[safe(row.get(c)) for c in cols])
    Console().print(table)
