"""Lock waits are bounded and end in one clear error (issue 10), on SQLite and PostgreSQL;
refused actions are audited even though their transaction rolls back."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select, text

from hydrawatch.store import audit
from hydrawatch.errors import PermissionDenied, StoreBusy
from hydrawatch.store import Store
from hydrawatch.store.schema import AuditEntry, Organization
from hydrawatch.timeutil import utcnow


@contextmanager
def write_lock_held(db_url: str):
    """Another connection holds the write lock (SQLite) or an exclusive lock on the
    organizations table (PostgreSQL) until the block ends."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.split(":///", 1)[1], isolation_level=None,
                               check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    else:
        eng = create_engine(db_url)
        with eng.connect() as conn:
            conn.execute(text("LOCK TABLE organizations, users IN ACCESS EXCLUSIVE MODE"))
            try:
                yield
            finally:
                conn.rollback()
        eng.dispose()


def _add_org(db, name: str) -> None:
    db.add(Organization(name=name, created_at=utcnow()))
    db.flush()
    db.scalar(select(func.count()).select_from(Organization))


def test_a_held_lock_ends_in_store_busy_after_bounded_retries(store, db_url):
    quick = Store(db_url, busy_timeout=0.2, busy_retries=2)
    try:
        with write_lock_held(db_url):
            t0 = time.monotonic()
            with pytest.raises(StoreBusy) as err:
                with quick.session() as db:
                    _add_org(db, "OrgA")
            waited = time.monotonic() - t0
        assert waited < 5
        assert "try again" in str(err.value) and "\n" not in str(err.value)
        with quick.session() as db:  # the lock is gone: the same write now succeeds
            _add_org(db, "OrgA")
    finally:
        quick.dispose()


def test_a_writer_waits_for_a_short_lock_instead_of_failing(store, db_url):
    patient = Store(db_url, busy_timeout=5, busy_retries=2)
    done = threading.Event()

    def release_soon(ctx):
        time.sleep(0.5)
        ctx.__exit__(None, None, None)
        done.set()

    try:
        ctx = write_lock_held(db_url)
        ctx.__enter__()
        threading.Thread(target=release_soon, args=(ctx,)).start()
        with patient.session() as db:
            _add_org(db, "OrgB")
        assert done.wait(5)
    finally:
        patient.dispose()
    with store.session() as db:
        assert db.scalar(select(Organization.name)) == "OrgB"


def test_cli_prints_one_line_on_a_held_lock(store, db_url, monkeypatch, capsys):
    from hydrawatch.cli import main

    monkeypatch.setenv("HYDRAWATCH_BUSY_TIMEOUT", "0.3")
    monkeypatch.setenv("HYDRAWATCH_BUSY_RETRIES", "2")
    monkeypatch.setenv("COLUMNS", "60")  # narrow: the message must still be one line
    monkeypatch.setattr(sys, "argv", ["hydrawatch", "org", "add", "OrgA", "--by", "root",
                                      "--db", db_url])
    capsys.readouterr()
    with write_lock_held(db_url):
        with pytest.raises(SystemExit) as exit_:
            main()
    out, err = capsys.readouterr()
    assert exit_.value.code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "locked" in lines[0] or "lock" in lines[0]


def test_a_refusal_is_audited_although_its_transaction_rolls_back(store):
    with pytest.raises(PermissionDenied):
        with store.session() as db:
            _add_org(db, "Doomed")
            audit.record(db, "mallory", "org.add", "organization", 1, {})
            raise PermissionDenied("mallory may not", actor="mallory", action="org.add",
                                   object_type="organization", object_id="Doomed")
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 0
        rows = db.scalars(select(AuditEntry)).all()
        assert [(r.actor, r.action, r.details["attempted"]) for r in rows] == \
            [("mallory", "refused", "org.add")]
        assert "mallory may not" in rows[0].details["reason"]
        assert audit.verify_chain(db).ok
