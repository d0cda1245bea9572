"""Shared fixtures. Every test that takes ``store`` runs on a fresh database: a temporary
SQLite file by default, or a fresh PostgreSQL database when HYDRAWATCH_TEST_PG names a
server (e.g. postgresql://postgres@127.0.0.1:5432/postgres), as .ci/run does."""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from hydrawatch.store import Store, open_store

PG_BASE = os.environ.get("HYDRAWATCH_TEST_PG")
_counter = itertools.count()


def _pg_url(dbname: str) -> str:
    base = PG_BASE.replace("postgresql://", "postgresql+psycopg://", 1)
    return base.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def _pg_template():
    if not PG_BASE:
        yield None
        return
    name = f"hw_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_url(PG_BASE.rsplit("/", 1)[1]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    tpl = Store(_pg_url(name))
    tpl.init()
    tpl.dispose()
    yield (admin, name)
    with admin.connect() as conn:
        rows = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                            {"p": f"{name}%"}).scalars().all()
        for db in rows:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    admin.dispose()


def _fresh_db(tmp_dir, pg_template, tag: str) -> str:
    """A SQLite file in ``tmp_dir``, or a PostgreSQL database copied from the migrated template."""
    if pg_template is None:
        return f"sqlite:///{tmp_dir}/test.db"
    admin, tpl = pg_template
    name = f"{tpl}_{tag}{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"'))
    return _pg_url(name)


@pytest.fixture
def db_url(tmp_path, _pg_template) -> str:
    """URL of a fresh, migrated, empty database."""
    return _fresh_db(tmp_path, _pg_template, "")


@pytest.fixture
def store(db_url):
    st = open_store(db_url)
    yield st
    st.dispose()


@pytest.fixture
def is_postgres(db_url) -> bool:
    return db_url.startswith("postgresql")


@pytest.fixture(scope="module")
def module_db_url(tmp_path_factory, _pg_template) -> str:
    """A fresh, migrated database shared by one test module (e.g. one web server per module)."""
    return _fresh_db(tmp_path_factory.mktemp("moddb"), _pg_template, "m")
