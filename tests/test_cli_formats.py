"""Listing commands print table, JSON or CSV; tables are never cut when piped; explain's
steps add up to the score it shows."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys

import pytest

from hydrawatch.cli import command, main

LISTING = ["audit show", "appeal list", "cases", "eval", "families", "hashes banks",
           "hashes match", "link", "link-review", "lists show", "metrics", "org list",
           "policy list", "queue", "report submit", "reviewers", "score", "stats", "user list"]


def _find(path: str):
    cmd = command()
    for word in path.split():
        cmd = cmd.commands[word]
    return cmd


@pytest.mark.parametrize("path", LISTING)
def test_every_listing_command_has_format_table_json_csv(path):
    from enum import Enum
    from typing import get_type_hints

    cmd = _find(path)
    (opt,) = [p for p in cmd.params if "--format" in p.opts]
    kind = get_type_hints(cmd.callback)[opt.name]
    assert issubclass(kind, Enum) and {"table", "json", "csv"} <= {m.value for m in kind}, path


def _cli(capsys, db_url, *args, ok=True) -> tuple[str, str]:
    capsys.readouterr()
    try:
        main([*args, "--db", db_url])
    except SystemExit as exc:
        assert not ok or not exc.code, capsys.readouterr()
    return capsys.readouterr()


LONG_ORG = "The Very Long Named Organisation For Counter Extremism Research " * 3


@pytest.fixture
def people(db_url, capsys):
    _cli(capsys, db_url, "user", "add", "root", "--org", "Admins", "--role", "admin")
    _cli(capsys, db_url, "org", "add", LONG_ORG.strip(), "--by", "root")
    _cli(capsys, db_url, "org", "add", "=HYPERLINK(\"http://evil\")", "--by", "root")
    return db_url


def test_json_csv_and_table_list_the_same_rows(people, capsys):
    rows = json.loads(_cli(capsys, people, "org", "list", "--format", "json")[0])
    names = sorted(r["name"] for r in rows)
    assert len(names) == 3
    out = _cli(capsys, people, "org", "list", "--format", "csv")[0]
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["name"] for r in parsed) == sorted(
        "'" + n if n.startswith("=") else n for n in names)  # no formula reaches a spreadsheet
    table = _cli(capsys, people, "org", "list")[0]
    assert "Admins" in table and "┃ name" in table


def test_a_piped_table_is_never_cut(people):
    """No terminal: every character of every cell, each row on one line."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([sys.executable, "-m", "hydrawatch", "org", "list", "--db", people],
                          capture_output=True, text=True, env=env, check=True)
    assert any(LONG_ORG.strip() in line for line in proc.stdout.splitlines()), proc.stdout
    assert "…" not in proc.stdout


def test_empty_listings_print_headers_or_an_empty_array(db_url, capsys):
    assert json.loads(_cli(capsys, db_url, "cases", "--format", "json")[0]) == []
    assert _cli(capsys, db_url, "cases", "--format", "csv")[0].startswith("id,platform,account_id")


# -- explain: the numbers add up ---------------------------------------------------------

@pytest.fixture
def scored(store, db_url, tmp_path):
    from hydrawatch.scoring.pipeline import ranked_accounts, score_store
    from hydrawatch.scoring.policy import load_policy
    from tests.scoring_world import POLICY, build_world

    roles = build_world(store, seed=3)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    load_policy(store, path)
    score_store(store)
    ranked = ranked_accounts(store)
    seeds = set(roles["seeds"])
    pick = {"seed": roles["seeds"][0],
            "member": next(r["id"] for r in ranked if r["id"] in roles["member"] and r["id"] not in seeds),
            "low": ranked[-1]["id"]}
    return db_url, pick


@pytest.mark.parametrize("who", ["seed", "member", "low"])
def test_explain_steps_lead_from_the_signals_to_the_score(scored, capsys, who):
    db_url, pick = scored
    info = json.loads(_cli(capsys, db_url, "explain", f"x:{pick[who]}", "--json")[0])
    steps = info["steps"]
    assert steps["mode"] == "learned" and steps["features"]
    values = [s["value"] for s in steps["steps"]]
    logit = math.fsum(f["contribution"] for f in steps["features"]) + info["signals"]["intercept"]
    assert steps["steps"][0]["name"] == "logit" and values[0] == pytest.approx(logit, abs=1e-12)
    assert values[-1] == info["score"] == steps["score"]

    # the text a person reads: each shown number follows from the shown numbers above it
    out = _cli(capsys, db_url, "explain", f"x:{pick[who]}")[0]
    shown = float(re.search(r"score (\d\.\d+)", out).group(1))
    contributions = [float(m) for m in re.findall(r"│ ([+-]\d+\.\d{6}) +│", out)]
    assert len(contributions) == len(steps["features"])
    lines = {m.group(1).strip(): m for m in re.finditer(r"^  (\S.*?) {2,}(.*) = (-?\d+\.\d+)$", out, re.M)}
    assert re.search(r"intercept ([+-]\d+\.\d+)", lines["logit"].group(2))
    intercept = float(re.search(r"intercept ([+-]\d+\.\d+)", lines["logit"].group(2)).group(1))
    assert sum(contributions) + intercept == pytest.approx(float(lines["logit"].group(3)), abs=1e-4)
    assert float(lines["rounded"].group(3)) == pytest.approx(shown, abs=1e-4)
    final = re.search(r"score shown +(\d\.\d+)", out)
    assert float(final.group(1)) == pytest.approx(shown, abs=1e-6)
    if who == "seed":
        assert "verified seed" in lines
