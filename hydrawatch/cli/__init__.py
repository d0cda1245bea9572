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
    "collect",
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
    "hashes",
    "report",
    "metrics",
    "export",
    "publish",
    "web",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"hydrawatch.cli.{_name}")


def main() -> None:
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except HydrawatchError as exc:
        _fail(str(exc))
    except SystemExit:
        raise
    except Exception as exc:  # click exceptions in non-standalone mode
        import click
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, SQLAlchemyError):  # the database failed mid-command
            from hydrawatch.store.db import one_line

            _fail(f"database error: {one_line(exc)}")
        raise


def _fail(message: str) -> None:
    """One error line on stderr (markup and controls in it are data), exit status 1."""
    from rich.console import Console

    from hydrawatch.cli.output import safe
    from hydrawatch.store.db import redact

    Console(stderr=True).print(f"[bold red]error:[/] {safe(redact(message))}", highlight=False,
                               soft_wrap=True)
    sys.exit(1)
