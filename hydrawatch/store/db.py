"""Opening the database, creating and upgrading it (Alembic only), sessions.

A database URL may hold a password: every message that shows a URL or a driver's error
passes through ``redact``. A new SQLite file is created readable by its owner only (it
holds password hashes and appellants' contacts); SQLite gives its -wal and -shm files the
database file's permissions. A server that cannot be reached is one ``StoreError`` line.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hydrawatch.errors import ConfigError, StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    return os.environ.get("HYDRAWATCH_DB") or "sqlite:///hydrawatch.db"


def _normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not depend on.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^/:@\s]*:)[^@\s]*@")
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.I)


def redact(text: str) -> str:
    """``text`` with the password of every URL (``scheme://user:PASSWORD@host``) and every
    ``password=...`` connection parameter replaced by ``***``."""
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + "***@", str(text))
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + "***", text)


def safe_url(url: str) -> str:
    """A database URL fit to show: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is still redacted by pattern
        return redact(url)


def one_line(exc: BaseException, limit: int = 300) -> str:
    """A driver error as one short line, password redacted."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    return redact(text if len(text) <= limit else text[:limit] + "...")


def _create_private_sqlite_file(url: str) -> None:
    """Create the SQLite file with mode 0600 before SQLite does (it would use 0644)."""
    try:
        database = make_url(url).database
    except Exception:  # noqa: BLE001
        return
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return  # an existing file keeps its mode; a missing folder is SQLite's error
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create database file {path}: {exc.strerror}") from None


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
        raise ConfigError(f"cannot open database {safe_url(url)}: {redact(str(exc))}") from None
    if url.startswith("sqlite"):
        _create_private_sqlite_file(url)
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
        try:
            with self.engine.connect() as conn:  # the common case: at head, nothing to do
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return head
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot connect to database {safe_url(self.url)}: "
                             f"{one_line(exc)}") from None
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
