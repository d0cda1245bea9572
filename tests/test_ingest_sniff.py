"""Format detection never confuses formats: every registered format's ``sniff`` runs on the
first value of every other format's fixtures and must claim only its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hydrawatch.ingest import FORMATS, bluesky, mastodon, telegram, x_v2

FIXTURES = Path(__file__).parent / "fixtures"
OWNERS = {"canonical": "canonical", "x_v2": "x_v2", "mastodon": "mastodon", "bluesky": "bluesky",
          "telegram": "telegram"}
SHARED = Path(__file__).parent / "fixtures" / "shared_formats"  # copies of shared/formats

CANONICAL_LINES = [
    {"kind": "account", "platform": "x", "id": "1", "handle": "example_one",
     "observed_at": "2026-03-01T00:00:00Z"},
    {"kind": "post", "platform": "x", "id": "2", "account_id": "1",
     "created_at": "2026-03-01T10:00:00Z", "text": "hello #tag", "hashtags": ["tag"]},
    {"kind": "edge", "platform": "x", "src": "1", "dst": "3", "type": "follows"},
    {"kind": "status", "platform": "x", "id": "1", "status": "suspended",
     "observed_at": "2026-03-05T08:00:00Z"},
    # canonical records that happen to carry other formats' keys are still canonical
    {"kind": "account", "platform": "mastodon", "id": "1", "acct": "a", "username": "a"},
    {"kind": "account", "platform": "bluesky", "id": "did:plc:x", "did": "did:plc:x",
     "handle": "a.example"},
    {"kind": "post", "platform": "x", "id": "1", "data": [], "meta": {}},
]


def first_value(path: Path):
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:  # JSONL: the engine sniffs the first line
        return json.loads(text.splitlines()[0])


def fixture_files():
    files = []
    for folder, owner in OWNERS.items():
        for path in sorted((FIXTURES / folder).rglob("*.json*")):
            files.append(pytest.param(path, owner, id=str(path.relative_to(FIXTURES))))
    return files


@pytest.mark.parametrize("path, owner", fixture_files())
def test_only_the_owner_claims_a_fixture(path, owner):
    value = first_value(path)
    claims = [fmt.NAME for fmt in FORMATS if fmt.sniff(value)]
    assert claims == [owner]


@pytest.mark.parametrize("path, owner", fixture_files())
def test_no_platform_format_claims_a_single_jsonl_line_of_another(path, owner):
    if path.suffix != ".jsonl":
        pytest.skip("a JSON document")
    for line in path.read_text(encoding="utf-8").splitlines():
        value = json.loads(line)
        assert [fmt.NAME for fmt in FORMATS if fmt.sniff(value)] == [owner]


@pytest.mark.parametrize("record", CANONICAL_LINES, ids=lambda r: r["kind"])
def test_platform_formats_never_claim_canonical_records(record):
    for fmt in (x_v2, mastodon, bluesky, telegram):
        assert not fmt.sniff(record), fmt.NAME


@pytest.mark.parametrize("name, owner", [
    ("x_v2_tweets.json", "x_v2"), ("x_v2_users_lookup.json", "x_v2"),
    ("mastodon_statuses.json", "mastodon")])
def test_shared_examples_are_claimed_by_their_format(name, owner):
    value = first_value(SHARED / name)
    assert [fmt.NAME for fmt in FORMATS if fmt.sniff(value)] == [owner]


@pytest.mark.parametrize("value", [None, 1, "text", [], {}, [None], {"a": 1}, [[1]]])
def test_odd_values_are_claimed_by_nobody_and_never_crash(value):
    for fmt in (x_v2, mastodon, bluesky, telegram):
        assert fmt.sniff(value) is False, fmt.NAME
