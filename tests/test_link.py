"""link_store on hand-made store rows: decoys, renames, chains and families, the
incremental path, cases for successors of verified accounts, the JSON contract."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from hydrawatch.verification.cases import open_case
from hydrawatch.cli import app
from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD, link_store, list_families, list_links
from hydrawatch.store.schema import Case, Evidence, Link, Nomination
from tests.linkworld import AVATAR_A, AVATAR_A_NEAR, AVATAR_B, AVATAR_C, World, h


def _predecessor(w: World, aid: str, handle: str, *, created=-500.0, suspended=0.0, avatar=AVATAR_A,
                 followers=range(10), name="Abu Media"):
    w.account(aid, handle, created=created, name=name, bio="news of the front", avatar=avatar)
    for i in followers:
        w.follows(f"f{i}", aid, created + 1)
    w.post(aid, suspended - 5, "the latest release from the front, share widely")
    w.suspend(aid, suspended)


def _successor(w: World, aid: str, handle: str, old: str, *, created=3.0, avatar=AVATAR_A_NEAR,
               followers=range(5), shout=True, name="Abu Media"):
    w.account(aid, handle, created=created, name=name, bio="news of the front", avatar=avatar)
    for k, i in enumerate(followers):
        w.follows(f"f{i}", aid, created + 1 + k)
    if shout:
        w.post(aid, created + 0.5, f"new account, the old @{old} was suspended",
               [{"id": None, "handle": old}])
    w.post(aid, created + 2, "the latest release from the front, share widely")


def _links(store, floor=DEFAULT_THRESHOLD):
    return {(r["successor"]["id"], r["predecessor"]["id"]) for r in list_links(store, min_confidence=floor)}


def test_successor_is_linked_with_reasons_rank_and_linkable_at(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
    summary = link_store(store)
    assert summary.links == 1 and summary.new_accounts == 1 and summary.suspended == 1
    assert _links(store) == {("s1", "p1")}
    with store.session() as db:
        row = db.scalars(select(Link)).one()
        assert row.rank == 1 and row.confidence >= DEFAULT_THRESHOLD and row.state == "proposed"
        assert any("avatar" in r for r in row.reasons) and any("@abu_media1" in r for r in row.reasons)
        # the profile alone (same avatar, variant handle, name) already makes the link at creation
        assert row.linkable_at is not None and abs(row.linkable_at.replace(tzinfo=None) - h(3).replace(tzinfo=None)).total_seconds() < 1


def test_decoy_with_only_a_lookalike_handle_stays_below_threshold(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        w.account("d1", "abu_medla1", created=10, name="Cooking daily", bio="recipes", avatar=AVATAR_B)
        w.follows("z1", "d1", 11)
        w.post("d1", 12, "today's soup, with lentils")
    link_store(store)
    assert _links(store) == set()
    assert ("d1", "p1") in _links(store, 0.0)  # proposed and scored, but not a link


def test_rename_is_never_a_link(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        # p2 was renamed (same id) and later suspended; its new handle is a close variant
        w.account("p2", "abu_media1x", created=1, name="Abu Media", avatar=AVATAR_A_NEAR,
                  old_handles=("abu_media1_",))
        w.post("p2", 2, "the latest release from the front, share widely")
        w.suspend("p2", 30)
    link_store(store)
    pairs = _links(store, 0.0)
    assert all(s != p for s, p in pairs)
    assert ("p2", "p2") not in pairs


def test_successor_must_start_after_the_predecessor_went_quiet(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1", suspended=100.0)
        _successor(w, "s1", "abu_media2", "abu_media1", created=50.0)  # p1 still posting at 95 h
    link_store(store)
    assert _links(store, 0.0) == set()


def test_chain_forms_one_family_in_order(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "a", "abu_media1", suspended=0.0)
        w.account("b", "abu_media2", created=2, name="Abu Media", bio="news of the front", avatar=AVATAR_A_NEAR)
        for i in range(8):
            w.follows(f"f{i}", "b", 3 + i)
        w.post("b", 2.5, "new account, the old @abu_media1 was suspended", [{"handle": "abu_media1"}])
        w.post("b", 20, "the latest release from the front, share widely")
        w.suspend("b", 100.0)
        _successor(w, "c", "abu_media3", "abu_media2", created=103.0, followers=range(6))
        _predecessor(w, "q", "other_voice", avatar=AVATAR_C, followers=range(50, 60), name="Voice")
    link_store(store)
    assert _links(store) == {("b", "a"), ("c", "b")}
    fams = list_families(store)
    assert len(fams) == 1
    fam = fams[0]
    assert [a["id"] for a in fam["accounts"]] == ["a", "b", "c"]
    assert [a["status"] for a in fam["accounts"]] == ["suspended", "suspended", "active"]
    assert fam["size"] == 3 and fam["first_seen"] <= fam["last_seen"]


def test_incremental_run_touches_only_new_accounts_and_is_idempotent(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
    first = link_store(store)
    again = link_store(store)
    assert first.links == again.links == 1
    with store.session() as db:
        assert len(db.scalars(select(Link)).all()) == 1
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p9", "voice_of_x", suspended=200.0, avatar=AVATAR_C, followers=range(30, 40),
                     name="Voice of X")
        _successor(w, "s9", "voice_of_x2", "voice_of_x", created=205.0, avatar=AVATAR_C,
                   followers=range(30, 36), name="Voice of X")
    inc = link_store(store, since=h(204))
    assert inc.new_accounts == 1
    assert _links(store) == {("s1", "p1"), ("s9", "p9")}


def test_reviewed_link_keeps_its_state_on_rerun(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
    link_store(store)
    with store.session() as db:
        db.scalars(select(Link)).one().state = "confirmed"
    link_store(store)
    with store.session() as db:
        assert [r.state for r in db.scalars(select(Link))] == ["confirmed"]


def test_successor_of_a_verified_account_gets_a_nominated_case(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
        case, _ = open_case(db, "x", "p1", state="verified", reason="list")
        db.add(Evidence(case_id=case.id, kind="post", ref="x:p1", content="{}", sha256="0" * 64,
                        captured_at=h(-1)))
    summary = link_store(store)
    assert summary.cases_opened == 1
    with store.session() as db:
        case = db.scalars(select(Case).where(Case.account_id == "s1")).one()
        assert case.state == "nominated" and case.reason == "re-entry"
        items = db.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()
        assert {"link", "post"} <= {e.kind for e in items}
        assert any(e.kind == "post" and e.ref == "x:p1" for e in items)  # the predecessor's evidence
        link_ev = db.scalars(select(Evidence).where(Evidence.case_id == case.id, Evidence.kind == "link")).one()
        assert "abu_media1" in link_ev.content
        assert db.scalars(select(Nomination).where(Nomination.source == "link")).one().account_id == "s1"
    assert link_store(store).cases_opened == 0  # not twice


def test_unverified_predecessor_opens_no_case(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
    assert link_store(store).cases_opened == 0


def test_cli_json_contract(store, db_url):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
        w.account("d1", "abu_medla1", created=10, name="Cooking", avatar=AVATAR_B)
    res = CliRunner().invoke(app, ["link", "--db", db_url, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert isinstance(data, list) and len(data) == 1
    item = data[0]
    assert set(item) == {"successor", "predecessor", "confidence", "reasons"}
    assert item["successor"] == {"platform": "x", "id": "s1", "handle": "abu_media2"}
    assert item["predecessor"] == {"platform": "x", "id": "p1", "handle": "abu_media1"}
    assert isinstance(item["confidence"], float) and item["confidence"] >= DEFAULT_THRESHOLD
    assert all(isinstance(r, str) for r in item["reasons"])
    low = json.loads(CliRunner().invoke(app, ["link", "--db", db_url, "--format", "json",
                                              "--min-confidence", "0", "--no-run"]).output)
    assert len(low) == 2


def test_cli_families_json_and_bad_options(store, db_url):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")
    runner = CliRunner()
    assert runner.invoke(app, ["link", "--db", db_url]).exit_code == 0
    fams = json.loads(runner.invoke(app, ["families", "--db", db_url, "--format", "json"]).output)
    assert [a["id"] for a in fams[0]["accounts"]] == ["p1", "s1"]
    bad = runner.invoke(app, ["link", "--db", db_url, "--since", "yesterday-ish"])
    assert bad.exit_code != 0
