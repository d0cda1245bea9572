"""The issue-10 migration goes down and up again on SQLite and PostgreSQL, keeps one head,
and leaves the schema the ORM models describe."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from hydrawatch.store import Store
from hydrawatch.store.db import MIGRATIONS

NEW_COLUMNS = {"nominations": {"dedup_key"}, "reviews": {"predecessor_evidence"},
               "appeals": {"account_key", "contact_key", "open_key"}}


def _cfg() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _columns(store: Store) -> dict[str, set[str]]:
    insp = inspect(store.engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in NEW_COLUMNS}


def test_one_head():
    assert len(ScriptDirectory.from_config(_cfg()).get_heads()) == 1


def test_trust_migration_down_and_up(db_url):
    store = Store(db_url)
    try:
        store.init()
        cfg = _cfg()
        assert all(NEW_COLUMNS[t] <= cols for t, cols in _columns(store).items())
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "i10_trust_verify-1")
        assert not any(NEW_COLUMNS[t] & cols for t, cols in _columns(store).items())
        store.engine.dispose()
        store.init()
        assert all(NEW_COLUMNS[t] <= cols for t, cols in _columns(store).items())
        idx = {i["name"] for i in inspect(store.engine).get_indexes("appeals")}
        assert {"uq_appeals_open", "ix_appeals_account_time"} <= idx
    finally:
        store.dispose()
