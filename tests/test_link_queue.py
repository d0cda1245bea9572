"""Two thresholds and the review queue (issue 13): a pair between the suggest and auto
thresholds waits for a reviewer; confirm/reject is stored, audited and respected by the
link listings; every link explains itself as a sum of field weights."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hydrawatch.cli import app
from hydrawatch.errors import InputError
from hydrawatch.linking.pipeline import link_store, list_links
from hydrawatch.linking.queue import decide_link, explain_link, review_queue, thresholds
from hydrawatch.store.schema import AuditEntry, Link
from tests.linkworld import AVATAR_B, AVATAR_C, World
from tests.test_link import _predecessor, _successor


def _world(store):
    with store.session() as db:
        w = World(db)
        _predecessor(w, "p1", "abu_media1")
        _successor(w, "s1", "abu_media2", "abu_media1")          # overwhelming evidence: auto
        _predecessor(w, "p2", "garden_k7", avatar=AVATAR_B, followers=range(40, 50), name="Kamal")
        # a look-alike handle, one returning follower, nothing else: for a reviewer at most
        w.account("s2", "garden_k8", created=30, name="Somebody", bio="", avatar=AVATAR_C)
        w.follows("f40", "s2", 31)
        w.post("s2", 32, "hello world")


def test_thresholds_and_queue(store):
    _world(store)
    summary = link_store(store)
    suggest, auto = thresholds()
    assert suggest <= auto
    with store.session() as db:
        conf = {(r.successor_id, r.predecessor_id): r.confidence for r in db.scalars(select(Link))}
    assert conf[("s1", "p1")] >= auto
    queue = review_queue(store)
    assert all(suggest <= q["confidence"] < auto and q["rank"] == 1 for q in queue)
    assert {(q["successor"]["id"], q["predecessor"]["id"]) for q in queue} == \
        {k for k, c in conf.items() if suggest <= c < auto}
    assert summary.suggested == len(queue)


def test_every_link_explains_itself_as_a_sum_of_field_weights(store, db_url):
    _world(store)
    link_store(store)
    (row,) = [r for r in list_links(store) if r["successor"]["id"] == "s1"]
    w = row["weights"]
    assert w is not None and {"handle", "avatar", "shout-out"} <= set(w["fields"])
    total = w["prior"] + w["rivals"] + sum(w["fields"].values())
    assert abs(total - w["log_odds"]) < 0.05
    assert w["fields"]["avatar"] >= 0 and w["fields"]["shout-out"] > 0
    (ex,) = explain_link(store, "x", "s1", "p1")
    assert ex["weights"] == w
    out = CliRunner().invoke(app, ["link-explain", "x:s1", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert "log-odds" in out.output and "shout-out" in out.output


def test_confirm_and_reject_are_stored_audited_and_respected(store):
    _world(store)
    link_store(store)
    suggest, auto = thresholds()
    decide_link(store, "x", "s2", "p2", "confirm", actor="rev-a", note="same person, checked")
    decide_link(store, "x", "s1", "p1", "reject", actor="rev-b")
    links = {(r["successor"]["id"], r["predecessor"]["id"]): r["state"] for r in list_links(store)}
    assert links.get(("s2", "p2")) == "confirmed"      # a link whatever its confidence
    assert ("s1", "p1") not in links                  # rejected: never a link
    assert all(q["successor"]["id"] != "s2" for q in review_queue(store, suggest=0.0))
    with store.session() as db:
        actions = [a.action for a in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["link.confirm", "link.reject"]
    link_store(store)  # a re-run keeps the decisions
    with store.session() as db:
        states = {(r.successor_id, r.predecessor_id): r.state for r in db.scalars(select(Link))}
    assert states[("s2", "p2")] == "confirmed" and states[("s1", "p1")] == "rejected"
    with pytest.raises(InputError):
        decide_link(store, "x", "s1", "p1", "maybe", actor="rev-b")
    with pytest.raises(InputError):
        decide_link(store, "x", "nobody", "p1", "confirm", actor="rev-b")


def test_cli_review_confirm_reject(store, db_url):
    _world(store)
    link_store(store)
    runner = CliRunner()
    out = runner.invoke(app, ["link-review", "--format", "json", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert isinstance(json.loads(out.output), list)
    out = runner.invoke(app, ["link-confirm", "x:s1", "p1", "--actor", "rev-a", "--db", db_url])
    assert out.exit_code == 0 and "confirmed" in out.output
    out = runner.invoke(app, ["link-reject", "s1", "p1", "--actor", "rev-a", "--db", db_url])
    assert out.exit_code != 0
