"""Each export of the verified list: CSV, JSON, STIX 2.1 (through stix2-validator),
Mastodon's block-list import CSV, and PDQ hashes read back by python-threatexchange."""

from __future__ import annotations

import csv
import io
import socket

import orjson
import pytest

from hydrawatch.act.export import export, export_formats, write_export
from hydrawatch.store.anchor import head
from tests.act_world import HOSTILE_HANDLE, PLANTED_NAMES, build_list_world, day

NOW = day(10)


@pytest.fixture
def world(store):
    with store.session() as db:
        expected = build_list_world(db)
    return store, expected


def test_formats_are_registered():
    assert {"csv", "json", "stix", "mastodon-csv", "hashes"} <= set(export_formats())


def test_csv(world):
    store, expected = world
    text = export(store, "csv", now=NOW)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [f"{r['platform']}:{r['id']}" for r in rows] == expected["listed"]
    by = {f"{r['platform']}:{r['id']}": r for r in rows}
    assert {k: int(r["confirmations"]) for k, r in by.items()} == expected["confirmations"]
    assert by["x:1"]["evidence_sha256"].split(";") == expected["evidence"]["x:1"]
    assert (by["x:1"]["status"], by["x:2"]["status"], by["x:3"]["status"]) == \
        ("active", "removed", "unchecked")
    assert by["x:2"]["category"] == "recruitment" and by["x:1"]["verified_at"] == "2026-01-02T00:00:00Z"
    assert by["x:3"]["handle"] == "'" + HOSTILE_HANDLE  # a spreadsheet will not run it
    assert by["mastodon:m2"]["handle"].startswith("'=")


def test_json_carries_the_audit_head(world):
    store, expected = world
    doc = orjson.loads(export(store, "json", now=NOW, publisher="Example Watch"))
    with store.session() as db:
        assert doc["audit"] == head(db).as_dict()
    assert doc["publisher"] == "Example Watch" and doc["count"] == 5
    acc = {f"{a['platform']}:{a['id']}": a for a in doc["accounts"]}
    assert acc["x:3"]["handle"] == HOSTILE_HANDLE  # JSON keeps the value; readers escape it
    assert acc["x:2"]["evidence_sha256"] == expected["evidence"]["x:2"]
    assert set(acc["x:1"]) == {"platform", "id", "handle", "category", "verified_at",
                               "confirmations", "evidence_sha256", "status", "status_at"}


def test_stix_passes_stix2_validator_offline(world, monkeypatch):
    from stix2validator import ValidationOptions, validate_string

    store, expected = world

    def no_network(*args, **kwargs):
        raise AssertionError("the STIX export tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text = export(store, "stix", now=NOW, publisher="Example Watch", tlp="green")
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid and not result.errors
    bundle = orjson.loads(text)
    by_type: dict[str, list] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert len(by_type["user-account"]) == 5 and len(by_type["indicator"]) == 5
    ident, = by_type["identity"]
    assert ident["name"] == "Example Watch" and ident["identity_class"] == "organization"
    marking, = by_type["marking-definition"]
    assert marking["definition"] == {"tlp": "green"}
    assert all(marking["id"] in o["object_marking_refs"] for o in bundle["objects"]
               if o["type"] != "marking-definition")
    accounts = {o["user_id"]: o for o in by_type["user-account"]}
    assert accounts["2"]["is_disabled"] is True and accounts["1"]["is_disabled"] is False
    assert accounts["1"]["account_type"] == "twitter" and accounts["m1"]["account_type"] == "mastodon"
    assert accounts["3"]["account_login"] == HOSTILE_HANDLE
    patterns = sorted(i["pattern"] for i in by_type["indicator"])
    assert "[user-account:account_type = 'twitter' AND user-account:user_id = '1']" in patterns
    report, = by_type["report"]
    refs = set(report["object_refs"])
    assert {o["id"] for o in by_type["user-account"] + by_type["indicator"]} == refs
    with store.session() as db:
        assert head(db).hash in report["description"]
    ind = next(i for i in by_type["indicator"] if i["name"] == "x account 1")
    assert sorted(r["hashes"]["SHA-256"] for r in ind["external_references"]) == \
        expected["evidence"]["x:1"]


def test_stix_pattern_escapes_hostile_ids(store):
    from hydrawatch.act.stix import validate_bundle
    from tests.act_world import add_case

    with store.session() as db:
        add_case(db, "telegram", "a'b\\c] OR [x:y = 'z", "verified", handle="it's")
    text = export(store, "stix", now=NOW)
    assert validate_bundle(text)[0] == []
    ind = next(o for o in orjson.loads(text)["objects"] if o["type"] == "indicator")
    assert ind["pattern"].endswith("user-account:user_id = 'a\\'b\\\\c] OR [x:y = \\'z']")


def test_mastodon_block_import_csv(world):
    store, _ = world
    text = export(store, "mastodon-csv", now=NOW)
    assert text.splitlines() == ["Account address", "gamma@ex.social"]


def test_hashes_read_back_by_python_threatexchange(world, tmp_path):
    from threatexchange.exchanges.impl.file_api import (FileCollaborationConfig,
                                                        LocalFileSignalExchangeAPI)
    from threatexchange.signal_type.pdq.signal import PdqSignal

    store, expected = world
    path = write_export(store, "hashes", tmp_path / "hashes.txt", now=NOW)
    api = LocalFileSignalExchangeAPI(FileCollaborationConfig(name="hw", filename=str(path)))
    updates = {}
    for delta in api.fetch_iter([PdqSignal], None):
        updates.update(delta.updates)
    assert sorted(updates) == [("pdq", h) for h in expected["pdq"]]
    assert all(PdqSignal.validate_signal_str(h) == h for _, h in updates)


def test_no_identity_in_any_export(world):
    store, _ = world
    planted = [*PLANTED_NAMES, *PLANTED_NAMES.values(), "Ashdown", "Quartermaine"]
    for fmt in export_formats():
        text = export(store, fmt, now=NOW)
        for name in planted:
            assert name.lower() not in text.lower(), (fmt, name)


def test_act_public_names_resolve():
    import hydrawatch.act as act

    for name in act.__all__:
        assert getattr(act, name) is not None, name
