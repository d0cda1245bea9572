"""Counts for `hydrawatch stats`."""

from __future__ import annotations

from sqlalchemy import func, select

from hydrawatch.store import schema as s


def collect_stats(store) -> dict[str, int]:
    with store.session(readonly=True) as db:
        def count(stmt) -> int:
            return int(db.scalar(stmt) or 0)

        multi_handle = (select(s.Handle.platform, s.Handle.account_id)
                        .group_by(s.Handle.platform, s.Handle.account_id)
                        .having(func.count() > 1).subquery())
        return {
            "accounts": count(select(func.count()).select_from(s.Account)),
            "posts": count(select(func.count()).select_from(s.Post)),
            "media": count(select(func.count()).select_from(s.Media)),
            "edges": count(select(func.count()).select_from(s.Edge)),
            "statuses": count(select(func.count()).select_from(s.Status)),
            "suspended_accounts": count(select(func.count()).select_from(s.Account)
                                        .where(s.Account.status == "suspended")),
            "handle_changes": count(select(func.count()).select_from(multi_handle)),
            "nominations": count(select(func.count()).select_from(s.Nomination)),
            "nominations_resolved": count(select(func.count()).select_from(s.Nomination)
                                          .where(s.Nomination.account_id.is_not(None))),
            "cases": count(select(func.count()).select_from(s.Case)),
            "verified_cases": count(select(func.count()).select_from(s.Case)
                                    .where(s.Case.state == "verified")),
            "links": count(select(func.count()).select_from(s.Link)),
            "organizations": count(select(func.count()).select_from(s.Organization)),
            "users": count(select(func.count()).select_from(s.User)),
        }
