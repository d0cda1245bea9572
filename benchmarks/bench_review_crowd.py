"""A simulated reviewer crowd on a simulated world: how precise is the verified set,
compared with merging the groups' lists naively?

    /work/venv/bin/python benchmarks/bench_review_crowd.py [--accounts 3000] [--seed 7]

Generates a world (hydrawatch.sim), ingests it into a temporary SQLite store, imports its
three organisations' lists (each row a nomination, each resolved account a case),
captures evidence, then lets a crowd of reviewers from several organisations vote through
the real API (``hydrawatch.verification.review.cast_vote`` under the default rule). Careful reviewers
usually judge right (hard negatives, such as journalists quoting slogans, are the hardest);
careless ones give a random verdict with probability --careless-p. Some cases carry a
known answer (calibration), and Dawid-Skene reliability is re-estimated after each round.

Prints the precision of: every account listed by any group; accounts listed by two or
more groups; the verified set. Also its recall of the listed movement accounts.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import orjson
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hydrawatch.verification import people as orgs  # noqa: E402
from hydrawatch.verification.evidence import capture_missing  # noqa: E402
from hydrawatch.ingest import ingest_paths  # noqa: E402
from hydrawatch.verification.lists import import_list  # noqa: E402
from hydrawatch.verification.reliability import update_reliability  # noqa: E402
from hydrawatch.verification.review import OPEN_STATES, cast_vote, set_known_answer  # noqa: E402
from hydrawatch.verification.rules import load_rule  # noqa: E402
from hydrawatch.sim import data_files, generate_world  # noqa: E402
from hydrawatch.sim.lists import LISTS  # noqa: E402
from hydrawatch.store import open_store  # noqa: E402
from hydrawatch.store.schema import Case, Evidence, Review, User  # noqa: E402

REVIEW_ORGS = ["Sentinel Trust", "Civic Watch Network", "Operation Ember Sweep",
               "Independent Researchers"]


def precision(keys: set[str], truth: dict) -> tuple[float, int, int]:
    good = sum(1 for k in keys if truth.get(k, {}).get("movement"))
    hard = sum(1 for k in keys if truth.get(k, {}).get("hard_negative"))
    return (good / len(keys) if keys else float("nan")), good, hard


def careful_verdict(rng: random.Random, info: dict) -> str:
    if info.get("movement"):
        return "confirm" if rng.random() < 0.92 else "reject"
    p_wrong = 0.10 if info.get("hard_negative") else 0.04
    return "confirm" if rng.random() < p_wrong else "reject"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reviewers-per-org", type=int, default=4)
    ap.add_argument("--careless-share", type=float, default=0.3,
                    help="share of reviewers who are careless")
    ap.add_argument("--careless-p", type=float, default=0.3,
                    help="probability a careless reviewer's verdict is random")
    ap.add_argument("--known-share", type=float, default=0.1,
                    help="share of cases with a known answer (calibration)")
    ap.add_argument("--max-votes", type=int, default=6, help="votes per case before giving up")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        world = Path(tmp) / "world"
        generate_world(world, seed=args.seed, accounts=args.accounts, days=args.days)
        truth = orjson.loads((world / "truth.json").read_bytes())
        accounts = truth["accounts"]
        store = open_store(f"sqlite:///{tmp}/crowd.db")
        ingest_paths(store, data_files(world))
        orgs.bootstrap_admin(store, "admin", org=REVIEW_ORGS[-1])
        with store.session() as db:
            for spec in LISTS:
                orgs.ensure_org(db, spec["org"], by_user="admin")
        for spec in LISTS:
            import_list(store, world / spec["file"], org=spec["org"], name=spec["name"],
                        by_user="admin")
        capture_missing(store, by_user="admin")
        t_setup = time.perf_counter() - t0

        # Who listed what, from the lists' own truth rows.
        listed_by: dict[str, set[str]] = defaultdict(set)
        org_of = {s["file"]: s["org"] for s in LISTS}
        for file, rows in truth["lists"].items():
            for row in rows:
                listed_by[row["account"]].add(org_of[file])
        any_group = set(listed_by)
        two_groups = {k for k, v in listed_by.items() if len(v) >= 2}

        # The crowd.
        careless: set[str] = set()
        with store.session() as db:
            for org in REVIEW_ORGS:
                orgs.ensure_org(db, org, by_user="admin")
                for i in range(args.reviewers_per_org):
                    name = f"{org.split()[0].lower()}-{i}"
                    orgs.add_user(db, name, org=org, role="reviewer", by_user="admin")
                    if rng.random() < args.careless_share:
                        careless.add(name)
            reviewers = list(db.scalars(select(User.name).where(User.role == "reviewer")))
            cases = {c.id: f"{c.platform}:{c.account_id}" for c in db.scalars(select(Case))}
            post_ev: dict[int, list[int]] = defaultdict(list)
            for case_id, ev_id in db.execute(select(Evidence.case_id, Evidence.id)
                                             .where(Evidence.kind == "post")):
                post_ev[case_id].append(ev_id)
        for case_id in rng.sample(sorted(cases), int(len(cases) * args.known_share)):
            answer = "confirm" if accounts.get(cases[case_id], {}).get("movement") else "reject"
            set_known_answer(store, case_id, answer, by_user="admin")

        rule = load_rule()
        voted: dict[int, set[str]] = defaultdict(set)
        votes = rounds = 0
        t1 = time.perf_counter()
        while True:
            with store.session() as db:
                open_ids = [c for c in db.scalars(select(Case.id).where(Case.state.in_(OPEN_STATES)))
                            if len(voted[c]) < args.max_votes]
            if not open_ids:
                break
            rounds += 1
            for case_id in open_ids:
                user = rng.choice([r for r in reviewers if r not in voted[case_id]])
                info = accounts.get(cases[case_id], {})
                verdict = careful_verdict(rng, info)
                if user in careless and rng.random() < args.careless_p:
                    verdict = rng.choice(("confirm", "reject"))
                evidence = post_ev.get(case_id, [])[:1]
                if verdict == "confirm" and not evidence:
                    verdict = "unsure"  # nothing to cite: the rule would refuse a confirm
                cast_vote(store, case_id, by_user=user, verdict=verdict,
                          category="propaganda" if verdict == "confirm" else None,
                          evidence_ids=evidence, rule=rule)
                voted[case_id].add(user)
                votes += 1
            fits = update_reliability(store)
        t_review = time.perf_counter() - t1

        with store.session() as db:
            states = defaultdict(int)
            verified = set()
            for c in db.scalars(select(Case)):
                states[c.state] += 1
                if c.state == "verified":
                    verified.add(f"{c.platform}:{c.account_id}")
            n_reviews = len(db.scalars(select(Review.id)).all())

    listed_movement = {k for k in any_group if accounts.get(k, {}).get("movement")}
    print(f"world: {args.accounts} accounts, seed {args.seed}; lists: "
          + ", ".join(f"{file.split('/')[-1]} {len(rows)} rows" for file, rows in truth["lists"].items()))
    print(f"crowd: {len(reviewers)} reviewers in {len(REVIEW_ORGS)} organisations, "
          f"{len(careless)} careless (random verdict p={args.careless_p}); "
          f"{int(len(cases) * args.known_share)} known-answer cases")
    print(f"cases: {len(cases)}; votes: {votes} ({n_reviews} stored) in {rounds} rounds; "
          f"states: {dict(states)}")
    print(f"setup {t_setup:.1f}s, review {t_review:.1f}s ({votes / max(t_review, 1e-9):.0f} votes/s)")
    print()
    print(f"{'set':<28}{'accounts':>9}{'precision':>11}{'hard negatives':>16}")
    for label, keys in (("listed by any group", any_group), ("listed by >= 2 groups", two_groups),
                        ("verified (quorum rule)", verified)):
        p, good, hard = precision(keys, accounts)
        print(f"{label:<28}{len(keys):>9}{p:>11.3f}{hard:>16}")
    rec = len(verified & listed_movement) / len(listed_movement) if listed_movement else float("nan")
    rec2 = len(two_groups & listed_movement) / len(listed_movement) if listed_movement else float("nan")
    print(f"recall of listed movement accounts: verified {rec:.3f}, >= 2 groups {rec2:.3f}")
    rel_careless = [fits[n]["reliability"] for n in careless if n in fits]
    rel_careful = [fits[n]["reliability"] for n in reviewers if n not in careless and n in fits]
    if rel_careless and rel_careful:
        print(f"estimated reliability: careful mean {sum(rel_careful) / len(rel_careful):.3f}, "
              f"careless mean {sum(rel_careless) / len(rel_careless):.3f}")


if __name__ == "__main__":
    main()
