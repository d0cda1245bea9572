"""Property-based fuzzing of every input format (issue 10): zero tracebacks, zero partial
writes.

Hypothesis mutates the fixture files of each format (canonical JSONL, X API v2, Mastodon,
Bluesky, Telegram) and the group-list fixtures: values swapped for hostile ones (numbers
beyond 64 bits, times that overflow in UTC, ids and handles megabytes long, objects nested
hundreds deep, NUL characters, lone surrogates, rich markup, formula text), keys removed or
added, items duplicated, and whole random JSON values. Each mutated file goes through the
real ``ingest_paths`` / ``import_list`` into the test store (SQLite, or PostgreSQL in CI):

- the only exception allowed is ``InputError`` (a clean error naming the file); anything
  else fails the test, with and without ``skip_bad``;
- a file rejected with an error leaves the store exactly as it was (every row of every
  table the import writes to is compared).

The number of examples per format is ``HYDRAWATCH_FUZZ_EXAMPLES`` (default 40, so CI stays
quick); the run is derandomised, so CI sees the same examples every time. With
``HYDRAWATCH_FUZZ_REPORT=FILE`` each test appends its figures (examples, accepted,
rejected, tracebacks, partial writes) as a JSON line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hydrawatch.errors import InputError
from hydrawatch.ingest import ingest_paths
from tests.helpers import import_list_as_admin as import_list
from hydrawatch.store.schema import (Account, Edge, GroupList, Handle, IngestedFile, Media,
                                     Nomination, Post, Status)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = int(os.environ.get("HYDRAWATCH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
TABLES = (Account, Handle, Post, Media, Edge, Status, IngestedFile, GroupList, Nomination)


def _nested(depth: int, leaf=1):
    value = leaf
    for i in range(depth):
        value = {"k": value} if i % 2 else [value]
    return value


HOSTILE = st.sampled_from([
    2**63, 2**63 - 1, 2**64 - 1, -(2**63) - 1, 2**70, 10**18, -(10**18), 1e300, -0.0, 12.5,
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-13-45T99:00:00Z",
    "x" * 129, "h" * 300, "y" * 200_000, "\x00", "a\x00b", "\ud800", "[/]",
    "[link=https://evil.example]x[/link]", "\x1b]8;;https://evil.example\x1b\\", "=cmd|' /C calc'!A0",
    "did:plc:", "at://did:plc:x/app.bsky.feed.post/1", "@", "https://twitter.com/", "",
    " ", "user@", "@@x", "channel", "message", "retweeted", "suspended", "follows",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**66), 2**66),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                    HOSTILE)
KEYS = st.sampled_from(["id", "kind", "platform", "handle", "text", "data", "includes",
                        "author_id", "created_at", "username", "acct", "account", "did",
                        "uri", "author", "post", "record", "messages", "from_id", "type",
                        "extra", "mentions", "media", "__twarc", "url", "meta", "errors"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(KEYS | st.text(max_size=6), inner, max_size=3),
                      max_leaves=8)
DEEP = st.integers(250, 320).map(_nested)


def _load(path: Path):
    """(is_jsonl, value): a JSONL file's lines as a list, or a document."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return True, [json.loads(line) for line in text.splitlines() if line.strip()]
    return False, json.loads(text)


SEEDS = {
    "canonical": [FIXTURES / "canonical" / "basic.jsonl"],
    "x_v2": sorted((FIXTURES / "x_v2").glob("*.json*"))
    + sorted((FIXTURES / "shared_formats").glob("x_v2_*.json")),
    "mastodon": sorted((FIXTURES / "mastodon").glob("*.json*"))
    + [FIXTURES / "shared_formats" / "mastodon_statuses.json"],
    "bluesky": sorted((FIXTURES / "bluesky").glob("*.json*")),
    "telegram": sorted((FIXTURES / "telegram").rglob("result.json")),
}


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,), node, key
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield prefix + (i,), node, i
            yield from _paths(value, prefix + (i,))


def _mutate(data, value):
    """One mutation, drawn by hypothesis, applied in place to ``value`` (a container)."""
    spots = list(_paths(value))
    if not spots:
        return
    _, parent, key = spots[data.draw(st.integers(0, len(spots) - 1), label="where")]
    op = data.draw(st.sampled_from(["replace", "replace", "deep", "delete", "add", "dup"]),
                   label="op")
    if op == "replace":
        parent[key] = data.draw(VALUES, label="value")
    elif op == "deep":
        parent[key] = data.draw(DEEP, label="deep")
    elif op == "delete" and isinstance(parent, dict):
        del parent[key]
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(KEYS, label="key")] = data.draw(VALUES, label="value")
    elif op == "dup" and isinstance(parent, list):
        parent.append(json.loads(json.dumps(parent[key])))
    else:
        parent[key] = data.draw(SCALARS, label="value")


def _snapshot(store) -> dict:
    """Every row of every table an import writes to."""
    out = {}
    with store.session() as db:
        for table in TABLES:
            cols = [c for c in table.__table__.columns]
            rows = db.execute(select(*cols)).all()
            out[table.__tablename__] = sorted(repr(tuple(r)) for r in rows)
    return out


class Figures:
    def __init__(self, name: str):
        self.name, self.examples, self.accepted, self.rejected = name, 0, 0, 0

    def report(self):
        line = {"format": self.name, "examples": self.examples, "accepted": self.accepted,
                "rejected": self.rejected, "tracebacks": 0, "partial_writes": 0}
        print(json.dumps(line))
        if os.environ.get("HYDRAWATCH_FUZZ_REPORT"):
            with open(os.environ["HYDRAWATCH_FUZZ_REPORT"], "a") as fh:
                fh.write(json.dumps(line) + "\n")


def _ingest_once(store, path: Path, figures: Figures, skip_bad: bool) -> None:
    before = _snapshot(store)
    try:
        ingest_paths(store, [path], skip_bad=skip_bad, force=True)
    except InputError as exc:
        assert exc.path is not None and len(exc.reason) <= 203, str(exc)[:300]
        assert _snapshot(store) == before, f"partial write on rejected file: {exc}"
        figures.rejected += 1
        return
    figures.accepted += 1


@pytest.mark.parametrize("fmt", list(SEEDS))
def test_fuzz_ingest_format(store, tmp_path, fmt):
    seeds = [_load(p) for p in SEEDS[fmt]]
    assert seeds, f"no fixtures for {fmt}"
    figures = Figures(fmt)

    @FUZZ
    @given(data=st.data())
    def run(data):
        jsonl, value = seeds[data.draw(st.integers(0, len(seeds) - 1), label="seed")]
        value = json.loads(json.dumps(value))
        if data.draw(st.integers(0, 9), label="random whole") == 0:
            value = [data.draw(VALUES)] if jsonl else data.draw(VALUES)
        else:
            for _ in range(data.draw(st.integers(1, 4), label="mutations")):
                _mutate(data, value)
        path = tmp_path / ("in.jsonl" if jsonl else "in.json")
        if jsonl:
            path.write_text("".join(json.dumps(v) + "\n" for v in value), encoding="utf-8")
        else:
            path.write_text(json.dumps(value), encoding="utf-8")
        figures.examples += 1
        _ingest_once(store, path, figures, skip_bad=data.draw(st.booleans(), label="skip_bad"))

    run()
    figures.report()
    assert figures.examples >= min(EXAMPLES, 10)


LIST_CELLS = st.one_of(
    st.sampled_from(["@handle_one", "handle_two", "https://twitter.com/Some_One",
                     "x.com/handle/status/123", "mobile.twitter.com/abc", "@user@social.example",
                     "https://social.example/@user", "bsky.app/profile/a.bsky.social",
                     "t.me/channel_name", "x:id:123", "# comment", "", "\ufeff@bom",
                     "=cmd|' /C calc'!A0", "[/][link=https://evil.example]x[/link]",
                     "@" + "h" * 16, "x:id:" + "9" * 129, "n" * (200 * 1024), '"unclosed',
                     'a""b', "\x00", "\ud800", "\r", "@a,@b;@c\t@d"]),
    st.text(max_size=30))


@pytest.mark.parametrize("verified", [False])
def test_fuzz_lists_import(store, tmp_path, verified):
    figures = Figures("lists")
    counter = iter(range(10**9))

    @FUZZ
    @given(rows=st.lists(st.lists(LIST_CELLS, min_size=1, max_size=3), max_size=8),
           sep=st.sampled_from([",", ";", "\t", " "]), encoding=st.sampled_from(["utf-8", "latin-1"]))
    def run(rows, sep, encoding):
        text = "\n".join(sep.join(cells) for cells in rows)
        path = tmp_path / f"list{next(counter)}.csv"
        path.write_bytes(text.encode(encoding, errors="surrogatepass")
                         if encoding == "utf-8" else text.encode(encoding, errors="replace"))
        figures.examples += 1
        before = _snapshot(store)
        try:
            import_list(store, path, org="Fuzz Org", name=path.stem)
        except InputError as exc:
            assert _snapshot(store) == before, f"partial write on rejected list: {exc}"
            figures.rejected += 1
            return
        figures.accepted += 1

    run()
    figures.report()
    assert figures.examples >= min(EXAMPLES, 10)
