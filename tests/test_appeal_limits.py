"""Appeals: one open appeal per account and contact, and a rate limit per contact and per
account (issue 10: 1,000 appeals for one account in 6 s were all accepted)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hydrawatch.verification.appeals import AppealLimits, decide_appeal, submit_appeal
from hydrawatch.errors import InputError, RateLimited
from hydrawatch.store.schema import Appeal
from hydrawatch.timeutil import utcnow

from review_world import add_account, add_people


def _appeals(store) -> int:
    with store.session() as db:
        return db.scalar(select(func.count()).select_from(Appeal))


def test_one_open_appeal_per_account_and_contact(store):
    add_people(store)
    add_account(store, "100", "target0")
    first = submit_appeal(store, "x:@target0", contact="Me@Example.org", text="mistake")
    with pytest.raises(InputError, match="already has an open appeal"):
        submit_appeal(store, "x:100", contact=" me@example.org ", text="again")  # same, folded
    submit_appeal(store, "x:@target0", contact="other@example.org", text="me too")
    submit_appeal(store, "x:@unknown_acc", contact="me@example.org", text="not me")
    with pytest.raises(InputError, match="already has an open appeal"):
        submit_appeal(store, "x:@Unknown_Acc", contact="me@example.org", text="not me")
    decide_appeal(store, first["id"], by_user="root", decision="uphold", note="reviewed")
    submit_appeal(store, "x:@target0", contact="me@example.org", text="new facts")  # reopened
    assert _appeals(store) == 4


def test_a_burst_for_one_account_is_rate_limited(store):
    add_people(store)
    add_account(store, "100", "target0")
    limits = AppealLimits(per_contact_hour=5, per_account_hour=20)
    accepted = refused = 0
    for i in range(200):
        try:
            submit_appeal(store, "x:100", contact=f"c{i}@example.org", text="spam", limits=limits)
            accepted += 1
        except RateLimited:
            refused += 1
    assert (accepted, refused) == (20, 180)
    later = utcnow() + timedelta(hours=1, minutes=1)
    submit_appeal(store, "x:100", contact="late@example.org", text="ok", limits=limits, now=later)


def test_one_contact_is_rate_limited_across_accounts(store, monkeypatch):
    add_people(store)
    monkeypatch.setenv("HYDRAWATCH_APPEALS_PER_CONTACT_HOUR", "3")
    for i in range(3):
        submit_appeal(store, f"x:@acc{i}", contact="busy@example.org", text="t")
    with pytest.raises(RateLimited, match="from this contact"):
        submit_appeal(store, "x:@acc9", contact="BUSY@example.org", text="t")
    assert _appeals(store) == 3
