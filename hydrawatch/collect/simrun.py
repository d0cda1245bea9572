"""Collect from a simulated world, for the demo script and the benchmark: serve a
``sim generate`` world through the platform simulator, crawl from seeds with a budget,
import the seeds as verified, score, link and nominate, and measure the result against
the world's truth.

    sim_collect(world_dir, store, seeds=[...], budget=300, out=...) -> SimCollectResult
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from hydrawatch.collect import CollectConfig, Limits, Target, collect, score_link_nominate
from hydrawatch.store.schema import Account


@dataclass
class SimCollectResult:
    seeds: int = 0
    budget: int = 0
    movement: int = 0                 # movement accounts in the world, seeds excluded
    reachable: int = 0                # of those, within ``hops`` follows of a seed
    reachable_live: int = 0           # ... still served (not suspended), reached through served accounts
    collected: int = 0                # of those, fetched by the crawl
    collected_accounts: int = 0       # every account fetched (seeds included)
    pages: int = 0
    requests: int = 0
    p_at_k: float | None = None
    k: int = 0
    hard_negatives_top_k: int = 0
    nominated: list = field(default_factory=list)
    nominated_movement: int = 0

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["share_collected"] = self.collected / self.movement if self.movement else None
        d["share_of_reachable"] = self.collected / self.reachable if self.reachable else None
        d["share_of_reachable_live"] = (self.collected / self.reachable_live
                                        if self.reachable_live else None)
        return d


def _reachable(truth_edges: dict[str, set[str]], seeds: list[str], hops: int,
               served=None) -> set[str]:
    """Accounts within ``hops`` follows of a seed; with ``served``, only those a crawler can
    reach: each step goes out from served accounts only (a suspended account's lists are
    not served), and only served accounts are counted."""
    ok = (lambda k: True) if served is None else served
    frontier, seen = set(seeds), set(seeds)
    for _ in range(hops):
        frontier = {n for f in frontier if ok(f) for n in truth_edges.get(f, ())} - seen
        seen |= frontier
    return seen if served is None else {k for k in seen if ok(k)}


def sim_collect(world_dir, store, *, seeds: list[str], budget: int, out, hops: int = 2,
                limits: Limits | None = None, progress: bool = False, nominate: int = 20,
                rescore_every: int | None = None) -> SimCollectResult:
    """``seeds`` are truth keys (``platform:id``)."""
    from hydrawatch.act.loop import sim_env
    from hydrawatch.evaluate import (SEED_ORG, hard_negatives_in_top_k, load_truth, pipeline_admin,
                                     precision_at_k, rank_accounts, write_seed_list)
    from hydrawatch.scoring.policy import load_policy
    from hydrawatch.sim.platform_data import collection_world
    from hydrawatch.sim.platform_server import ServerConfig, running
    from hydrawatch.store import open_store
    from hydrawatch.verification.lists import import_list

    world_dir = Path(world_dir)
    truth = load_truth(world_dir)
    with tempfile.TemporaryDirectory() as tmp:
        side = open_store(f"sqlite:///{tmp}/platforms.db")
        world = collection_world(world_dir, side)
        side.dispose()
        targets = [Target(k.split(":", 1)[0], k.split(":", 1)[1], truth["accounts"][k]["handle"]) for k in seeds]
        config = CollectConfig(out=Path(out), hops=hops, max_accounts=budget, limits=limits or Limits(),
                               progress=progress, platforms=("x", "mastodon"), rescore_every=rescore_every)
        # as an analyst starts: the seeds on a trusted list (resolved as the crawl brings
        # their accounts) and the policy pack loaded, so the crawl can score what it collects
        seed_file = Path(tmp) / "seeds.txt"
        write_seed_list(truth, seeds, seed_file)
        import_list(store, seed_file, org=SEED_ORG, name="collect-seeds", verified=True,
                    by_user=pipeline_admin(store))
        if (world_dir / "policy.json").is_file():
            load_policy(store, world_dir / "policy.json")
        with running(world, ServerConfig(rate_limit=100000)) as server:
            summary = collect(store, targets, config, env=sim_env(server.url))
            requests = len(server.log)
    after = score_link_nominate(store, summary.new_accounts, since=None, top=nominate)

    res = SimCollectResult(seeds=len(seeds), budget=budget, requests=requests, nominated=after.nominated,
                           pages=sum(c["pages"] for c in summary.accounts.values()),
                           collected_accounts=len(summary.collected))
    accounts = truth["accounts"]
    seed_set = set(seeds)
    movement = {k for k, a in accounts.items() if a["movement"]} - seed_set
    graph: dict[str, set[str]] = {}
    with store.session(readonly=True) as db:
        scores = {f"{p}:{a}": s for p, a, s in db.execute(select(Account.platform, Account.account_id,
                                                                 Account.score))}
    for p, src, dst in _follows(world.data):
        graph.setdefault(f"{p}:{src}", set()).add(f"{p}:{dst}")
        graph.setdefault(f"{p}:{dst}", set()).add(f"{p}:{src}")
    done = {f"{p}:{a}" for p, a in summary.collected}
    res.movement = len(movement)
    res.reachable = len(movement & _reachable(graph, seeds, hops))
    served = lambda k: k in accounts and accounts[k].get("suspended_at") is None  # noqa: E731
    res.reachable_live = len(movement & _reachable(graph, seeds, hops, served))
    res.collected = len(movement & done)
    ranked_scores = {k: scores.get(k) for k in done - seed_set if k in accounts}
    ranked = rank_accounts(ranked_scores)
    positives = {k for k in ranked_scores if accounts[k]["movement"]}
    hard = {k for k in ranked_scores if accounts[k]["hard_negative"]}
    res.k = len(positives)
    res.p_at_k = precision_at_k(ranked, positives, res.k)
    res.hard_negatives_top_k = hard_negatives_in_top_k(ranked, hard, res.k)
    res.nominated_movement = sum(1 for n in after.nominated if accounts.get(n, {}).get("movement"))
    return res


def _follows(data):
    for (p, src), dsts in data.following.items():
        for dst in dsts:
            yield p, src, dst
