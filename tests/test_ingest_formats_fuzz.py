"""Hostile input: every platform adapter, fed mutated fixtures (a value swapped for one of
another type, a key removed), either yields records that pass canonical validation or raises
RecordError; never a raw KeyError/TypeError/AttributeError."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from hydrawatch.errors import RecordError
from hydrawatch.ingest.base import Dropped
from hydrawatch.ingest import bluesky, canonical, mastodon, telegram, x_v2

FIXTURES = Path(__file__).parent / "fixtures"
MODULES = {"x_v2": x_v2, "mastodon": mastodon, "bluesky": bluesky, "telegram": telegram}
ODD_VALUES = [None, 0, -1, 1.5, 2**70, True, "", "x", "did:plc:x", "at://x", [], [None], {},
              {"id": 1}, "channel", "2026-13-45T99:00:00Z"]


def _paths(node, prefix=()):
    """Every (container, key) location in a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield prefix + (i,)
            yield from _paths(value, prefix + (i,))


def _mutate(value, rng):
    value = copy.deepcopy(value)
    paths = list(_paths(value))
    if not paths:
        return value
    path = rng.choice(paths)
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return value


def _values():
    for folder, module in MODULES.items():
        for path in sorted((FIXTURES / folder).rglob("*.json*")):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".jsonl":
                for line in text.splitlines():
                    yield pytest.param(module, json.loads(line), id=f"{path.name}:{line[:20]}")
            else:
                yield pytest.param(module, json.loads(text), id=path.name)


@pytest.mark.parametrize("module, value", list(_values()))
def test_mutated_inputs_raise_only_record_errors(module, value):
    rng = random.Random(f"{module.NAME}:{len(json.dumps(value))}")
    for _ in range(150):
        mutated = _mutate(value, rng)
        try:
            for record in module.records(mutated, 5):
                if not isinstance(record, Dropped):
                    canonical.validate(record, 5)
        except RecordError as exc:
            assert exc.line == 5
            assert exc.reason
