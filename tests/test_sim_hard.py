"""The "hard" preset of the synthetic world: determinism, truth consistency, ingestability,
and that it is harder in the ways it claims (text variety, hard negatives, re-entries)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import orjson
import pytest

from hydrawatch.errors import ConfigError
from hydrawatch.sim import PRESETS, data_files, generate_world
from hydrawatch.sim import compose as C
from hydrawatch.sim import text as T
from hydrawatch.textnorm import hashtag_key

# enough suspensions, re-entries and decoys in a few seconds
EVENTFUL = dict(accounts=800, days=12, activity=0.3,
                suspension_per_day={"hub": 0.08, "member": 0.06, "spammer": 0.06})


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hard")
    generate_world(out, seed=11, preset="hard", **EVENTFUL)
    return out


@pytest.fixture(scope="module")
def easy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("easy")
    generate_world(out, seed=11, **EVENTFUL)
    return out


def _truth(world: Path) -> dict:
    return orjson.loads((world / "truth.json").read_bytes())


def _tweets(world: Path):
    for path in sorted((world / "x").glob("tweets-*.jsonl")):
        for line in path.read_bytes().splitlines():
            yield from orjson.loads(line)["data"]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_hard_preset_is_deterministic(tmp_path):
    for name in ("a", "b"):
        generate_world(tmp_path / name, seed=2, accounts=300, days=3, preset="hard")
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a.keys() == b.keys() and all(a[k] == b[k] for k in a)
    assert _truth(tmp_path / "a")["params"]["preset"] == "hard"


def test_default_preset_is_the_default_world(tmp_path):
    generate_world(tmp_path / "a", seed=2, accounts=200, days=2)
    generate_world(tmp_path / "b", seed=2, accounts=200, days=2, preset="default")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    with pytest.raises(ConfigError):
        generate_world(tmp_path / "c", accounts=200, days=1, preset="nightmare")
    # explicit overrides win over the preset
    generate_world(tmp_path / "d", seed=2, accounts=200, days=1, preset="hard", shoutout_prob=1.0)
    assert _truth(tmp_path / "d")["params"]["shoutout_prob"] == 1.0
    assert set(PRESETS["hard"]) <= set(_truth(tmp_path / "d")["params"])


def test_hard_truth_is_consistent(hard):
    truth = _truth(hard)
    accounts = truth["accounts"]
    succ = truth["successions"]
    assert len(succ) >= 10
    for s in succ:
        pred, new = accounts[s["predecessor"]], accounts[s["successor"]]
        assert pred["suspended_at"] == s["suspended_at"] < s["created_at"] == new["created_at"]
        assert new["role"] == pred["role"] and new["platform"] == pred["platform"]
        assert new["handle"].lower() != pred["handle"].lower()
    successors = {s["successor"] for s in succ}
    assert truth["decoys"] and not successors & set(truth["decoys"])
    assert all(not accounts[k]["movement"] for k in truth["decoys"])
    curious = truth["curious"]
    assert curious and all(accounts[k]["role"] in ("ordinary", "ordinary_ar") and not accounts[k]["movement"]
                           for k in curious)


def test_hard_world_ingests_cleanly(hard, store):
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.store.stats import collect_stats

    truth = _truth(hard)
    summary = ingest_paths(store, data_files(hard))
    assert all(f.skipped == 0 for f in summary.files)
    stats = collect_stats(store)
    assert stats["accounts"] == len(truth["accounts"])
    assert stats["suspended_accounts"] == len(truth["suspensions"])


def test_hard_proportions_match_the_default_world(hard, easy):
    def roles(world):
        originals = [a for a in _truth(world)["accounts"].values() if a["original"] and not a["decoy"]]
        return Counter(a["role"] for a in originals), len(originals)
    (rh, nh), (re_, ne) = roles(hard), roles(easy)
    assert nh == ne and rh == re_  # the same population; only behaviour changes


def _member_tweets(world: Path) -> list[dict]:
    accounts = _truth(world)["accounts"]
    return [t for t in _tweets(world) if accounts["x:" + t["author_id"]]["role"] == "member"
            and not any(r["type"] == "retweeted" for r in t.get("referenced_tweets", ()))]


def test_text_is_varied_and_less_tagged(hard, easy):
    policy = {hashtag_key(h) for h in orjson.loads((hard / "policy.json").read_bytes())["hashtags"]}
    exact = {h.lower() for h in orjson.loads((hard / "policy.json").read_bytes())["hashtags"]}

    def tagged(tweets):
        return sum(1 for t in tweets if any(hashtag_key(h) in policy for h, _, _ in T.hashtags_in(t["text"])))
    mh, me = _member_tweets(hard), _member_tweets(easy)
    assert tagged(mh) / len(mh) < 0.5 * tagged(me) / len(me)
    # far more distinct texts per post than the templates give (mentions and links aside)
    def distinct(tweets):
        bodies = {" ".join(w for w in t["text"].split() if not w.startswith(("@", "https://"))) for t in tweets}
        return len(bodies) / len(tweets)
    assert distinct(mh) > 0.85 and distinct(mh) > distinct(me) + 0.15
    # some movement hashtags are spelled so that only normalisation matches them
    variants = [h for t in _tweets(hard) for h, _, _ in T.hashtags_in(t["text"])
                if hashtag_key(h) in policy and h.lower() not in exact]
    assert len(variants) >= 20


def test_hard_negatives_quote_and_mock(hard):
    truth = _truth(hard)
    accounts = truth["accounts"]
    slogans = [s for lang in T.SLOGANS.values() for s in lang]
    quotes = Counter()
    verbatim = 0
    news_reshares = 0
    for t in _tweets(hard):
        role = accounts["x:" + t["author_id"]]["role"]
        kinds = {r["type"] for r in t.get("referenced_tweets", ())}
        if "quoted" in kinds:
            quotes[role] += 1
        if role == "counter_speech" and any(s in t["text"] for s in slogans):
            verbatim += 1
        if role == "news_outlet" and "retweeted" in kinds:
            news_reshares += 1
    assert quotes["journalist"] >= 5 and quotes["counter_speech"] >= 3
    assert verbatim >= 3 and news_reshares >= 10
    curious = set(truth["curious"])
    reshared = {"x:" + t["author_id"] for t in _tweets(hard)
                if "x:" + t["author_id"] in curious and t["text"].startswith("RT @")}
    assert reshared


def test_reentries_are_harder(hard, easy, tmp_path):
    def stats(world):
        truth = _truth(world)
        succ = truth["successions"]
        avatars = {}
        for path in (world / "canonical").glob("*.jsonl"):
            for line in path.read_bytes().splitlines():
                rec = orjson.loads(line)
                if rec["kind"] == "account":
                    avatars[f'{rec["platform"]}:{rec["id"]}'] = int(rec["avatar_pdq"], 16)
        close = sum(1 for s in succ if s["successor"] in avatars and s["predecessor"] in avatars
                    and bin(avatars[s["successor"]] ^ avatars[s["predecessor"]]).count("1") <= 10)
        return (close / len(succ), sum(s["shoutout"] for s in succ) / len(succ),
                Counter(s["mutation"] for s in succ))
    (ch, sh, mh), (ce, se, me) = stats(hard), stats(easy)
    assert ch < ce - 0.2
    assert sh < se
    assert mh["fresh"] > 0 and not me["fresh"]
    assert any("+" in m for m in mh)


def test_spam_handles_cluster(hard):
    spam = [a["handle"] for a in _truth(hard)["accounts"].values() if a["role"] == "spammer" and a["original"]]
    stems = Counter(h.rstrip("0123456789") for h in spam)
    assert len(stems) <= 6 and max(stems.values()) >= 2
    assert len(set(spam)) == len(spam)


def test_tag_variants_normalise_to_the_tag():
    rng = random.Random(3)
    for tag, _ in T.MOVEMENT_TAGS:
        for _ in range(30):
            v = C.tag_variant(rng, tag)
            assert hashtag_key(v) == hashtag_key(tag), (tag, v)
            assert [h for h, _, _ in T.hashtags_in(f"x #{v} y")] == [v]


def test_cli_generate_hard_preset(tmp_path):
    from typer.testing import CliRunner

    from hydrawatch.cli import app

    result = CliRunner().invoke(app, ["sim", "generate", str(tmp_path / "w"), "--accounts", "200",
                                      "--days", "2", "--preset", "hard", "--json"])
    assert result.exit_code == 0, result.output
    assert _truth(tmp_path / "w")["params"]["composed_text"] is True


_MEASURE = """
import resource, sys
from hydrawatch.sim import generate_world
generate_world(sys.argv[1], seed=1, accounts=3000, days=int(sys.argv[2]), preset="hard", formats=("x", "canonical"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_hard_preset_streams(tmp_path):
    import subprocess
    import sys

    def peak(days: int) -> int:
        out = subprocess.run([sys.executable, "-c", _MEASURE, str(tmp_path / f"w{days}"), str(days)],
                             capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
        return int(out.stdout.strip().splitlines()[-1])
    short, long = peak(1), peak(6)
    assert long - short < 20_000, (short, long)
