"""A small store of verified accounts on every platform, for report and track tests."""

from __future__ import annotations

from datetime import datetime, timezone

import orjson

from hydrawatch.verification.cases import open_case
from hydrawatch.ingest import ingest_paths
from hydrawatch.store.schema import Evidence
from tests.helpers import write_jsonl

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

ACCOUNTS = [
    ("x", "1710000000000000001", "x_one"),
    ("x", "1710000000000000002", "x_two"),
    ("mastodon", "101", "alice@social.example"),
    ("mastodon", "102", "alice2@social.example"),    # re-entry of 101
    ("bluesky", "did:plc:aaa", "carol.bsky.social"),
    ("bluesky", "did:plc:bbb", "carol2.bsky.social"),  # re-entry of did:plc:aaa
    ("telegram", "5001", "some_channel"),
]
REENTRIES = {("mastodon", "102"): "101", ("bluesky", "did:plc:bbb"): "did:plc:aaa"}


def build(store, tmp_path) -> dict[tuple[str, str], int]:
    """Ingest the accounts and open a verified case for each; returns case ids by key."""
    path = write_jsonl(tmp_path / "accounts.jsonl", [
        {"kind": "account", "platform": p, "id": i, "handle": h, "name": h.split("@")[0],
         "observed_at": "2026-03-01T00:00:00Z"} for p, i, h in ACCOUNTS])
    ingest_paths(store, [path])
    ids = {}
    with store.session() as db:
        for p, i, _ in ACCOUNTS:
            case, _ = open_case(db, p, i, state="verified", reason="test")
            case.category = "propaganda"
            body = orjson.dumps({"kind": "account", "platform": p, "account_id": i})
            db.add(Evidence(case_id=case.id, kind="account", ref=f"{p}:{i}", content=body.decode(),
                            sha256=f"{case.id:064x}", captured_at=T0))
            pred = REENTRIES.get((p, i))
            if pred:
                link = orjson.dumps({"kind": "link", "platform": p, "successor": i, "predecessor": pred,
                                     "confidence": 0.9, "reasons": ["handle +1"]})
                db.add(Evidence(case_id=case.id, kind="link", ref=f"{p}:{pred}", content=link.decode(),
                                sha256="f" * 64, captured_at=T0))
            ids[(p, i)] = case.id
    return ids
