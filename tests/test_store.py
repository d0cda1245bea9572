from sqlalchemy import inspect

from hydrawatch.store import Store
from hydrawatch.store.stats import collect_stats

TABLES = {"accounts", "handles", "posts", "media", "edges", "statuses", "organizations", "users",
          "nominations", "cases", "evidence", "reviews", "links", "reports", "appeals",
          "publications", "audit_log"}


def test_init_creates_every_table_and_is_idempotent(db_url):
    store = Store(db_url)
    rev1 = store.init()
    rev2 = store.init()
    assert rev1 == rev2 and rev1
    assert TABLES <= set(inspect(store.engine).get_table_names())


def test_stats_on_empty_store(store):
    figures = collect_stats(store)
    for key in ("accounts", "posts", "edges", "statuses", "suspended_accounts", "handle_changes",
                "nominations", "nominations_resolved", "cases", "verified_cases"):
        assert figures[key] == 0
