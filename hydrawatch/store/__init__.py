"""The store: one SQL schema (SQLite by default, PostgreSQL for teams)."""

from hydrawatch.store.db import Store, default_url, open_store

__all__ = ["Store", "default_url", "open_store"]
