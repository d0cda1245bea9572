"""Helpers shared by the command modules: opening the store, printing JSON."""

from __future__ import annotations

import sys

import orjson

from hydrawatch.store import Store, open_store


def store_for(db: str | None) -> Store:
    return open_store(db)


def print_json(obj) -> None:
    sys.stdout.buffer.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()
