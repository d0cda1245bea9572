"""Ingest limits (issue 10): every hostile value is an input error naming file and line,
quoting no value longer than 200 characters; ``--skip-bad`` skips it; the store takes
every value at the limit, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys

import orjson
import pytest

from hydrawatch.errors import InputError
from hydrawatch.ingest import ingest_paths
from hydrawatch.ingest.limits import INT64_MAX
from tests.helpers import account, counts


def write_jsonl(path, records) -> str:
    """json, not orjson: orjson refuses to write values nested 255 deep."""
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
    return str(path)

GOOD = {"kind": "account", "platform": "x", "id": "1", "handle": "good"}
MB = 1_000_000


def _acct(**fields):
    return {"kind": "account", "platform": "x", "id": "2", **fields}


def _post(**fields):
    return {"kind": "post", "platform": "x", "id": "p1", "account_id": "2",
            "created_at": "2026-03-01T00:00:00Z", **fields}


def _nested(depth: int):
    value: object = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


BAD = {
    "time overflows converting to UTC": _acct(created_at="0001-01-01T00:00:00+05:00"),
    "time overflows upward": _acct(created_at="9999-12-31T23:00:00-05:00"),
    "epoch time 10**18": _acct(created_at=10**18),
    "epoch observed_at 10**18": _acct(observed_at=-(10**18)),
    "post time 1 MB": _post(created_at="2026" + "9" * MB),
    "count 2**63": _acct(followers=2**63),
    "count 2**64 - 1": _acct(posts=2**64 - 1),
    "negative count": _acct(following=-1),
    "id of 129 characters": _acct(id="9" * 129),
    "id of 200 characters": _acct(id="9" * 200),
    "post account_id of 129": _post(account_id="9" * 129),
    "edge dst of 129": {"kind": "edge", "platform": "x", "src": "1", "dst": "9" * 129,
                        "type": "follows"},
    "reshare post id of 129": _post(reshare_of={"post_id": "9" * 129, "account_id": "1"}),
    "mention id of 129": _post(mentions=[{"id": "9" * 129, "handle": "m"}]),
    "x handle of 16": _acct(handle="h" * 16),
    "x handle of 5 MB": _acct(handle="h" * (5 * MB)),
    "x mention handle of 16": _post(mentions=[{"id": "3", "handle": "h" * 16}]),
    "mastodon username of 31": {**_acct(handle="u" * 31 + "@social.example"),
                                "platform": "mastodon"},
    "mastodon handle of 5 MB": {**_acct(handle="u" * (5 * MB)), "platform": "mastodon"},
    "bluesky handle of 254": {**_acct(handle="a" * 246 + ".example"), "platform": "bluesky"},
    "telegram username of 33": {**_acct(handle="t" * 33), "platform": "telegram"},
    "other platform handle of 256": {**_acct(handle="h" * 256), "platform": "forum"},
    "status handle of 5 MB": {"kind": "status", "platform": "x", "handle": "h" * (5 * MB),
                              "status": "suspended"},
    "extra nested 255 deep": _acct(profile=_nested(255)),
    "extra nested 300 deep in a list": _acct(extra={"x": [_nested(300)]}),
    "post extra nested 260 deep": _post(card=_nested(260)),
    "NUL in a bio": _acct(bio="a\x00b"),
    "NUL in extra": _acct(note={"k": "a\x00b"}),
    "NUL in a mention handle": _post(mentions=[{"id": "3", "handle": "a\x00b"}]),
    "NUL in an id": _acct(id="a\x00b"),
    "NUL in a reshare reference": _post(reshare_of={"post_id": "a\x00", "account_id": "1"}),
    "platform of 33": {**GOOD, "id": "2", "platform": "p" * 33},
    "lang of 17": _acct(lang="l" * 17),
    "unknown kind of 1 MB": {"kind": "k" * MB, "platform": "x", "id": "2"},
    "unknown status of 1 MB": {"kind": "status", "platform": "x", "id": "2",
                               "status": "s" * MB},
    "unknown edge type of 1 MB": {"kind": "edge", "platform": "x", "src": "1", "dst": "2",
                                  "type": "t" * MB},
}


def _assert_bounded(message: str, record) -> None:
    """No run of the record's values longer than 200 characters appears in the message."""
    assert len(message) < 1000
    for value in record.values():
        text = value if isinstance(value, str) else json.dumps(value)
        if len(text) > 200:
            for start in range(0, len(text) - 200, max(1, len(text) // 50)):
                assert text[start:start + 201] not in message


@pytest.mark.parametrize("name", list(BAD))
def test_bad_record_is_an_input_error_with_file_and_line(store, tmp_path, name):
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, BAD[name]])
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    exc = info.value
    assert (exc.path, exc.line) == (path, 2), str(exc)[:300]
    _assert_bounded(str(exc), BAD[name])
    assert counts(store)["accounts"] == 0  # the file was rejected whole

    summary = ingest_paths(store, [path], skip_bad=True)
    assert (summary.records, summary.skipped) == (1, 1)
    assert account(store, "x", "1").handle == "good"
    for reason in summary.skip_reasons():
        assert len(reason) <= 203


def test_values_at_the_limits_are_stored(store, tmp_path):
    path = write_jsonl(tmp_path / "edge.jsonl", [
        _acct(id="9" * 128, handle="h" * 15, followers=INT64_MAX, following=0,
              posts=2**40, created_at="0001-01-01T00:00:00Z",
              observed_at="9999-12-31T23:59:59Z", profile=_nested(250)),
        {**_acct(id="m", handle="u" * 30 + "@" + "d" * 249 + ".org"), "platform": "mastodon"},
        {**_acct(id="b", handle="a" * 245 + ".example"), "platform": "bluesky"},
        {**_acct(id="t", handle="t" * 32), "platform": "telegram"},
        _acct(id="e", created_at=1_700_000_000, lang="l" * 16),
    ])
    summary = ingest_paths(store, [path])
    assert summary.records == 5 and summary.skipped == 0
    top = account(store, "x", "9" * 128)
    assert (top.followers, top.posts_count, top.handle) == (INT64_MAX, 2**40, "h" * 15)
    assert top.created_at.year == 1
    assert len(account(store, "bluesky", "b").handle) == 253
    assert account(store, "x", "e").created_at.year == 2023


def test_offset_times_are_stored_in_utc(store, tmp_path):
    path = write_jsonl(tmp_path / "tz.jsonl", [_acct(created_at="2026-03-01T05:30:00+05:30")])
    ingest_paths(store, [path])
    created = account(store, "x", "2").created_at
    assert (created.hour, created.minute) == (0, 0)


@pytest.mark.parametrize("page, reason", [
    ({"data": [{"id": "1", "username": "h" * 16}]}, "longer than 15"),
    ({"data": [{"id": "1", "username": "ok", "public_metrics": {"followers_count": 2**63}}]},
     "64-bit"),
    ({"data": [{"id": "1", "username": "ok", "created_at": "0001-01-01T00:00:00+05:00"}]},
     "not a valid time"),
    ({"data": [{"id": "1" * 129, "username": "ok"}]}, "longer than 128"),
])
def test_x_v2_values_beyond_limits(store, tmp_path, page, reason):
    path = tmp_path / "page.json"
    path.write_bytes(orjson.dumps(page))
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    assert info.value.line == 1 and reason in str(info.value)
    assert ingest_paths(store, [path], skip_bad=True).skipped == 1


def test_mastodon_and_telegram_handles_of_5_mb(store, tmp_path):
    mastodon = tmp_path / "m.json"
    mastodon.write_bytes(orjson.dumps([{"id": "1", "username": "u", "acct": "u" * (5 * MB),
                                        "url": "https://social.example/@u"}]))
    telegram = tmp_path / "t.json"
    telegram.write_bytes(orjson.dumps({"name": "c", "type": "public_channel", "id": 1,
                                       "username": "c" * (5 * MB), "messages": []}))
    for path in (mastodon, telegram):
        with pytest.raises(InputError) as info:
            ingest_paths(store, [path])
        assert len(str(info.value)) < 600
    assert counts(store)["accounts"] == 0


def test_cli_never_prints_a_traceback(tmp_path):
    """Through the CLI: a clean one-line error without --skip-bad, a count with it."""
    db = f"sqlite:///{tmp_path}/cli.db"
    path = write_jsonl(tmp_path / "bad.jsonl", [GOOD, BAD["extra nested 255 deep"],
                                                BAD["time overflows converting to UTC"],
                                                BAD["count 2**63"], BAD["x handle of 5 MB"]])
    cmd = [sys.executable, "-m", "hydrawatch", "ingest", "-q", "--db", db, path]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and f"{path}:2:" in run.stderr
    assert len(run.stderr) < 1000
    run = subprocess.run(cmd + ["--skip-bad", "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    out = orjson.loads(run.stdout)
    assert (out["records"], out["skipped"]) == (1, 4)
