"""The synthetic world: determinism, proportions, truth consistency, ingestability, memory."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from hydrawatch.errors import ConfigError
from hydrawatch.sim import data_files, generate_world
from hydrawatch.sim.handles import MAX_HANDLE, mutate

# a small world with plenty of events: every hydra feature shows up in a few seconds
EVENTFUL = dict(accounts=800, days=12, activity=0.3, decoy_prob=0.5,
                suspension_per_day={"hub": 0.08, "member": 0.06, "spammer": 0.06})


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=7, **EVENTFUL)
    return out


@pytest.fixture(scope="module")
def truth(world) -> dict:
    return orjson.loads((world / "truth.json").read_bytes())


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_world(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 3), (b, 3), (c, 4)):
        generate_world(out, seed=seed, accounts=300, days=4)
    ta, tb = _tree(a), _tree(b)
    assert ta.keys() == tb.keys() and len(ta) > 8
    assert all(ta[k] == tb[k] for k in ta)
    assert _tree(c)["truth.json"] != ta["truth.json"]


def test_world_directory_layout(world, truth):
    manifest = json.loads((world / "world.json").read_text())
    assert manifest["files"] == truth["files"]
    assert all((world / f).is_file() for f in manifest["files"])
    assert {Path(f).parts[0] for f in manifest["files"]} == {"x", "mastodon", "canonical"}
    assert {entry["file"] for entry in manifest["lists"]} == set(truth["lists"])
    policy = json.loads((world / "policy.json").read_text())
    assert set(policy) == {"name", "categories", "hashtags", "phrases", "pdq"}
    movement_tags = set(truth["movement"]["hashtags"])
    assert set(policy["hashtags"]) < movement_tags  # only part of them
    assert all(len(h) == 64 for h in policy["pdq"])


def test_proportions(tmp_path):
    generate_world(tmp_path, seed=1, accounts=3000, days=1, activity=0.1)
    accounts = orjson.loads((tmp_path / "truth.json").read_bytes())["accounts"]
    originals = [a for a in accounts.values() if a["original"]]
    roles = Counter(a["role"] for a in originals)
    movement = sum(a["movement"] for a in originals) / len(originals)
    assert 0.03 <= movement <= 0.08
    assert (roles["ordinary"] + roles["ordinary_ar"]) / len(originals) > 0.7
    for role in ("hub", "journalist", "researcher", "counter_speech", "news_outlet", "football_fan", "spammer"):
        assert roles[role] > 0, role
    assert all(a["hard_negative"] == (a["role"] in ("journalist", "researcher", "counter_speech"))
               for a in accounts.values())


def test_successions_follow_suspensions(truth):
    accounts = truth["accounts"]
    succ = truth["successions"]
    assert len(succ) >= 10
    assert any(s["generation"] >= 2 for s in succ), "no hydra chain"
    assert any(accounts[s["successor"]]["role"] == "spammer" for s in succ)
    for s in succ:
        pred, new = accounts[s["predecessor"]], accounts[s["successor"]]
        assert pred["suspended_at"] == s["suspended_at"]
        assert s["created_at"] > s["suspended_at"]
        assert new["created_at"] == s["created_at"]
        assert not new["original"] and new["role"] == pred["role"]
        assert new["platform"] == pred["platform"]
        assert new["handle"].lower() != pred["handle"].lower()
    successors = [s["successor"] for s in succ]
    assert len(set(successors)) == len(successors)


def test_decoys_are_not_successors(truth):
    accounts = truth["accounts"]
    successors = {s["successor"] for s in truth["successions"]}
    assert truth["decoys"]
    for key in truth["decoys"]:
        assert key not in successors
        assert accounts[key]["decoy"] and not accounts[key]["movement"]


def test_renames_keep_their_id(world, truth):
    assert truth["renames"]
    seen: dict[str, set] = {}
    for path in (world / "canonical").glob("*.jsonl"):
        for line in path.read_bytes().splitlines():
            rec = orjson.loads(line)
            if rec["kind"] == "account":
                seen.setdefault(f'{rec["platform"]}:{rec["id"]}', set()).add(rec["handle"])
    for r in truth["renames"]:
        assert r["old"] != r["new"]
        assert {r["old"], r["new"]} <= seen[r["account"]]


def test_shoutouts_name_the_old_handle(world, truth):
    accounts = truth["accounts"]
    shouting = {s["successor"]: accounts[s["predecessor"]]["handle"]
                for s in truth["successions"] if s["shoutout"] and s["successor"].startswith("x:")}
    found = 0
    for path in (world / "x").glob("tweets-*.jsonl"):
        for line in path.read_bytes().splitlines():
            for tweet in orjson.loads(line)["data"]:
                old = shouting.get("x:" + tweet["author_id"])
                if old and "@" + old in tweet["text"]:
                    found += 1
    assert found >= 1


def test_list_truth_matches_the_files(world, truth):
    orgs = json.loads((world / "world.json").read_text())["lists"]
    assert len({entry["org"] for entry in orgs}) >= 3
    precision = {}
    for file, rows in truth["lists"].items():
        lines = (world / file).read_text(encoding="utf-8").split("\n")
        for row in rows:
            assert lines[row["row"] - 1] == row["raw"]
            if row["account"] is not None:
                assert row["correct"] == truth["accounts"][row["account"]]["movement"]
        precision[file] = sum(r["correct"] for r in rows) / len(rows)
    assert precision["lists/sentinel-trust.csv"] > 0.9
    assert precision["lists/ember-sweep-dump.txt"] < 0.7
    dump = (world / "lists/ember-sweep-dump.txt").read_bytes()
    assert dump.startswith(b"\xef\xbb\xbf") and b"twitter.com/" in dump


def test_every_file_ingests(world, truth, store):
    from hydrawatch.ingest import FORMATS, ingest_paths

    names = {m.NAME for m in FORMATS}
    wanted = {"x": "x_v2", "mastodon": "mastodon", "canonical": "canonical"}
    files = [p for p in data_files(world) if wanted[p.parts[-2]] in names]
    summary = ingest_paths(store, files)  # raises on any bad record
    assert len(summary.files) == len(files)
    assert all(f.skipped == 0 for f in summary.files)
    if {"x_v2", "mastodon"} <= names:
        from hydrawatch.store.stats import collect_stats

        stats = collect_stats(store)
        assert stats["accounts"] == len(truth["accounts"])
        assert stats["suspended_accounts"] == len(truth["suspensions"])


def test_mutations_stay_valid_handles():
    rng = random.Random(1)
    for handle in ("ember_voice42", "abcdefghijklmno", "x", "sara_oath1999", "lolo"):
        for _ in range(50):
            new, how = mutate(handle, rng)
            assert new.lower() != handle.lower(), how
            assert 1 <= len(new) <= MAX_HANDLE
            assert all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in new)


def test_bad_parameters_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        generate_world(tmp_path, formats=("x", "bluesky"))
    with pytest.raises(ConfigError):
        generate_world(tmp_path, accounts=300, days=1, no_such_knob=1)


def test_cli_generate(tmp_path):
    from typer.testing import CliRunner

    from hydrawatch.cli import app

    result = CliRunner().invoke(app, ["sim", "generate", str(tmp_path / "w"), "--accounts", "200",
                                      "--days", "2", "--formats", "x,canonical", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accounts"] >= 200
    assert not (tmp_path / "w" / "mastodon").exists()


_MEASURE = """
import resource, sys
from hydrawatch.sim import generate_world
generate_world(sys.argv[1], seed=1, accounts=int(sys.argv[2]), days=int(sys.argv[3]), activity=float(sys.argv[4]),
               formats=("x", "canonical"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kb(tmp_path: Path, accounts: int, days: int, activity: float) -> int:
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(tmp_path / f"w{accounts}-{days}"), str(accounts),
                          str(days), str(activity)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return int(out.stdout.strip().splitlines()[-1])


def test_memory_does_not_grow_with_days(tmp_path):
    # posts are streamed to disk: five more days of posting must not grow memory
    short = _peak_kb(tmp_path, 3000, 1, 1.0)
    long = _peak_kb(tmp_path, 3000, 6, 1.0)
    assert long - short < 20_000, (short, long)


def test_memory_per_account_is_small(tmp_path):
    # per account only the plan arrays grow (a few dozen bytes); caches and chunks are capped
    small = _peak_kb(tmp_path, 15_000, 1, 0.02)
    large = _peak_kb(tmp_path, 45_000, 1, 0.02)
    assert (large - small) * 1024 / 30_000 < 500, (small, large)
