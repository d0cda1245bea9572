"""The Dask layer (hydrawatch/cluster/) gives the single-process answers, on a
distributed LocalCluster."""

from __future__ import annotations

import numpy as np
import pytest

from hydrawatch import cluster
from hydrawatch.media.banks import import_bank, match_hashes
from hydrawatch.media.index import hex_from_codes


def _flip(hexval: str, bits: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    v = int(hexval, 16)
    for b in rng.choice(256, bits, replace=False):
        v ^= 1 << int(b)
    return f"{v:064x}"


@pytest.fixture(scope="module")
def client():
    with cluster.client_for(workers=2, processes=False) as c:
        yield c


def test_media_matching_on_a_cluster_equals_single_process(store, tmp_path, client):
    rng = np.random.default_rng(5)
    bank_a = hex_from_codes(rng.integers(0, 2**64, (300, 4), dtype=np.uint64))
    bank_b = hex_from_codes(rng.integers(0, 2**64, (200, 4), dtype=np.uint64))
    for name, hexes in (("alpha", bank_a), ("beta", bank_b + bank_a[:20])):
        path = tmp_path / f"{name}.te"
        path.write_text("".join(f"pdq {h}\n" for h in hexes))
        import_bank(store, path, name)
    queries = ([_flip(h, d, i) for i, (h, d) in enumerate(zip(bank_a[:40], range(0, 40)))]
               + [_flip(h, 5, 99 + i) for i, h in enumerate(bank_b[:30])]
               + hex_from_codes(rng.integers(0, 2**64, (30, 4), dtype=np.uint64)))
    single = match_hashes(store, queries)
    assert sum(len(e["matches"]) for e in single) > 50
    for parts in (None, 3, 7):
        assert cluster.match_hashes(store, queries, client, partitions=parts) == single


def test_no_cluster_runs_here():
    with cluster.client_for() as c:
        assert c is None


def test_hashes_match_cli_with_workers(db_url, store, tmp_path):
    """`hydrawatch hashes match --workers 2` prints what the single-process command does
    (a LocalCluster of worker processes, started and stopped by the command)."""
    import json

    from typer.testing import CliRunner

    from hydrawatch.cli import app

    rng = np.random.default_rng(8)
    bank = hex_from_codes(rng.integers(0, 2**64, (50, 4), dtype=np.uint64))
    (tmp_path / "b.te").write_text("".join(f"pdq {h}\n" for h in bank))
    import_bank(store, tmp_path / "b.te", "gamma")
    (tmp_path / "q.txt").write_text("".join(_flip(h, 3, i) + "\n" for i, h in enumerate(bank[:10])))
    runner = CliRunner()
    base = ["hashes", "match", str(tmp_path / "q.txt"), "--format", "json", "--db", db_url]
    one = runner.invoke(app, base)
    two = runner.invoke(app, base + ["--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert json.loads(two.stdout) == json.loads(one.stdout)
