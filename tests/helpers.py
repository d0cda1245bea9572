"""Small helpers shared by tests."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from hydrawatch.store.schema import Account
from hydrawatch.store.stats import collect_stats


def write_jsonl(path, records) -> str:
    with open(path, "wb") as fh:
        for rec in records:
            fh.write(orjson.dumps(rec) + b"\n")
    return str(path)


def counts(store) -> dict:
    return collect_stats(store)


def account(store, platform: str, account_id: str) -> Account | None:
    with store.session() as db:
        return db.scalars(select(Account).where(Account.platform == platform,
                                                Account.account_id == account_id)).first()


def load_json(path):
    """A fixture file: one JSON document, or a list of the values of a JSONL file."""
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".jsonl"):
        return [orjson.loads(line) for line in text.splitlines() if line.strip()]
    return orjson.loads(text)


def by_kind(records, kind):
    return [r for r in records if r["kind"] == kind]


def import_list_as_admin(store, path, *, org: str, name: str | None = None):
    """``lists.import_list`` for ``org`` by an admin, whichever API is in place: the one
    creating the organisation on the fly, or the one with roles (issue 10), where the first
    admin is bootstrapped and creates ``org`` first."""
    import inspect

    from hydrawatch.verification.lists import import_list

    if "by_user" not in inspect.signature(import_list).parameters:
        return import_list(store, path, org=org, name=name)
    from hydrawatch.verification import people as orgs
    from hydrawatch.errors import HydrawatchError

    admin = "test-admin"
    with store.session() as db:
        has_admin = orgs.has_admin(db)
    if not has_admin:
        orgs.bootstrap_admin(store, admin, org=org)
    try:
        orgs.add_org(store, org, by_user=admin)
    except HydrawatchError:
        pass  # it exists already
    return import_list(store, path, org=org, name=name, by_user=admin)
