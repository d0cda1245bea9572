"""The README's "Using it" section runs as written against the world `make demo` makes:
the same `hydrawatch demo` (seed 0) in a fresh folder, then every command line of the
section's code block, each in its own shell, in order. When the simulator or the pipeline
changes the demo world, this test says which line no longer holds: update the README's
ids and handles from a fresh `make demo`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
HYDRAWATCH = Path(sys.executable).parent / "hydrawatch"


def using_it_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Using it", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_section_names_real_commands():
    lines = using_it_lines()
    assert lines[0].startswith("hw=.venv/bin/hydrawatch")
    assert all(line.startswith("$hw ") for line in lines[1:]), lines
    assert len(lines) > 10


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory, module_db_url):
    """The `make demo` world (same command, same seed) in a fresh folder and store."""
    folder = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, HOME=str(folder / "home"), HYDRAWATCH_DB=module_db_url,
               hw=str(HYDRAWATCH), PATH=f"{HYDRAWATCH.parent}:{os.environ.get('PATH', '')}")
    env.pop("COLUMNS", None)
    (folder / "home").mkdir()
    proc = subprocess.run([str(HYDRAWATCH), "demo", "--no-serve"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder, env


@pytest.mark.slow
def test_every_line_of_using_it_runs_on_the_demo_world(demo_world):
    folder, env = demo_world
    setup, *commands = using_it_lines()
    assert (README.parent / setup.split("=", 1)[1].split()[0]).name == HYDRAWATCH.name
    for line in commands:
        proc = subprocess.run(["bash", "-c", line], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=900, stdin=subprocess.DEVNULL)
        assert "Traceback" not in proc.stdout + proc.stderr, line
        assert proc.returncode == 0, (
            f"README 'Using it' line failed on the demo world (did the demo world change? "
            f"update the README from a fresh `make demo`):\n  {line}\n{proc.stderr[-2000:]}")
