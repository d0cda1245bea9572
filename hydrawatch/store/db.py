"""Opening the database, creating and upgrading it (Alembic only), sessions.

Concurrency (issue 10). On SQLite every write transaction begins ``IMMEDIATE``: it takes
the database's write lock before its first read, so a read-then-write transaction (open a
case if none, vote and apply the rule) can never act on a stale read, and two of them can
never deadlock on a lock upgrade. Waiting for the lock is bounded: a busy timeout per try
(``HYDRAWATCH_BUSY_TIMEOUT`` seconds, default 20) and a few tries
(``HYDRAWATCH_BUSY_RETRIES``, default 3), then :class:`~hydrawatch.errors.StoreBusy`, which
the CLI prints as one line. PostgreSQL gets a ``lock_timeout`` of the same length, and its
lock timeouts, deadlocks and serialisation failures end in the same error.

Refused actions (issue 10): a :class:`~hydrawatch.errors.PermissionDenied` raised inside
:meth:`Store.session` rolls the transaction back, and *then* is written to the audit log in
a transaction of its own, so the refusal outlives the rollback.

Secrets (issue 10). A database URL may hold a password: every message that shows a URL or
a driver's error passes through ``redact``. A new SQLite file is created readable by its
owner only (it holds password hashes and appellants' contacts); SQLite gives its -wal and
-shm files the database file's permissions. A server that cannot be reached is one
``StoreError`` line.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hydrawatch.errors import ConfigError, PermissionDenied, StoreBusy, StoreError

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


def busy_settings() -> tuple[float, int]:
    """(seconds to wait for a lock per try, tries) from the environment."""
    try:
        timeout = float(os.environ.get("HYDRAWATCH_BUSY_TIMEOUT", "20"))
        retries = int(os.environ.get("HYDRAWATCH_BUSY_RETRIES", "3"))
    except ValueError as exc:
        raise ConfigError(f"HYDRAWATCH_BUSY_TIMEOUT / HYDRAWATCH_BUSY_RETRIES: {exc}") from None
    return max(timeout, 0.0), max(retries, 1)


def _sqlite_pragmas(timeout: float):
    def connect(dbapi_conn, _record) -> None:
        # We emit BEGIN ourselves (see _sqlite_begin): pysqlite's implicit BEGIN is DEFERRED.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cur.close()
    return connect


def _sqlite_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


_BUSY_SQLSTATES = {"55P03": "a lock wait timed out", "40P01": "a deadlock was detected",
                   "40001": "a concurrent update conflicted (serialisation failure)"}


def busy_reason(exc: BaseException) -> str | None:
    """Why ``exc`` is a lock conflict (SQLite busy/locked, PostgreSQL lock timeout,
    deadlock or serialisation failure), or None for any other error."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    if state in _BUSY_SQLSTATES:
        return _BUSY_SQLSTATES[state]
    msg = str(orig).lower()
    if "database is locked" in msg or "database table is locked" in msg or "database is busy" in msg:
        return "the database is locked by another writer"
    return None


def _json_dumps(obj) -> str:
    return orjson.dumps(obj, default=str).decode()


def make_engine(url: str, busy_timeout: float | None = None) -> Engine:
    url = _normalise_url(url)
    timeout = busy_settings()[0] if busy_timeout is None else busy_timeout
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": timeout}, json_serializer=_json_dumps,
                                   json_deserializer=orjson.loads)
            event.listen(engine, "connect", _sqlite_pragmas(timeout))
            event.listen(engine, "begin", _sqlite_begin)
        else:
            options = f"-c lock_timeout={max(int(timeout * 1000), 1)}"
            engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps,
                                   json_deserializer=orjson.loads,
                                   connect_args={"options": options})
    except Exception as exc:  # bad URL, missing driver
        raise ConfigError(f"cannot open database {safe_url(url)}: {redact(str(exc))}") from None
    if url.startswith("sqlite"):
        _create_private_sqlite_file(url)
    return engine


class Store:
    """A database handle: ``store.session()`` gives a transaction, ``store.init()``
    creates or upgrades the schema."""

    def __init__(self, url: str | None = None, *, busy_timeout: float | None = None,
                 busy_retries: int | None = None):
        self.url = _normalise_url(url or default_url())
        timeout, retries = busy_settings()
        self.busy_timeout = timeout if busy_timeout is None else busy_timeout
        self.busy_retries = retries if busy_retries is None else max(busy_retries, 1)
        self.engine = make_engine(self.url, self.busy_timeout)
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
            if busy_reason(exc) is not None:
                raise
            raise StoreError(f"cannot connect to database {safe_url(self.url)}: "
                             f"{one_line(exc)}") from None
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or ""

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def _busy(self, why: str) -> StoreBusy:
        waited = self.busy_timeout * self.busy_retries
        return StoreBusy(f"{why}: gave up after {self.busy_retries} tr"
                         f"{'y' if self.busy_retries == 1 else 'ies'} ({waited:g} s); "
                         "try again when the other writer has finished")

    def _begin(self, readonly: bool) -> tuple[Session, object]:
        """A session whose transaction has begun (on SQLite: holding the write lock unless
        ``readonly``), retrying a busy database a bounded number of times."""
        opts = {"sqlite_begin": "DEFERRED" if readonly else "IMMEDIATE"} \
            if self.dialect == "sqlite" else {}
        for attempt in range(1, self.busy_retries + 1):
            sess = self._sessions()
            trans = sess.begin()
            try:
                sess.connection(execution_options=opts)
                return sess, trans
            except DBAPIError as exc:
                sess.close()
                why = busy_reason(exc)
                if why is None:
                    raise
                if attempt == self.busy_retries:
                    raise self._busy(why) from None
                time.sleep(min(0.05 * attempt, 0.5))
        raise AssertionError("unreachable")

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any error. On SQLite it
        holds the write lock from its start (``BEGIN IMMEDIATE``) unless ``readonly``."""
        sess, trans = self._begin(readonly)
        refused: list[PermissionDenied] = sess.info.setdefault("refused", [])
        try:
            try:
                yield sess
                trans.commit()
            except BaseException as exc:
                trans.rollback()
                if isinstance(exc, PermissionDenied) and not any(e is exc for e in refused):
                    refused.append(exc)
                why = busy_reason(exc)
                if why is not None:
                    raise self._busy(why) from None
                raise
        finally:
            sess.close()
            if refused:
                self._record_refusals(refused)

    def _record_refusals(self, refused: list[PermissionDenied]) -> None:
        """Audit refused actions in a transaction of their own (after the rollback)."""
        from hydrawatch.store.refusals import record_refusals

        todo = [exc for exc in refused if not getattr(exc, "audited", False)]
        if not todo:
            return
        with self.session() as db:
            record_refusals(db, todo)

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
def transaction(db_or_store, *, readonly: bool = False) -> Iterator[Session]:
    """A session for an API that accepts either a Store (a new transaction, committed on
    success; ``readonly`` ones do not take SQLite's write lock) or a Session (the caller's
    transaction, left to the caller to commit)."""
    if isinstance(db_or_store, Session):
        yield db_or_store
    else:
        with db_or_store.session(readonly=readonly) as sess:
            yield sess
