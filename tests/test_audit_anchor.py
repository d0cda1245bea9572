"""Signed checkpoints anchor the audit chain (issue 10): the tamper table.

| tampering                                    | caught by                                   |
|----------------------------------------------|---------------------------------------------|
| edit a row in place                          | the chain (its hash no longer matches)      |
| delete the newest row(s) / all rows          | the checkpoint (fewer entries than it saw)  |
| insert a row, chain recomputed               | the checkpoint (entry N's hash differs)     |
| delete a middle row, chain recomputed        | the checkpoint (entry N's hash differs)     |
| rewrite every row, chain recomputed          | the checkpoint (entry N's hash differs)     |
| edit the checkpoint file                     | its Ed25519 signature                       |
| a checkpoint signed with another key         | the trusted key's id and signature          |
| evidence edited with its sha256 recomputed   | the sha256 committed in the chain (test_evidence_anchor) |
"""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import delete, select

from hydrawatch.store import audit
from hydrawatch.errors import ConfigError
from hydrawatch.store import anchor
from hydrawatch.store.schema import AuditEntry
from hydrawatch.timeutil import as_utc


def _fill(store, n: int = 30) -> None:
    with store.session() as db:
        for i in range(n):
            audit.record(db, f"user{i % 3}", "test.action", "thing", i, {"i": i})


def _rows(db) -> list[dict]:
    return [{"ts": as_utc(e.ts), "actor": e.actor, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "details": e.details}
            for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _rewrite(store, edit) -> None:
    """What an attacker with SQL access does: rewrite the log as ``edit(rows)`` says and
    recompute every id and hash so that the chain verifies again."""
    with store.session() as db:
        rows = edit(_rows(db))
        db.execute(delete(AuditEntry))
        prev = audit.GENESIS
        for i, r in enumerate(rows, 1):
            h = audit._digest(prev, i, r["ts"], r["actor"], r["action"], r["object_type"],
                              r["object_id"], r["details"])
            db.add(AuditEntry(id=i, prev_hash=prev, hash=h, **r))
            prev = h
        db.flush()
    with store.session() as db:
        assert audit.verify_chain(db).ok  # the chain alone cannot tell


@pytest.fixture
def key_path(tmp_path):
    return tmp_path / "keys" / "audit.key"


@pytest.fixture
def checkpointed(store, tmp_path, key_path):
    _fill(store)
    out = tmp_path / "cp.json"
    body = anchor.write_checkpoint(store, out, key_path=key_path)
    assert body["position"] == 30  # the checkpoint's own audit entry comes after it
    report = anchor.verify_checkpoint(store, out, key_path=key_path)
    assert report.ok and report.entries == 31 and report.position == 30
    return out


def _check(store, cp, key_path) -> anchor.CheckpointReport:
    return anchor.verify_checkpoint(store, cp, key_path=key_path)


def test_key_is_created_0600_outside_the_database_and_reused(store, tmp_path, key_path):
    _fill(store, 2)
    anchor.write_checkpoint(store, tmp_path / "a.json", key_path=key_path)
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    pem = key_path.read_bytes()
    anchor.write_checkpoint(store, tmp_path / "b.json", key_path=key_path)
    assert key_path.read_bytes() == pem
    a, b = (orjson.loads((tmp_path / n).read_bytes()) for n in ("a.json", "b.json"))
    assert a["key_id"] == b["key_id"] and b["position"] == a["position"] + 1
    os.chmod(key_path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        anchor.load_key(key_path)


def test_default_key_path_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("HYDRAWATCH_AUDIT_KEY", str(tmp_path / "k"))
    assert anchor.default_key_path() == tmp_path / "k"
    monkeypatch.delenv("HYDRAWATCH_AUDIT_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert anchor.default_key_path() == tmp_path / "cfg" / "hydrawatch" / "audit-ed25519.key"


def test_entries_after_the_checkpoint_are_fine(store, checkpointed, key_path):
    _fill(store, 5)
    assert _check(store, checkpointed, key_path).ok


def test_edit_in_place_is_caught_by_the_chain(store, checkpointed, key_path):
    with store.session() as db:
        db.get(AuditEntry, 7).details = {"i": "forged"}
    report = _check(store, checkpointed, key_path)
    assert not report.ok and report.first_bad == 7 and "chain broken" in report.problem


@pytest.mark.parametrize("drop", [2, 10, 31])
def test_tail_truncation_is_caught(store, checkpointed, key_path, drop):
    with store.session() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.id > 31 - drop))
    with store.session() as db:
        assert audit.verify_chain(db).ok  # what `audit verify` alone used to say
    report = _check(store, checkpointed, key_path)
    assert not report.ok and "removed" in report.problem


def test_dropping_only_entries_after_the_checkpoint_is_not_visible_to_it(store, checkpointed,
                                                                         key_path):
    """A checkpoint pins what came before it; a newer checkpoint pins the rest."""
    with store.session() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.id == 31))
    assert _check(store, checkpointed, key_path).ok


def test_insertion_with_recomputed_chain_is_caught(store, checkpointed, key_path):
    def insert(rows):
        forged = dict(rows[4], actor="mallory", details={"forged": True},
                      ts=rows[4]["ts"] + timedelta(milliseconds=1))
        return rows[:5] + [forged] + rows[5:]
    _rewrite(store, insert)
    report = _check(store, checkpointed, key_path)
    assert not report.ok and "rewritten" in report.problem and report.first_bad == 30


def test_deletion_with_recomputed_chain_is_caught(store, checkpointed, key_path):
    _rewrite(store, lambda rows: rows[:3] + rows[4:])
    report = _check(store, checkpointed, key_path)
    assert not report.ok and "rewritten" in report.problem


def test_full_rewrite_is_caught(store, checkpointed, key_path):
    _rewrite(store, lambda rows: [dict(r, actor="mallory") for r in rows])
    report = _check(store, checkpointed, key_path)
    assert not report.ok and "rewritten" in report.problem


def test_full_rewrite_down_to_fewer_rows_is_caught(store, checkpointed, key_path):
    _rewrite(store, lambda rows: rows[:20])
    assert "removed" in _check(store, checkpointed, key_path).problem


def test_an_edited_checkpoint_fails_its_signature(store, checkpointed, key_path):
    body = orjson.loads(checkpointed.read_bytes())
    with store.session() as db:
        body["head"] = db.get(AuditEntry, 20).hash
    body["position"] = 20  # "the log only ever had 20 entries"
    checkpointed.write_bytes(orjson.dumps(body))
    report = _check(store, checkpointed, key_path)
    assert not report.ok and "signature" in report.problem


def test_a_checkpoint_signed_by_another_key_is_refused(store, checkpointed, key_path, tmp_path):
    other = tmp_path / "other.key"
    forged = tmp_path / "forged.json"
    anchor.write_checkpoint(store, forged, key_path=other)
    report = _check(store, forged, key_path)
    assert not report.ok and "not by the trusted key" in report.problem
    pub = tmp_path / "pub.pem"
    pub.write_text(anchor.public_key_pem(anchor.load_key(key_path)))
    assert anchor.verify_checkpoint(store, checkpointed, public_key=pub).ok
    assert not anchor.verify_checkpoint(store, forged, public_key=pub).ok


def test_head_is_what_publications_carry(store):
    with store.session() as db:
        assert anchor.head(db).position == 0 and anchor.head(db).hash == audit.GENESIS
    _fill(store, 3)
    with store.session() as db:
        h = anchor.head(db)
        last = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (h.position, h.hash) == (3, last.hash)
        assert h.as_dict()["audit_head"] == last.hash


def hw(monkeypatch, capsys, db_url, *args) -> tuple[int, str, str]:
    """Run the CLI in-process (a subprocess costs seconds of imports on a loaded machine)."""
    import sys

    from hydrawatch.cli import main

    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["hydrawatch", *args, "--db", db_url])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_checkpoint_and_verify(store, db_url, tmp_path, key_path, monkeypatch, capsys):
    _fill(store, 4)
    monkeypatch.setenv("HYDRAWATCH_AUDIT_KEY", str(key_path))
    monkeypatch.setenv("COLUMNS", "200")
    cp = tmp_path / "cp.json"
    code, out, err = hw(monkeypatch, capsys, db_url, "audit", "checkpoint", "--out", str(cp))
    assert code == 0 and "checkpoint of 4 entries" in out, err
    code, out, err = hw(monkeypatch, capsys, db_url, "audit", "verify", "--checkpoint", str(cp))
    assert code == 0 and "checkpoint head at entry 4 holds" in out, err
    with store.session() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.id >= 3))
    code, out, err = hw(monkeypatch, capsys, db_url, "audit", "verify", "--checkpoint", str(cp))
    assert code == 1 and "entries were removed" in err
