"""Usage errors never show a traceback: every command and sub-command, enumerated from the
app, answers a wrong option with one ``error:`` line and a ``hint:`` line on stderr and
exit status 2 (in a subprocess, as a user runs it). Also: --version, and what the CLI
imports at start (a module check, not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from hydrawatch import __version__
from hydrawatch.cli import command, main


def _walk(cmd, path=()):
    yield path, cmd
    for name, sub in sorted((getattr(cmd, "commands", None) or {}).items()):
        yield from _walk(sub, path + (name,))


TREE = list(_walk(command()))
PATHS = [path for path, _ in TREE]
GROUPS = [path for path, cmd in TREE if getattr(cmd, "commands", None)]
REQUIRED = [path for path, cmd in TREE if any(p.required for p in cmd.params)]


def _hydrawatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hydrawatch", *args], capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "80"})


def _assert_usage_error(proc, needle: str = "") -> None:
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith("error: ") and needle in lines[0], lines
    assert lines[1].startswith("hint: run 'hydrawatch") and "--help'" in lines[1], lines
    assert proc.stdout == ""


def test_the_tree_has_every_command():
    assert len(PATHS) > 40 and ("case", "show") in PATHS and ("org", "list") in PATHS


def test_an_unknown_option_is_a_usage_error_on_every_command():
    """One subprocess per command and group (the root too), two at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        procs = list(pool.map(lambda p: _hydrawatch(*p, "--no-such-option"), PATHS))
    for path, proc in zip(PATHS, procs):
        _assert_usage_error(proc, "--no-such-option")
        if path:
            hint = proc.stderr.splitlines()[1]
            assert f"hydrawatch {' '.join(path)} --help" in hint, (path, hint)


@pytest.mark.parametrize("args, needle", [
    ((), "no command given"),
    (("nosuch",), "No such command"),
    (("case",), "needs a command: one of known-answer, show"),
    (("explain",), "Missing argument"),
    (("case", "known-answer", "abc", "confirm", "--by", "x"), "Invalid value"),
    (("score", "--format", "xml"), "Invalid value for '--format'"),
    (("score", "--limit"), "requires an argument"),
], ids=["no-args", "unknown-command", "group-alone", "missing-argument", "bad-int",
        "bad-choice", "option-without-value"])
def test_usage_errors_in_a_subprocess(args, needle):
    _assert_usage_error(_hydrawatch(*args), needle)


def _run(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "hydrawatch")
def test_a_group_without_a_command_says_which_commands_it_has(capsys, path):
    code, out, err = _run(capsys, *path)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2 and out == ""
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: ")


@pytest.mark.parametrize("path", REQUIRED, ids=" ".join)
def test_a_command_without_its_required_arguments_says_what_is_missing(capsys, path):
    code, out, err = _run(capsys, *path)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2 and out == "", err
    assert lines[0].startswith("error: Missing "), lines
    assert lines[1] == f"hint: run 'hydrawatch {' '.join(path)} --help'"


def test_help_still_works_and_exits_0(capsys):
    code, out, err = _run(capsys, "case", "show", "--help")
    assert code == 0 and "Usage: hydrawatch case show" in out and err == ""


def test_version():
    proc = _hydrawatch("--version")
    assert proc.returncode == 0 and proc.stdout == f"hydrawatch {__version__}\n"


class _FakeCommand:
    """Raises what a click of another version (or typer's bundled copy) would raise."""

    def __init__(self, exc):
        self.exc = exc

    def main(self, **kwargs):
        raise self.exc


@pytest.mark.parametrize("module", ["click", "typer._click"])
def test_usage_errors_of_either_click_are_handled(capsys, monkeypatch, module):
    import importlib

    import hydrawatch.cli as cli

    exc_mod = pytest.importorskip(f"{module}.exceptions")  # typer < 0.20 uses click itself
    monkeypatch.setattr(cli, "command", lambda: _FakeCommand(exc_mod.UsageError("bad thing")))
    code, out, err = _run(capsys, "anything")
    assert code == 2 and err.splitlines() == ["error: bad thing", "hint: run 'hydrawatch --help'"]
    abort = getattr(exc_mod, "Abort", None) or importlib.import_module("typer").Abort
    monkeypatch.setattr(cli, "command", lambda: _FakeCommand(abort()))
    assert _run(capsys, "anything")[0] == 130


HEAVY = ("numpy", "scipy", "sklearn", "faiss", "numba", "alembic", "fastapi", "starlette",
         "uvicorn", "sqlalchemy", "httpx")


def test_the_cli_imports_no_pipeline_at_start():
    """``--help`` and usage errors must not pay for numpy, scipy, SQLAlchemy, Alembic or
    the web app: the command modules import them inside the commands."""
    code = ("import sys, hydrawatch.cli; "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout
