"""Outcome metrics on a store with known answers (all figures worked out by hand)."""

from __future__ import annotations

import math

import pytest

from hydrawatch.act.metrics import compute_metrics
from hydrawatch.act.outcomes import case_outcomes, first_removed_after, reported_at
from tests.act_world import (T0, add_appeal, add_account, add_case, add_link, add_report,
                             add_status, day)

NOW = day(60)
# x accounts 101..107 are removed this many days after the report; 108..110 stay live.
REMOVAL_DAYS = {"101": 1, "102": 2, "103": 3, "104": 4, "105": 5, "106": 6, "107": 25}
LAST_LIVE = {"108": 5.5, "109": 20, "110": 40}


@pytest.fixture
def world(store):
    with store.session() as db:
        cases = {}
        for aid in [*REMOVAL_DAYS, *LAST_LIVE]:
            state = "removed" if aid in REMOVAL_DAYS else "active"
            cases[aid] = add_case(db, "x", aid, state, handle=f"h{aid}")
            add_report(db, cases[aid], T0)
        add_report(db, cases["101"], day(0.5), channel="pack")  # a later report: first counts
        add_report(db, cases["102"], day(0.1), status="failed")
        add_status(db, "x", "101", "active", day(-1))  # before the report: ignored
        for aid, d in REMOVAL_DAYS.items():
            if aid == "104":  # X lookup errors name only the handle
                add_status(db, "x", "", "suspended", day(d), handle_norm="h104")
            else:
                add_status(db, "x", aid, "active", day(d / 2))
                add_status(db, "x", aid, "suspended" if aid != "106" else "not_found", day(d))
        add_status(db, "x", "103", "active", day(10))  # reinstated by the platform
        for aid, d in LAST_LIVE.items():
            add_status(db, "x", aid, "active", day(d))
        add_status(db, "x", "108", "unknown", day(8))  # could not be checked: still censored at 5.5
        add_status(db, "x", "110", "suspended", day(70))  # after NOW: not seen yet
        m1 = add_case(db, "mastodon", "m1", "reported", handle="m1@example.social")
        add_report(db, m1, T0)  # never checked since
        add_case(db, "x", "120", "verified")
        add_status(db, "x", "120", "unknown", day(3))
        add_case(db, "x", "r1", "rejected")
        add_case(db, "x", "r2", "rejected")
        add_case(db, "x", "n1", "nominated")
        # re-entries: 101 -> 201 -> 202 and 102 -> 203
        add_account(db, "x", "201", "s201", created_at=day(3))
        add_account(db, "x", "202", "s202", created_at=day(14))
        add_account(db, "x", "203", "s203", created_at=day(8))
        add_status(db, "x", "201", "suspended", day(10))
        add_link(db, "x", "201", "101")
        add_link(db, "x", "202", "201", 0.9)
        add_link(db, "x", "203", "102", 0.8)
        add_link(db, "x", "204", "105", 0.1)  # below the threshold
        add_link(db, "x", "205", "106", state="rejected")
        add_link(db, "x", "206", "107", rank=2)  # not the best predecessor
        for state in ("open", "upheld", "delisted"):
            add_appeal(db, "x", "h101", state, case=cases["101"])
    return store


def test_outcome_queries(world):
    with world.session() as db:
        case_101 = next(o for o in case_outcomes(db, now=NOW) if o.account_id == "101")
        assert reported_at(db, case_101.case_id, now=NOW) == T0
        assert first_removed_after(db, "x", "101", T0, now=NOW) == day(1)
        assert first_removed_after(db, "x", "101", day(2), now=NOW) is None
        assert first_removed_after(db, "x", "104", T0, now=NOW) == day(4)  # by handle
        assert first_removed_after(db, "x", "110", T0, now=NOW) is None  # day 70 is after NOW
        assert first_removed_after(db, "x", "110", T0, now=day(71)) == day(70)
        by_id = {o.account_id: o for o in case_outcomes(db, now=NOW)}
    assert by_id["103"].reinstated_at == day(10)
    assert by_id["106"].removed_status == "not_found"
    assert by_id["108"].last_live_at == day(5.5) and by_id["108"].last_status == "unknown"
    assert not by_id["m1"].checked


def test_metrics_known_answers(world):
    m = compute_metrics(world, now=NOW)
    assert (m.cases.opened, m.cases.verified, m.cases.rejected) == (15, 12, 2)
    assert m.cases.by_state["removed"] == 7
    assert m.reports.sent == 12 and m.reports.failed == 1
    assert m.reports.sent_by_platform_channel == {"mastodon": {"api": 1},
                                                  "x": {"api": 10, "pack": 1}}
    x, = [p for p in m.platforms if p.platform == "x"]
    assert (x.reported, x.removed, x.removal_rate, x.still_live, x.reinstated, x.unchecked) == \
        (10, 7, 0.7, 3, 1, 0)
    mast, = [p for p in m.platforms if p.platform == "mastodon"]
    assert (mast.reported, mast.removed, mast.unchecked) == (1, 0, 1)
    # delays 1,2,3,4,5,6,25 days: median 4 d; p90 at index 5.4 -> 6 + 0.4 * 19 = 13.6 d
    assert m.time_to_removal.removed == 7
    assert m.time_to_removal.median_hours == 96.0
    assert math.isclose(m.time_to_removal.p90_hours, 13.6 * 24)
    # KM: 10 at risk; events at 1..5 (S(5) = 5/10), censored at 5.5, event at 6 with 4 at
    # risk (S = 0.375), censored at 20, event at 25 with 2 at risk (S = 0.1875), censored 40.
    s = m.survival
    assert (s.at_risk, s.events, s.censored) == (10, 7, 3)
    assert s.live_at_7_days == 0.375
    assert s.live_at_30_days == 0.1875
    assert dict(s.curve)[5.0] == 0.5
    r = m.reentries
    assert r.linked == 3
    assert r.median_days_to_return == 4.0  # 2, 4 and 6 days
    assert r.family_sizes == {2: 1, 3: 1} and r.largest_family == 3
    assert (m.appeals.submitted, m.appeals.open, m.appeals.upheld, m.appeals.delisted,
            m.appeals.reversals) == (3, 1, 1, 1, 1)
    assert m.unchecked_accounts == 2  # 108 and 120: newest observation is "unknown"


def test_metrics_as_dict_and_empty_store(world, store):
    d = compute_metrics(world, now=NOW).as_dict()
    assert d["as_of"] == "2026-03-02T00:00:00Z"
    assert d["appeals"]["reversals"] == 1
    assert d["reentries"]["family_sizes"] == {"2": 1, "3": 1}
    import orjson

    orjson.dumps(d)  # JSON-ready


def test_metrics_on_empty_store(store):
    m = compute_metrics(store)
    assert m.cases.opened == 0 and m.platforms == []
    assert m.time_to_removal.median_hours is None and m.survival.live_at_7_days is None
    assert m.reentries.linked == 0 and m.reentries.largest_family == 0


def test_metrics_now_moves_the_clock(world):
    early = compute_metrics(world, now=day(3.5))
    x, = [p for p in early.platforms if p.platform == "x"]
    assert x.removed == 3  # removals at days 1, 2, 3
