"""A crawl killed with SIGKILL in the middle (while a request is in flight) resumes
without asking any page twice, and ends with the same store as an uninterrupted crawl."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import select

from hydrawatch.act.loop import sim_env
from hydrawatch.evaluate import load_truth
from hydrawatch.scoring.policy import load_policy
from hydrawatch.sim import generate_world
from hydrawatch.sim.platform_data import collection_world
from hydrawatch.sim.platform_server import ServerConfig, running
from hydrawatch.store import open_store
from hydrawatch.store.schema import Account, Crawl, CrawlAccount, CrawlPage, Edge, Post, Status
from tests.conftest import _fresh_db


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("world")
    generate_world(path, seed=11, accounts=150, days=4)
    side = open_store(f"sqlite:///{path}/side.db")
    world = collection_world(path, side)
    side.dispose()
    truth = load_truth(path)
    movement = sorted(k for k, a in truth["accounts"].items() if a["movement"] and a["original"])
    lines = []
    for key in movement[::2][:6]:
        platform, account_id = key.split(":", 1)
        lines.append(f"x:id:{account_id}" if platform == "x" else "@" + truth["accounts"][key]["handle"])
    seeds = path / "seeds.txt"
    seeds.write_text("\n".join(lines) + "\n")
    return world, seeds


def crawl_cmd(seeds, out, db_url):
    return [sys.executable, "-m", "hydrawatch", "collect", "--from", str(seeds), "--out", str(out),
            "--max-accounts", "14", "--hops", "2", "--page-size", "15", "--list-pages", "3",
            "--rescore-every", "3", "--no-after", "--no-progress", "--json", "--db", db_url]


def run_crawl(cmd, env):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def snapshot(db_url) -> dict:
    store = open_store(db_url)
    try:
        with store.session(readonly=True) as db:
            return {
                "accounts": sorted(db.execute(select(Account.platform, Account.account_id, Account.handle,
                                                     Account.name, Account.bio, Account.status)).all()),
                "posts": sorted(db.execute(select(Post.platform, Post.post_id, Post.account_id, Post.text,
                                                  Post.reshare_of_post)).all()),
                "edges": sorted(db.execute(select(Edge.platform, Edge.src, Edge.dst, Edge.type, Edge.post_id)).all()),
                "statuses": sorted(set(db.execute(select(Status.platform, Status.account_id, Status.status)).all())),
                "crawl": sorted(db.execute(select(CrawlAccount.platform, CrawlAccount.account_id,
                                                  CrawlAccount.state, CrawlAccount.hop)).all()),
                "pages": sorted(db.execute(select(CrawlPage.key, CrawlPage.url, CrawlPage.status)).all()),
            }
    finally:
        store.dispose()


def test_kill_9_mid_crawl_then_resume(world, tmp_path, _pg_template):
    sim_world, seeds = world
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    url_a, url_b = (_fresh_db(tmp_path / sub, _pg_template, sub) for sub in ("a", "b"))
    for url in (url_a, url_b):   # created and migrated, with a policy pack so the crawl
        store = open_store(url)     # re-scores and re-orders its queue as it goes
        load_policy(store, seeds.parent / "policy.json")
        store.dispose()
    with running(sim_world, ServerConfig(rate_limit=100000, hold_at=23)) as server:
        env = {**os.environ, **sim_env(server.url)}
        proc = subprocess.Popen(crawl_cmd(seeds, tmp_path / "out_a", url_a), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert server.held.wait(120), "the crawl never reached the held request"
        proc.kill()                      # SIGKILL while request 23 is in flight
        proc.wait(30)
        server.release.set()
        killed_at = len(server.log)
        assert killed_at >= 22
        run_crawl(crawl_cmd(seeds, tmp_path / "out_a", url_a), env)
        log_a = list(server.log)
        start_b = len(server.log)
        run_crawl(crawl_cmd(seeds, tmp_path / "out_b", url_b), env)
        log_b = server.log[start_b:]

    answered = Counter(e.split(" ", 1)[1] for e in log_a if e.startswith("200 "))
    assert answered and max(answered.values()) == 1, [k for k, n in answered.items() if n > 1]
    held = [e for e in log_a if e.startswith("held ")]
    assert len(held) == 1 and answered[held[0].split(" ", 1)[1]] == 1   # asked again: never received
    assert sorted(answered) == sorted(e.split(" ", 1)[1] for e in log_b if e.startswith("200 "))
    a, b = snapshot(url_a), snapshot(url_b)
    assert a["crawl"] and any(s == "done" for _, _, s, _ in a["crawl"])
    for key in a:
        assert a[key] == b[key], key
    for url in (url_a, url_b):   # the queue was re-ordered from scores, at the same points
        store = open_store(url)
        with store.session(readonly=True) as db:
            assert db.scalar(select(Crawl.config))["rescored_at"] >= 3
        store.dispose()
