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
