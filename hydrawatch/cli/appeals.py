"""`hydrawatch appeal submit|decide|list`."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import ACCOUNT_HELP, DbOption, Format, app
from hydrawatch.cli.common import store_for
from hydrawatch.cli.output import console, emit, safe
from hydrawatch.errors import InputError

appeal_app = typer.Typer(help="Appeals against a listing.")
app.add_typer(appeal_app, name="appeal")


@appeal_app.command("submit")
def submit(account: str = typer.Argument(..., help=ACCOUNT_HELP + " An account the store "
                                              "does not hold is given as PLATFORM:@handle."),
           contact: str = typer.Option(..., "--contact", help="How to reach the appellant."),
           text: str = typer.Option(..., "--text", help="The appeal."),
           db: str = DbOption) -> None:
    """Appeal a listing (no login needed; the public web form does the same)."""
    from hydrawatch.verification import appeals

    res = appeals.submit_appeal(store_for(db), account, contact=contact, text=text)
    console().print(f"appeal {res['id']} submitted" +
                    (f" (case {res['case_id']} is {safe(res['case_state'])})" if res["case_id"] else ""))


@appeal_app.command("decide")
def decide(appeal_id: int = typer.Argument(..., help="Appeal id."),
           by: str = typer.Option(..., "--by", help="The deciding admin."),
           uphold: bool = typer.Option(False, "--uphold", help="Keep the listing."),
           delist: bool = typer.Option(False, "--delist", help="Remove the account from the list."),
           note: str = typer.Option(..., "--note", help="The reason, kept with the case."),
           db: str = DbOption) -> None:
    """Decide an appeal: --uphold keeps the listing, --delist removes it."""
    from hydrawatch.verification import appeals

    if uphold == delist:
        raise InputError("give exactly one of --uphold or --delist")
    res = appeals.decide_appeal(store_for(db), appeal_id, by_user=by,
                                decision="uphold" if uphold else "delist", note=note)
    console().print(f"appeal {res['id']} {safe(res['state'])}; case {res['case_id']} is "
                    f"{safe(res['case_state'])}")


@appeal_app.command("list")
def list_cmd(state: str = typer.Option(None, "--state", help="open, upheld or delisted."),
             fmt: Format = typer.Option(Format.json, "--format",
                                        help="json (the default: every field), table or csv."),
             db: str = DbOption) -> None:
    """List appeals (they hold appellants' contact details: admins only)."""
    from hydrawatch.verification import appeals

    rows = appeals.list_appeals(store_for(db), state=state)
    keys = list(rows[0]) if rows else ["id", "state"]
    emit(fmt, rows, {k: (lambda r, k=k: r.get(k)) for k in keys})
