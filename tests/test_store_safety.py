"""The store's file and its errors (issue 10): a new SQLite file (and its -wal/-shm) is
readable by its owner only; database URL passwords never appear in errors; an unreachable
PostgreSQL server is one clear error line, no traceback."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys

import pytest

from hydrawatch.errors import ConfigError, StoreError
from hydrawatch.store import open_store
from hydrawatch.store.db import redact, safe_url

SECRET = "pw-s3cr3t-Zq9"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_sqlite_file_and_its_wal_and_shm_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        store = open_store(f"sqlite:///{tmp_path}/new.db")
        with store.session() as db:  # an open connection keeps -wal and -shm on disk
            db.connection().exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x)")
            db.connection().exec_driver_sql("INSERT INTO t VALUES (1)")
            for suffix in ("", "-wal", "-shm"):
                path = tmp_path / f"new.db{suffix}"
                assert path.exists(), suffix
                assert _mode(path) == 0o600, (suffix, oct(_mode(path)))
        store.dispose()
    finally:
        os.umask(old)


def test_cli_init_creates_a_private_file(tmp_path):
    db = tmp_path / "cli.db"
    run = subprocess.run([sys.executable, "-m", "hydrawatch", "init", "--db", f"sqlite:///{db}"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert _mode(db) == 0o600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_postgresql_is_one_line_without_password():
    url = f"postgresql://alice:{SECRET}@127.0.0.1:{_free_port()}/nothing"
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert SECRET not in str(info.value) and "alice:***@" in str(info.value)
    run = subprocess.run([sys.executable, "-m", "hydrawatch", "stats", "--db", url],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and SECRET not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot connect to database")


def test_bad_urls_are_redacted():
    with pytest.raises(ConfigError) as info:
        open_store(f"nosuchdriver://bob:{SECRET}@host/db")
    assert SECRET not in str(info.value)
    run = subprocess.run([sys.executable, "-m", "hydrawatch", "stats", "--db",
                          f"nosuchdriver://bob:{SECRET}@host/db"], capture_output=True, text=True)
    assert run.returncode == 1 and SECRET not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("text", [
    f"postgresql://u:{SECRET}@h:5432/d", f"postgresql+psycopg://u:{SECRET}@h/d?x=1",
    f"could not connect: host=h user=u password={SECRET} dbname=d",
    f"password='{SECRET}' host=h",
])
def test_redact(text):
    assert SECRET not in redact(text)


def test_safe_url():
    assert safe_url(f"postgresql+psycopg://u:{SECRET}@h/d") == "postgresql+psycopg://u:***@h/d"
    assert SECRET not in safe_url(f"not a url: postgresql://u:{SECRET}@h/d")
