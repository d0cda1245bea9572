"""Scoring and linking on a Dask cluster (hydrawatch/cluster/score.py, link.py) give the
single-process results, on a distributed LocalCluster, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from hydrawatch import cluster
from hydrawatch.store import schema as s


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from hydrawatch.sim import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=4, accounts=260, days=10, formats=("canonical",),
                   suspension_per_day={"hub": 0.3, "member": 0.2, "spammer": 0.2}, decoy_prob=0.5)
    return out


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    """For the CLI tests, whose cluster is worker processes started by the command."""
    from hydrawatch.sim import generate_world

    out = tmp_path_factory.mktemp("small")
    generate_world(out, seed=6, accounts=120, days=8, formats=("canonical",),
                   suspension_per_day={"hub": 0.3, "member": 0.2, "spammer": 0.2}, decoy_prob=0.5)
    return out


@pytest.fixture(scope="module")
def client():
    with cluster.client_for(workers=2, processes=False) as c:
        yield c


def _fill(store, world, tmp_path):
    """Ingest the world, load its policy, import 60 % of its targets as verified seeds."""
    from hydrawatch.evaluate import load_truth, pipeline_admin, seed_accounts, write_seed_list
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.scoring.policy import load_policy
    from hydrawatch.sim import data_files
    from hydrawatch.verification.lists import import_list

    ingest_paths(store, data_files(world))
    load_policy(store, world / "policy.json")
    truth = load_truth(world)
    path = tmp_path / "seeds.txt"
    write_seed_list(truth, seed_accounts(truth, 0.6), path)
    import_list(store, path, org="eval-seeds", name="seeds", verified=True, by_user=pipeline_admin(store))


def _scores(store):
    with store.session() as db:
        accounts = db.execute(select(s.Account.platform, s.Account.account_id, s.Account.score,
                                     s.Account.score_reasons)
                              .order_by(s.Account.platform, s.Account.account_id)).all()
        signals = db.execute(select(s.ScoreSignal.platform, s.ScoreSignal.account_id,
                                    s.ScoreSignal.signals)
                             .order_by(s.ScoreSignal.platform, s.ScoreSignal.account_id)).all()
    return ([tuple(r) for r in accounts],
            {(p, a): {k: v for k, v in sig.items() if k != "scored_at"} for p, a, sig in signals})


def _close(a, b, path="") -> None:
    """Equal, floats within 1e-9 (relative or absolute)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


def test_scoring_on_a_cluster_equals_single_process(store, world, tmp_path, client):
    from hydrawatch.scoring.pipeline import score_store

    _fill(store, world, tmp_path)
    one = score_store(store)
    single = _scores(store)
    assert one.text_model and one.mode == "learned" and one.posts > 1000
    for parts in (None, 3):
        many = score_store(store, client=client, partitions=parts)
        assert (many.posts, many.seeds, many.accounts_scored, many.mode) == \
            (one.posts, one.seeds, one.accounts_scored, one.mode)
        _close(many.coefficients, one.coefficients)
        _close(_scores(store), single)


def test_score_cli_with_workers(db_url, store, small_world, tmp_path):
    """`hydrawatch score --workers 2` (a LocalCluster of worker processes, started and
    stopped by the command) prints and stores what the single-process command does."""
    import json

    from typer.testing import CliRunner

    from hydrawatch.cli import app

    _fill(store, small_world, tmp_path)
    runner = CliRunner()
    base = ["score", "--format", "json", "--db", db_url]
    one = runner.invoke(app, base)
    assert one.exit_code == 0, one.output
    single = _scores(store)
    two = runner.invoke(app, base + ["--workers", "2"])
    assert two.exit_code == 0, two.output
    _close(json.loads(two.stdout), json.loads(one.stdout))
    _close(_scores(store), single)


def _links(store):
    with store.session() as db:
        rows = db.execute(select(s.Link.platform, s.Link.successor_id, s.Link.predecessor_id,
                                 s.Link.state, s.Link.confidence, s.Link.rank, s.Link.reasons,
                                 s.Link.linkable_at)
                          .order_by(s.Link.platform, s.Link.successor_id, s.Link.predecessor_id)).all()
    return [tuple(r) for r in rows]


def _summary(summary) -> dict:
    return {k: v for k, v in summary.as_dict().items() if k not in ("seconds", "cases_opened")}


def test_linking_on_a_cluster_equals_single_process(store, world, tmp_path, client):
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD, link_store

    _fill(store, world, tmp_path)
    for calibrate in (False, True):
        one = link_store(store, calibrate=calibrate)
        assert bool(one.calibration) == calibrate  # EM ran on the pairs (>= 200 of them)
        single = _links(store)
        assert one.new_accounts > 20 and one.candidates > 20
        assert sum(r[4] >= DEFAULT_THRESHOLD for r in single) >= 3
        for parts in ((None, 3) if not calibrate else (None,)):
            many = link_store(store, client=client, partitions=parts, calibrate=calibrate)
            assert _summary(many) == _summary(one)
            assert _links(store) == single


def test_link_cli_with_workers(db_url, store, small_world, tmp_path):
    """`hydrawatch link --workers 2` prints and stores what the single-process command does."""
    import json

    from typer.testing import CliRunner

    from hydrawatch.cli import app

    _fill(store, small_world, tmp_path)
    runner = CliRunner()
    base = ["link", "--format", "json", "--db", db_url]
    one = runner.invoke(app, base)
    assert one.exit_code == 0, one.output
    single = _links(store)
    two = runner.invoke(app, base + ["--workers", "2"])
    assert two.exit_code == 0, two.output
    assert json.loads(two.stdout) == json.loads(one.stdout) != []
    assert _links(store) == single


def test_cli_on_a_running_scheduler(db_url, store, small_world, tmp_path, client):
    """`--cluster ADDRESS` connects to a scheduler that is already running (here the
    module's in-process LocalCluster) and leaves it running."""
    from typer.testing import CliRunner

    from hydrawatch.cli import app

    _fill(store, small_world, tmp_path)
    runner = CliRunner()
    address = client.scheduler.address
    for command in ("link", "score"):
        base = [command, "--format", "json", "--db", db_url]
        one = runner.invoke(app, base)
        assert one.exit_code == 0, one.output
        before = _links(store), _scores(store)
        two = runner.invoke(app, base + ["--cluster", address])
        assert two.exit_code == 0, two.output
        assert _links(store) == before[0]
        _close(_scores(store), before[1])
    assert client.submit(sum, [1, 2]).result() == 3  # still up


def test_a_lost_worker_fails_the_run_instead_of_hanging(client):
    """A task pinned to a worker that has left can run nowhere: the run stops with an error."""
    live = next(iter(client.scheduler_info()["workers"]))
    gone = "tcp://127.0.0.1:9"
    futures = [cluster.pinned(client, live, sum, [1, 2]), cluster.pinned(client, gone, sum, [3])]
    with pytest.raises(RuntimeError, match="left during the run"):
        cluster.gather_pinned(client, futures, [live, gone], poll=0.2)
    assert cluster.gather_pinned(client, futures[:1], [live]) == [3]
