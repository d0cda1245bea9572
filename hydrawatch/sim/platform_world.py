"""The state behind the platform simulator (``platform_server.py``): accounts, a virtual
clock, and a moderation model that removes reported accounts.

A report (through an API endpoint, or a report pack received by the sim-only ``/_sim/flag``
endpoint) is decided once per account: removed with probability ``removal_rate``, after a
delay drawn from a log-normal distribution with median ``delay_median_hours`` and shape
``delay_sigma``. The decisions are the truth a benchmark compares ``track`` against.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import orjson

from hydrawatch.timeutil import iso, parse_time, utcnow

REMOVED_AS = {"x": "suspended", "mastodon": "suspended", "bluesky": "takendown",
              "telegram": "not_found"}


@dataclass
class SimAccount:
    platform: str
    account_id: str
    handle: str                      # as shown: ``user`` (X), ``user@instance`` (Mastodon)
    status: str = "active"           # active | suspended | not_found | deactivated | takendown
    removed_at: datetime | None = None
    name: str | None = None


@dataclass
class Moderation:
    removal_rate: float = 0.7
    delay_median_hours: float = 36.0
    delay_sigma: float = 0.8
    seed: int = 0


@dataclass
class Decision:
    reported_at: datetime
    removed: bool
    remove_at: datetime | None


@dataclass
class PlatformWorld:
    accounts: dict[tuple[str, str], SimAccount] = field(default_factory=dict)
    moderation: Moderation = field(default_factory=Moderation)
    now: datetime = field(default_factory=utcnow)
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)
    reports: list[dict] = field(default_factory=list)
    data: object = None   # platform_data.CollectData: what collection endpoints serve

    def __post_init__(self):
        self.lock = threading.RLock()
        self.rng = np.random.default_rng(self.moderation.seed)
        self._by_handle: dict[tuple[str, str], tuple[str, str]] = {}
        for key, acc in self.accounts.items():
            self._by_handle[(acc.platform, acc.handle.lower())] = key

    # -- building ----------------------------------------------------------------------------
    def add(self, acc: SimAccount) -> None:
        with self.lock:
            self.accounts[(acc.platform, acc.account_id)] = acc
            self._by_handle[(acc.platform, acc.handle.lower())] = (acc.platform, acc.account_id)

    @classmethod
    def from_store(cls, store, moderation: Moderation | None = None, now: datetime | None = None):
        """Every account in the store, with its current status."""
        from sqlalchemy import select

        from hydrawatch.store.schema import Account

        world = cls(moderation=moderation or Moderation(), now=now or utcnow())
        with store.session() as db:
            for platform, account_id, handle, name, status in db.execute(
                    select(Account.platform, Account.account_id, Account.handle, Account.name,
                           Account.status)):
                world.add(SimAccount(platform, account_id, handle or account_id,
                                     status if status in REMOVED_AS.values() else "active",
                                     name=name))
        return world

    @classmethod
    def from_world_dir(cls, path, moderation: Moderation | None = None):
        """The accounts of a ``sim generate`` world, as they stand at its end."""
        truth = orjson.loads((Path(path) / "truth.json").read_bytes())
        end = parse_time(truth["end"])
        world = cls(moderation=moderation or Moderation(), now=end)
        for key, acc in truth["accounts"].items():
            platform, account_id = key.split(":", 1)
            suspended = parse_time(acc.get("suspended_at")) if acc.get("suspended_at") else None
            gone = suspended is not None and suspended <= end
            world.add(SimAccount(platform, account_id, acc["handle"],
                                 "suspended" if gone else "active", suspended if gone else None))
        return world

    # -- the clock ---------------------------------------------------------------------------
    def advance(self, seconds: float) -> datetime:
        with self.lock:
            self.now += timedelta(seconds=seconds)
            return self.now

    def set_now(self, when: datetime) -> datetime:
        with self.lock:
            self.now = when
            return self.now

    # -- looking up --------------------------------------------------------------------------
    def by_id(self, platform: str, account_id: str) -> SimAccount | None:
        return self.accounts.get((platform, account_id))

    def by_handle(self, platform: str, handle: str) -> SimAccount | None:
        key = self._by_handle.get((platform, handle.lower().lstrip("@")))
        return self.accounts.get(key) if key else None

    def status(self, acc: SimAccount) -> str:
        """The account's status at the virtual now (applying decided removals when due)."""
        with self.lock:
            d = self.decisions.get((acc.platform, acc.account_id))
            if acc.status == "active" and d and d.removed and d.remove_at <= self.now:
                acc.status = REMOVED_AS[acc.platform]
                acc.removed_at = d.remove_at
            return acc.status

    # -- moderation --------------------------------------------------------------------------
    def report(self, acc: SimAccount, *, channel: str, detail: dict | None = None) -> int:
        """Record a report; the first report of an account decides its fate. Returns the
        report id."""
        with self.lock:
            key = (acc.platform, acc.account_id)
            if key not in self.decisions and self.status(acc) == "active":
                m = self.moderation
                removed = bool(self.rng.random() < m.removal_rate)
                delay = None
                if removed:
                    hours = m.delay_median_hours * math.exp(m.delay_sigma * self.rng.standard_normal())
                    delay = timedelta(hours=hours)
                self.decisions[key] = Decision(self.now, removed, self.now + delay if delay else None)
            self.reports.append({"id": len(self.reports) + 1, "platform": acc.platform,
                                 "account_id": acc.account_id, "channel": channel,
                                 "at": iso(self.now), **(detail or {})})
            return len(self.reports)

    def truth(self) -> dict:
        with self.lock:
            return {"now": iso(self.now), "moderation": self.moderation.__dict__,
                    "decisions": [{"platform": p, "account_id": a, "reported_at": iso(d.reported_at),
                                   "removed": d.removed, "remove_at": iso(d.remove_at)}
                                  for (p, a), d in sorted(self.decisions.items())],
                    "reports": len(self.reports)}
