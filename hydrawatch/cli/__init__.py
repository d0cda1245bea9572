"""Command-line interface. Each module in COMMAND_MODULES registers its commands on
``app``; no pipeline logic lives here, only option parsing and calls into the API."""

from __future__ import annotations

import importlib
import sys

from hydrawatch.cli.app import app
from hydrawatch.errors import HydrawatchError

COMMAND_MODULES = [
    "store",
    "ingest",
    "lists",
    "sim",
    "evaluate",
    "policy",
    "score",
    "link",
    "orgs",
    "review",
    "evidence",
    "appeals",
    "audit",
    "metrics",
    "export",
    "publish",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"hydrawatch.cli.{_name}")


def main() -> None:
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except HydrawatchError as exc:
        from rich.console import Console

        from rich.markup import escape

        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(str(exc))}",
                                                 highlight=False)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # click exceptions in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
