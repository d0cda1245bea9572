"""The public Python API: ``hydrawatch.__all__`` is exactly what docs/python-api.md
documents (as httpx tests its exports), importing it stays light, and a notebook-style
flow runs through it on a small simulated world with frozen dataclass results."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hydrawatch as hw

DOC = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"


def _documented() -> list[str]:
    return re.findall(r"^#{2,4} `([A-Za-z_][A-Za-z0-9_]*)`\s*$", DOC.read_text(encoding="utf-8"),
                      flags=re.M)


def test_exported_names_are_exactly_the_documented_ones():
    documented = _documented()
    assert len(documented) == len(set(documented)), "a name is documented twice"
    assert sorted(hw.__all__) == sorted(documented)
    assert hw.__all__ == sorted(hw.__all__) and len(set(hw.__all__)) == len(hw.__all__)


def test_every_exported_name_resolves_and_results_are_frozen_dataclasses():
    from hydrawatch import api

    for name in hw.__all__:
        assert getattr(hw, name) is not None, name
    assert set(api.__all__) <= set(hw.__all__)
    for name in api.__all__:
        obj = getattr(hw, name)
        if isinstance(obj, type):
            assert dataclasses.is_dataclass(obj) and obj.__dataclass_params__.frozen, name
            assert callable(getattr(obj, "as_dict")), name
        else:
            params = list(__import__("inspect").signature(obj).parameters)
            assert name == "open_store" or params[0] == "store", name
    assert issubclass(hw.RegistryError, hw.HydrawatchError)
    assert issubclass(hw.RecordError, hw.InputError)


def test_import_hydrawatch_loads_no_numeric_stack_or_database():
    heavy = ("numpy", "scipy", "sklearn", "alembic", "sqlalchemy", "rapidfuzz", "fastapi")
    code = ("import sys, hydrawatch; hydrawatch.__all__; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from hydrawatch.sim import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=5, accounts=300, days=4, formats=("canonical",))
    return out


def test_a_notebook_flow_through_the_public_api(world, tmp_path, db_url):
    from hydrawatch.evaluate import seed_accounts, write_seed_list, load_truth
    from hydrawatch.sim import data_files

    store = hw.open_store(db_url)
    try:
        ingested = hw.ingest_paths(store, data_files(world))
        assert isinstance(ingested, hw.IngestResult) and ingested.records > 0
        assert {f.format for f in ingested.files} == {"canonical"}
        assert ingested.as_dict()["files"][0]["records"] == ingested.files[0].records
        with pytest.raises(dataclasses.FrozenInstanceError):
            ingested.files = ()  # type: ignore[misc]

        policy = hw.load_policy(store, world / "policy.json")
        assert isinstance(policy, hw.PolicyResult) and policy.hashtags

        root = hw.bootstrap_admin(store, "root", org="NGO A")
        assert root == hw.UserInfo(root.id, "root", "NGO A", "admin")
        assert hw.add_org(store, "NGO B", by="root").name == "NGO B"
        hw.add_user(store, "ana", org="NGO A", role="reviewer", by="root")
        hw.add_user(store, "ben", org="NGO B", role="reviewer", by="root")

        truth = load_truth(world)
        seeds = tmp_path / "seeds.txt"
        write_seed_list(truth, seed_accounts(truth, 0.25), seeds)
        listed = hw.import_list(store, seeds, org="NGO A", by="root", name="seeds", verified=True)
        assert isinstance(listed, hw.ListResult) and listed.rows > 0

        linked = hw.link(store)
        assert isinstance(linked, hw.LinkingResult) and linked.suspended >= 0
        scored = hw.score(store)
        assert isinstance(scored, hw.ScoreResult) and scored.accounts_scored > 0
        assert scored.seeds == listed.resolved

        top = hw.ranked_accounts(store, limit=20)
        assert top and all(isinstance(a, hw.ScoredAccount) for a in top)
        assert [a.score for a in top] == sorted((a.score for a in top), reverse=True)
        target = next(a for a in top if not a.verified)
        why = hw.explain(store, f"{target.platform}:{target.id}")
        assert isinstance(why, hw.Explanation) and why.score == target.score
        assert why.reasons == target.reasons
        for link in hw.links(store):
            assert isinstance(link.successor, hw.AccountName) and 0 <= link.confidence <= 1
        for family in hw.families(store):
            assert family.size == len(family.accounts) >= 2

        case = hw.nominate(store, f"{target.platform}:{target.id}", by="root",
                           reason="top of the ranking")
        assert isinstance(case, hw.NominationResult)
        assert case.case_created and case.state == "nominated" and case.evidence_ids
        first = hw.vote(store, case.case_id, by="ana", verdict="confirm", category="propaganda",
                        evidence=case.evidence_ids)
        assert first == hw.VoteResult(first.review_id, case.case_id, "in_review", True, first.reason)
        second = hw.vote(store, case.case_id, by="ben", verdict="confirm",
                         category="propaganda", evidence=case.evidence_ids)
        assert second.state == hw.CaseState.VERIFIED.value and second.changed
        verified = hw.cases(store, state="verified")
        assert case.case_id in {c.id for c in verified}
        assert all(isinstance(c, hw.CaseInfo) for c in verified)

        with pytest.raises(hw.PermissionDenied, match="already voted"):
            hw.vote(store, case.case_id, by="ana", verdict="confirm", category="propaganda",
                    evidence=case.evidence_ids)
        with pytest.raises(hw.NotFound):
            hw.explain(store, "x:no-such-account-0")
        for result in (ingested, policy, listed, linked, scored, top[0], why, case, second,
                       verified[0]):
            json.dumps(result.as_dict())  # plain values all the way down
    finally:
        store.dispose()
