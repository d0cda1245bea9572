"""The typer application every command module registers on, and the options they share.

Keep this module (and every command module's top level) light: typer, rich and
``hydrawatch.cli`` helpers only; see ``hydrawatch/cli/__init__.py``."""

from __future__ import annotations

from enum import Enum

import typer

app = typer.Typer(
    help="hydrawatch: find, verify, report and track propaganda accounts and their re-entries.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rich.markdown alone would cost 0.2 s at --help
)


def _version(value: bool) -> None:
    if value:
        from hydrawatch import __version__

        print(f"hydrawatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """hydrawatch: find, verify, report and track propaganda accounts and their re-entries."""


DbOption = typer.Option(None, "--db", envvar="HYDRAWATCH_DB",
                        help="Database URL (default sqlite:///hydrawatch.db in the working directory).")

ACCOUNT_HELP = ("The account: PLATFORM:ID, PLATFORM:@handle, @handle (when only one platform "
                "has it) or a profile URL.")


class Format(str, Enum):
    """How a command that lists things prints them."""

    table = "table"
    json = "json"
    csv = "csv"


FormatOption = typer.Option(Format.table, "--format",
                            help="table (for people), json or csv (for programs).")
