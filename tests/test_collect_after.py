"""After a crawl on the simulator: the seeds verified, score and link run, the top new
accounts nominated "found by collection" (source collect) and left for review; scoring
with ``only`` writes no other account's score; the CLI's --dry-run prints the plan."""

from __future__ import annotations

import orjson
from sqlalchemy import select
from typer.testing import CliRunner

from hydrawatch.cli import app
from hydrawatch.collect import REASON
from hydrawatch.collect.fetch import Limits
from hydrawatch.collect.simrun import sim_collect
from hydrawatch.evaluate import load_truth
from hydrawatch.ingest import ingest_paths
from hydrawatch.scoring.pipeline import score_store
from hydrawatch.sim import generate_world
from hydrawatch.store.schema import Account, Case, Nomination


def test_collect_then_score_link_nominate(store, tmp_path):
    generate_world(tmp_path / "w", seed=21, accounts=150, days=4)
    truth = load_truth(tmp_path / "w")
    movement = sorted(k for k, a in truth["accounts"].items() if a["movement"] and a["original"])
    seeds = movement[:3]
    res = sim_collect(tmp_path / "w", store, seeds=seeds, budget=20, out=tmp_path / "out",
                      limits=Limits(list_pages=2), nominate=5)
    assert 0 < res.collected_accounts <= 20 and res.requests >= res.pages > 0
    assert (tmp_path / "out" / "pages").is_dir()
    with store.session(readonly=True) as db:
        noms = db.execute(select(Nomination.source, Nomination.reason, Nomination.platform,
                                 Nomination.account_id)).all()
        states = dict(((p, a), s) for p, a, s in db.execute(select(Case.platform, Case.account_id, Case.state)))
    found = [n for n in noms if n.source == "collect"]
    assert len(found) == len(res.nominated) <= 5
    for n in found:
        assert n.reason == REASON
        assert states[(n.platform, n.account_id)] == "nominated"   # never verified without review
    for key in seeds:
        platform, account_id = key.split(":", 1)
        assert states.get((platform, account_id)) in ("verified", None)


def test_score_only_writes_the_accounts_named(store, tmp_path):
    lines = [{"kind": "account", "platform": "x", "id": str(i), "handle": f"a{i}"} for i in (1, 2)]
    lines += [{"kind": "post", "platform": "x", "id": f"p{i}", "account_id": str(i), "text": "hello",
               "created_at": "2026-01-01T00:00:00Z"} for i in (1, 2)]
    (tmp_path / "d.jsonl").write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    ingest_paths(store, [tmp_path / "d.jsonl"])
    summary = score_store(store, only={("x", "1")})
    assert summary.accounts_scored == 1
    with store.session(readonly=True) as db:
        scores = dict(db.execute(select(Account.account_id, Account.score)).all())
    assert scores["1"] is not None and scores["2"] is None


def test_dry_run_prints_the_plan_and_request_estimate(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("x:id:1710000000000000001\n@someone@mastodon.example\n")
    db = f"sqlite:///{tmp_path}/d.db"
    result = CliRunner().invoke(app, ["collect", "--from", str(seeds), "--dry-run", "--max-accounts", "50",
                                      "--hops", "1", "--db", db])
    assert result.exit_code == 0, result.output
    assert "seeds: mastodon 1, x 1" in result.output and "estimated requests" in result.output
    result = CliRunner().invoke(app, ["collect", "--from", str(seeds), "--dry-run", "--json", "--db", db])
    plan = orjson.loads(result.output)
    assert plan["budget"] == 1000 and plan["requests"] > 0
    assert not (tmp_path / "collection").exists()
