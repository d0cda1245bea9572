"""`hydrawatch appeal submit|decide|list`."""

from __future__ import annotations

import typer
from rich.console import Console

from hydrawatch.verification import appeals
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import safe
from hydrawatch.errors import InputError

appeal_app = typer.Typer(help="Appeals against a listing.", no_args_is_help=True)
app.add_typer(appeal_app, name="appeal")


@appeal_app.command("submit")
def submit(account: str = typer.Argument(..., help="PLATFORM:HANDLE (or PLATFORM:ID)."),
           contact: str = typer.Option(..., "--contact", help="How to reach the appellant."),
           text: str = typer.Option(..., "--text", help="The appeal."),
           db: str = DbOption) -> None:
    """Appeal a listing (no login needed; the public web form does the same)."""
    res = appeals.submit_appeal(store_for(db), account, contact=contact, text=text)
    Console().print(f"appeal {res['id']} submitted" +
                    (f" (case {res['case_id']} is {safe(res['case_state'])})" if res["case_id"] else ""),
                    highlight=False)


@appeal_app.command("decide")
def decide(appeal_id: int = typer.Argument(..., help="Appeal id."),
           by: str = typer.Option(..., "--by", help="The deciding admin."),
           uphold: bool = typer.Option(False, "--uphold", help="Keep the listing."),
           delist: bool = typer.Option(False, "--delist", help="Remove the account from the list."),
           note: str = typer.Option(..., "--note", help="The reason, kept with the case."),
           db: str = DbOption) -> None:
    """Decide an appeal: --uphold keeps the listing, --delist removes it."""
    if uphold == delist:
        raise InputError("give exactly one of --uphold or --delist")
    res = appeals.decide_appeal(store_for(db), appeal_id, by_user=by,
                                decision="uphold" if uphold else "delist", note=note)
    Console().print(f"appeal {res['id']} {safe(res['state'])}; case {res['case_id']} is "
                    f"{safe(res['case_state'])}", highlight=False)


@appeal_app.command("list")
def list_cmd(state: str = typer.Option(None, "--state", help="open, upheld or delisted."),
             db: str = DbOption) -> None:
    """List appeals as JSON (holds appellants' contact details: admins only)."""
    print_json(appeals.list_appeals(store_for(db), state=state))
