"""Every command answers --help, and every command is documented in docs/cli.md."""

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from hydrawatch.cli import app


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_has_help(words):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_every_command_is_documented():
    doc = (Path(__file__).parent.parent / "docs" / "cli.md").read_text()
    documented = set(re.findall(r"^#+ `hydrawatch ([a-z -]+?)`", doc, re.M))
    missing = [" ".join(w) for w in COMMANDS if " ".join(w) not in documented]
    assert not missing, f"docs/cli.md lacks: {missing}"


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "hydrawatch", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "ingest" in proc.stdout
