"""The verification commands end to end through the CLI."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from hydrawatch.cli import main
from hydrawatch.store import Store

ACCOUNTS = [
    {"kind": "account", "platform": "x", "id": "100", "handle": "Target0", "name": "T",
     "observed_at": "2026-03-01T00:00:00Z"},
    {"kind": "post", "platform": "x", "id": "1001", "account_id": "100",
     "created_at": "2026-03-01T10:00:00Z", "text": "fictional slogan #ExampleTag"},
]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``hydrawatch ARGS`` in-process (the store is already migrated)."""
    monkeypatch.setattr(Store, "init", lambda self: "")
    monkeypatch.setenv("COLUMNS", "200")

    def _run(db_url, *args, stdin=None, ok=True) -> Result:
        import io

        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["hydrawatch", *args, "--db", db_url])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
        out, err = capsys.readouterr()
        res = Result(code, out, err)
        if ok:
            assert code == 0, err + out
        return res

    return _run


def test_cli_flow(store, db_url, tmp_path, run):
    data = tmp_path / "a.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in ACCOUNTS) + "\n")
    run(db_url, "ingest", str(data))
    refused = run(db_url, "org", "add", "OrgA", "--by", "root", ok=False)
    assert refused.returncode == 1 and "no user named 'root'" in refused.stderr
    run(db_url, "user", "add", "root", "--org", "OrgB", "--role", "admin")  # the first admin
    again = run(db_url, "admin", "bootstrap", "eve", "--org", "OrgB", ok=False)
    assert again.returncode == 1 and "already has an admin" in again.stderr
    run(db_url, "org", "add", "OrgA", "--by", "root")
    run(db_url, "user", "add", "nina", "--org", "OrgA", "--role", "contributor", "--by", "root")
    run(db_url, "user", "add", "alice", "--org", "OrgA", "--role", "reviewer",
        "--password-stdin", "--by", "root", stdin="a long password\n")
    run(db_url, "user", "add", "bob", "--org", "OrgB", "--role", "reviewer", "--by", "root")
    wrong = run(db_url, "user", "add", "mallory", "--org", "OrgB", "--role", "admin",
                "--by", "nina", ok=False)
    assert wrong.returncode == 1 and "needs the role admin" in wrong.stderr
    users = json.loads(run(db_url, "user", "list", "--format", "json").stdout)
    assert {u["name"] for u in users} == {"nina", "alice", "bob", "root"}
    assert "argon2" not in json.dumps(users)

    bad = run(db_url, "nominate", "@ghost", "--by", "nina", "--reason", "r", ok=False)
    assert bad.returncode == 1 and "no account with handle @ghost" in bad.stderr
    out = run(db_url, "nominate", "@target0", "--by", "nina", "--reason", "fictional").stdout
    assert "opened case 1" in out
    cases = json.loads(run(db_url, "cases", "--format", "json").stdout)
    assert cases[0]["handle"] == "Target0" and cases[0]["evidence"] == 2
    assert {"id", "platform", "account_id", "handle", "state", "score", "reviews",
            "evidence"} <= cases[0].keys()
    ev = run(db_url, "evidence", "capture", "1", "--post", "x:1001", "--by", "alice").stdout
    assert "evidence" in ev
    view = json.loads(run(db_url, "case", "show", "1", "--format", "json").stdout)
    post_ev = next(e["id"] for e in view["evidence"] if e["kind"] == "post")

    nope = run(db_url, "review", "1", "--by", "alice", "--verdict", "confirm",
               "--category", "propaganda", ok=False)
    assert nope.returncode == 1 and "must cite" in nope.stderr
    run(db_url, "review", "1", "--by", "alice", "--verdict", "confirm", "--category",
        "propaganda", "--evidence", str(post_ev), "--note", "clear slogan")
    hidden = json.loads(run(db_url, "case", "show", "1", "--as", "bob", "--format", "json").stdout)
    assert hidden["votes"] is None and hidden["reviews"] == 1
    out = run(db_url, "review", "1", "--by", "bob", "--verdict", "confirm", "--category",
              "propaganda", "--evidence", str(post_ev)).stdout
    assert "verified" in out
    assert "verified" in run(db_url, "cases", "--state", "verified").stdout
    assert "reliability" in run(db_url, "reviewers", "--format", "json").stdout

    run(db_url, "appeal", "submit", "x:@target0", "--contact", "c@example.org", "--text", "mistake")
    run(db_url, "appeal", "decide", "1", "--by", "root", "--delist", "--note", "counter-speech")
    assert "delisted" in run(db_url, "cases", "--state", "delisted").stdout
    assert run(db_url, "evidence", "verify").returncode == 0
    assert "chain intact" in run(db_url, "audit", "verify").stdout
    shown = json.loads(run(db_url, "audit", "show", "--limit", "5", "--format", "json").stdout)
    assert shown[-1]["action"] == "case.delisted"

    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
        conn.execute(text("UPDATE evidence SET content = '{}' WHERE id = 1"))
    broken = run(db_url, "audit", "verify", ok=False)
    assert broken.returncode == 1 and "entry 3" in broken.stderr
    bad_ev = run(db_url, "evidence", "verify", ok=False)
    assert bad_ev.returncode == 1 and "ids 1" in bad_ev.stderr
    assert "entry 3" in bad_ev.stderr  # evidence verify also reports the broken chain
