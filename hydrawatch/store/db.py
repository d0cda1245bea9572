"""Opening the database, creating and upgrading it (Alembic only), sessions."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hydrawatch.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    return os.environ.get("HYDRAWATCH_DB") or "sqlite:///hydrawatch.db"


def _normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not depend on.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _json_dumps(obj) -> str:
    return orjson.dumps(obj, default=str).decode()


def make_engine(url: str) -> Engine:
    url = _normalise_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json_dumps)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps)
    except Exception as exc:  # bad URL, missing driver
        raise ConfigError(f"cannot open database {url!r}: {exc}") from exc
    return engine


class Store:
    """A database handle: ``store.session()`` gives a transaction, ``store.init()``
    creates or upgrades the schema."""

    def __init__(self, url: str | None = None):
        self.url = _normalise_url(url or default_url())
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def init(self) -> str:
        """Create or upgrade the schema to the newest migration; safe to run twice.
        Returns the revision the database is at."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:  # the common case: already at head, nothing to do
            if MigrationContext.configure(conn).get_current_revision() == head:
                return head
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or ""

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any error."""
        with self._sessions() as sess:
            with sess.begin():
                yield sess

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, init: bool = True) -> Store:
    """Open the store at ``url`` (or $HYDRAWATCH_DB, or ./hydrawatch.db), creating or
    upgrading the schema first unless ``init`` is False."""
    store = Store(url)
    if init:
        store.init()
    return store


@contextmanager
def transaction(db_or_store) -> Iterator[Session]:
    """A session for an API that accepts either a Store (a new transaction, committed on
    success) or a Session (the caller's transaction, left to the caller to commit)."""
    if isinstance(db_or_store, Session):
        yield db_or_store
    else:
        with db_or_store.session() as sess:
            yield sess
