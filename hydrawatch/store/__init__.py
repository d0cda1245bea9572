"""The store: one SQL schema (SQLite by default, PostgreSQL for teams), and the
hash-chained audit log kept in it (``audit``)."""

from hydrawatch.store.audit import ChainReport, verify_chain
from hydrawatch.store.db import Store, default_url, open_store

__all__ = ["ChainReport", "Store", "default_url", "open_store", "verify_chain"]
