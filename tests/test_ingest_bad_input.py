import subprocess
import sys

import orjson
import pytest

from hydrawatch.errors import InputError
from hydrawatch.ingest import ingest_paths
from tests.helpers import counts

GOOD = [{"kind": "account", "platform": "x", "id": str(i), "handle": f"h{i}"} for i in range(3)]

BAD_LINES = {
    "truncated JSON": (b'{"kind":"account","platform":"x","id":"9"', "malformed JSON"),
    "wrong type": (orjson.dumps({"kind": "account", "platform": "x", "id": 12}), "'id' must be a string"),
    "wrong type followers": (orjson.dumps({"kind": "account", "platform": "x", "id": "1", "followers": "many"}),
                             "'followers' must be an integer"),
    "invalid UTF-8": (b'{"kind":"post","platform":"x","id":"1","account_id":"2","created_at":"2026-03-01T00:00:00Z","text":"\xff\xfe"}',
                      "invalid UTF-8"),
    "missing id": (orjson.dumps({"kind": "post", "platform": "x", "account_id": "2",
                                 "created_at": "2026-03-01T00:00:00Z"}), "post without 'id'"),
    "unknown kind": (orjson.dumps({"kind": "like", "platform": "x", "id": "1"}), "unknown kind 'like'"),
    "bad time": (orjson.dumps({"kind": "post", "platform": "x", "id": "1", "account_id": "2",
                               "created_at": "yesterday"}), "not a valid time"),
}


def _file(tmp_path, bad: bytes):
    path = tmp_path / "mixed.jsonl"
    lines = [orjson.dumps(r) for r in GOOD[:2]] + [bad] + [orjson.dumps(GOOD[2])]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_bad_file_is_rejected_whole_naming_file_and_line(store, tmp_path, case):
    bad, reason = BAD_LINES[case]
    path = _file(tmp_path, bad)
    before = counts(store)
    with pytest.raises(InputError) as err:
        ingest_paths(store, [path])
    assert err.value.path == str(path) and err.value.line == 3
    assert reason in str(err.value)
    assert f"{path}:3" in str(err.value)
    assert counts(store) == before  # the store is unchanged


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_skip_bad_imports_the_good_records_and_counts_the_rest(store, tmp_path, case):
    bad, reason = BAD_LINES[case]
    summary = ingest_paths(store, [_file(tmp_path, bad)], skip_bad=True)
    assert summary.skipped == 1 and summary.records == 3
    assert any(reason in r for r in summary.skip_reasons())
    assert counts(store)["accounts"] == 3


def test_good_files_before_a_bad_one_stay_committed(store, tmp_path):
    good = tmp_path / "a_good.jsonl"
    good.write_bytes(orjson.dumps(GOOD[0]) + b"\n")
    bad = tmp_path / "b_bad.jsonl"
    bad.write_bytes(orjson.dumps(GOOD[1]) + b"\n{broken\n")
    with pytest.raises(InputError):
        ingest_paths(store, [tmp_path])
    assert counts(store)["accounts"] == 1


def test_truncated_json_document(store, tmp_path):
    path = tmp_path / "page.json"
    path.write_text('{\n  "data": [\n    {"id": "1", "text": "x"\n')
    with pytest.raises(InputError) as err:
        ingest_paths(store, [path])
    assert "malformed JSON" in str(err.value) and err.value.path == str(path)


def test_unrecognised_format_is_an_error_for_an_explicit_file(store, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(InputError, match="format not recognised"):
        ingest_paths(store, [path])


def test_cli_exits_1_with_the_file_and_line(db_url, tmp_path):
    path = _file(tmp_path, BAD_LINES["unknown kind"][0])
    proc = subprocess.run([sys.executable, "-m", "hydrawatch", "ingest", "--db", db_url, "-q", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"{path}:3" in proc.stderr and "unknown kind" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "hydrawatch", "ingest", "--db", db_url, "--skip-bad",
                           "--json", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = orjson.loads(proc.stdout)
    assert out["skipped"] == 1 and out["records"] == 3
