"""Command-line interface. Each module in COMMAND_MODULES registers its commands on
``app``; no pipeline logic lives here, only option parsing and calls into the API.

Command modules import typer and the light ``hydrawatch.cli`` helpers only: the pipelines
(numpy, scipy, SQLAlchemy, Alembic, the web app) are imported inside the command that runs
them, so ``hydrawatch --help`` and a usage error cost a fraction of a second
(``tests/test_cli_errors.py`` holds the import list to that).

What the user sees when something goes wrong, whatever typer/click version is installed
(recent typer bundles its own click, ``typer._click``, whose exceptions are not click's, so
they are recognised by their class names, never by ``isinstance``):

- a usage error (unknown command or option, missing argument, bad value, no command):
  ``error: ...`` and ``hint: run 'hydrawatch ... --help' ...`` on stderr, exit status 2;
- a hydrawatch error (bad input, not found, refused, database failure): one ``error:``
  line, exit status 1;
- Ctrl-C: ``interrupted``, exit status 130.
"""

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

PROG = "hydrawatch"
USAGE_EXIT = 2


def command():
    """The click command tree of ``app`` (typer's or click's own classes, as installed).
    Groups never print their help for a missing sub-command: that is a usage error like
    any other, the same on every click version (older ones exit 0 after the help)."""
    import typer.main

    root = typer.main.get_command(app)
    stack = [root]
    while stack:
        cmd = stack.pop()
        cmd.no_args_is_help = False
        stack.extend(getattr(cmd, "commands", {}).values())
    return root


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        _usage_error("no command given", f"run '{PROG} --help' for the commands")
    try:
        code = command().main(args=args, prog_name=PROG, standalone_mode=False)
    except HydrawatchError as exc:
        from hydrawatch.store.db import redact  # SQLAlchemy: loaded by now anyway

        _fail(redact(str(exc)))
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit:
        raise
    except Exception as exc:  # click's exceptions, in non-standalone mode
        _click_error(exc)
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):  # the database failed mid-command
            from hydrawatch.store.db import one_line

            _fail(f"database error: {one_line(exc)}")
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


def _kinds(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _click_error(exc: Exception) -> None:
    """Exit the way a click exception asks to (click's or typer's bundled copy); return
    for anything else."""
    kinds = _kinds(exc)
    if "Abort" in kinds:
        _interrupted()
    if "Exit" in kinds:
        sys.exit(getattr(exc, "exit_code", 0))
    if "UsageError" in kinds:
        ctx = getattr(exc, "ctx", None)
        path = getattr(ctx, "command_path", None) or PROG
        message = _message(exc)
        if "NoArgsIsHelpError" in kinds or message.rstrip(".").lower() == "missing command":
            names = sorted(getattr(getattr(ctx, "command", None), "commands", {}) or ())
            message = f"'{path}' needs a command" + (f": one of {', '.join(names)}" if names else "")
        _usage_error(message, f"run '{path} --help'")
    if "ClickException" in kinds:
        _fail(_message(exc), getattr(exc, "exit_code", 1))


def _message(exc: Exception) -> str:
    fmt = getattr(exc, "format_message", None)
    text = fmt() if callable(fmt) else str(exc)
    return " ".join(str(text).split()) or type(exc).__name__


def _usage_error(message: str, hint: str) -> None:
    _fail(message, USAGE_EXIT, hint=hint)


def _interrupted() -> None:
    print("interrupted", file=sys.stderr)
    sys.exit(130)


def _fail(message: str, status: int = 1, *, hint: str | None = None) -> None:
    """One error line on stderr (markup and controls in it are data), then the hint, if
    any, on a second; exit with ``status``. Callers redact database passwords first."""
    from rich.console import Console

    from hydrawatch.cli.output import safe

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"[bold red]error:[/] {safe(message)}")
    if hint:
        err.print(f"[dim]hint:[/] {safe(hint)}")
    sys.exit(status)
