"""The typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="hydrawatch: find, verify, report and track propaganda accounts and their re-entries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

DbOption = typer.Option(None, "--db", envvar="HYDRAWATCH_DB",
                        help="Database URL (default sqlite:///hydrawatch.db in the working directory).")
