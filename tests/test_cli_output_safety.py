"""What the CLI prints from data is data (issue 10): rich markup in an org name, a handle or a
reason is shown literally (``[/]`` never crashes, ``[link=...]`` never makes a link),
terminal escape sequences are shown, not obeyed; CSV output neutralises formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from hydrawatch.cli.output import DataTable, safe, text, visible
from hydrawatch.ingest import ingest_paths
from tests.helpers import import_list_as_admin as import_list
from hydrawatch.store.schema import Link

EVIL = "[/]Evil [link=https://evil.example/]org[/link] [bold]x\x1b]8;;https://evil.example\x1b\\y"
EVIL_HANDLE = "[/]h[link=https://evil.example/]c[/link]\x1b[2J"
OSC8 = "\x1b]8;"  # the terminal hyperlink sequence
ANSI_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _cli(db_url, *args, color=True):
    env = dict(os.environ, COLUMNS="400")
    if color:  # make rich emit colours and hyperlinks as on a terminal
        env.update(FORCE_COLOR="1", TTY_COMPATIBLE="1")
    run = subprocess.run([sys.executable, "-m", "hydrawatch", *args, "--db", db_url],
                         capture_output=True, env=env)
    # bytes decoded by hand: text mode would turn a CR inside a CSV cell into a newline
    run.stdout, run.stderr = run.stdout.decode(), run.stderr.decode()
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    return run


def _assert_literal(output: str, *values: str):
    assert OSC8 not in output
    plain = ANSI_SGR.sub("", output)
    assert "\x1b" not in plain  # no escape sequence from the data reaches the terminal
    for value in values:
        assert visible(value) in plain.replace("\n", "")


def test_lists_show_prints_markup_literally(store, db_url, tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("@one\n@two\n")
    import_list(store, path, org=EVIL, name="[/]list[link=https://evil.example/]n[/link]")
    run = _cli(db_url, "lists", "show")
    assert run.returncode == 0, run.stderr
    _assert_literal(run.stdout, "[link=https://evil.example/]org[/link]", "[/]Evil")


def _linked_accounts(store, tmp_path):
    path = tmp_path / "accounts.jsonl"
    rows = [{"kind": "account", "platform": "forum", "id": i, "handle": f"{EVIL_HANDLE}{i}",
             "created_at": f"2026-0{n}-01T00:00:00Z"} for n, i in enumerate(("a1", "a2"), 1)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ingest_paths(store, [path])
    with store.session() as db:
        db.add(Link(platform="forum", successor_id="a2", predecessor_id="a1", confidence=0.99,
                    rank=1, reasons=["[/]reason [link=https://evil.example/]r[/link]"],
                    created_at=datetime.now(timezone.utc)))


@pytest.mark.parametrize("command", [["link", "--no-run"], ["families"]])
def test_link_and_families_print_markup_literally(store, db_url, tmp_path, command):
    _linked_accounts(store, tmp_path)
    run = _cli(db_url, *command)
    assert run.returncode == 0, run.stderr
    _assert_literal(run.stdout, "[/]h[link=https://evil.example/]c[/link]")
    assert "\\x1b[2J" in run.stdout  # the clear-screen sequence is shown, not obeyed


def test_error_messages_show_data_literally(db_url, tmp_path):
    path = tmp_path / "[link=https:evil.example]x[bold].jsonl"  # no '/' in a file name
    path.write_text('{"kind": "[/][link=https://evil.example]k[/link]", "platform": "x"}\n')
    run = _cli(db_url, "ingest", "-q", str(path))
    assert run.returncode == 1
    _assert_literal(run.stderr, "[link=https:evil.example]x[bold].jsonl:1:",
                    "[/][link=https://evil.example]k[/link]")
    assert len(run.stderr.strip().splitlines()) == 1


def test_score_csv_neutralises_formulas(store, db_url, tmp_path):
    path = tmp_path / "a.jsonl"
    accounts = [("1", "=cmd|' /C calc'!A0"), ("2", "+SUM(1)"), ("3", "-2+3"), ("4", "@SUM(1)"),
                ("5", "\tx"), ("6", "\rx"), ("7", "plain")]
    lines = []
    for aid, handle in accounts:
        lines.append({"kind": "account", "platform": "forum", "id": aid, "handle": handle})
        lines.append({"kind": "post", "platform": "forum", "id": f"p{aid}", "account_id": aid,
                      "created_at": "2026-03-01T00:00:00Z", "text": "hello"})
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    ingest_paths(store, [path])
    run = _cli(db_url, "score", "--format", "csv", color=False)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout, newline="")))
    handles = {r["id"]: r["handle"] for r in rows}
    assert handles == {"1": "'=cmd|' /C calc'!A0", "2": "'+SUM(1)", "3": "'-2+3", "4": "'@SUM(1)",
                       "5": "'\tx", "6": "'\rx", "7": "plain"}
    assert all(not r["handle"].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows)


def test_output_helpers():
    assert safe("[/]") == "\\[/]"
    assert visible("a\x1bb\x07\tc\n") == "a\\x1bb\\x07\tc\n"
    assert text("[bold]x").plain == "[bold]x"
    from rich.console import Console

    con = Console(file=io.StringIO(), force_terminal=True, width=200)
    table = DataTable("a", "b")
    table.add_row("[/]", "[link=https://evil.example]x[/link]")
    con.print(table)
    out = con.file.getvalue()
    assert "[/]" in out and OSC8 not in out
