"""The crawl re-orders its queue from the scores of what it collected (collect/state.py
``prioritise``): a queued account linked to several high-scoring collected accounts comes
before one linked only to a low-scoring one, and never below the score the store gives it."""

from __future__ import annotations

from sqlalchemy import select

from hydrawatch.collect import state as st
from hydrawatch.store.schema import Account, CrawlAccount, Edge


def _account(db, account_id: str, score: float | None) -> None:
    db.add(Account(platform="x", account_id=account_id, handle=f"h{account_id}",
                   handle_norm=f"h{account_id}", score=score))


def test_queue_priority_is_the_score_mass_of_collected_neighbours(store):
    with store.session() as db:
        crawl_id, _ = st.open_crawl(db, "/tmp/c", {})
        for a, score in (("s", 1.0), ("m1", 0.9), ("m2", 0.8), ("o1", 0.05),
                         ("q_member", None), ("q_fan", None), ("q_known", 0.7), ("q_far", None)):
            _account(db, a, score)
        for a, state in (("s", st.DONE), ("m1", st.DONE), ("m2", st.DONE), ("o1", st.DONE)):
            db.add(CrawlAccount(crawl_id=crawl_id, platform="x", account_id=a, hop=0 if a == "s" else 1,
                                state=state, score=0.0, seed_links=0, links=0, queued_at=st.utcnow()))
        for a in ("q_member", "q_fan", "q_known", "q_far"):
            db.add(CrawlAccount(crawl_id=crawl_id, platform="x", account_id=a, hop=2, state=st.QUEUED,
                                score=0.0, seed_links=0, links=1, queued_at=st.utcnow()))
        # q_member: followed by two high scorers and follows one; q_fan: follows a low scorer
        for src, dst in (("m1", "q_member"), ("m2", "q_member"), ("q_member", "s"), ("q_fan", "o1"),
                         ("q_far", "q_fan")):
            db.add(Edge(platform="x", src=src, dst=dst, type="follows"))
        db.add(Edge(platform="x", src="m1", dst="q_fan", type="mentions"))   # not a follow: ignored
    with store.session() as db:
        assert st.prioritise(db, crawl_id) == 3
    with store.session(readonly=True) as db:
        prio = dict(db.execute(select(CrawlAccount.account_id, CrawlAccount.score)
                               .where(CrawlAccount.state == st.QUEUED)).all())
        order = [r.account_id for r in [st.next_account(db, crawl_id, ["x"])]]
    assert prio["q_member"] == 2.7 and prio["q_fan"] == 0.05
    assert prio["q_known"] == 0.7 and prio["q_far"] == 0.0   # the store's own score; no collected neighbour
    assert order == ["q_member"]
