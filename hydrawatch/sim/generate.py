"""The day loop that writes a world: one file per format per day, accounts and follows as
they appear, suspensions as they are observed, posts in time order. Memory holds the plan
arrays, one page per writer, the ring buffers and the current day's posting slots."""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from hydrawatch.sim.identity import Identities
from hydrawatch.sim.social import POST_RATE, Author, Graph, Rings
from hydrawatch.sim.world import MASTODON, PLATFORMS, X, Plan
from hydrawatch.sim.writers import (INSTANCES, CanonicalWriter, MastodonWriter, XLookupWriter,
                                    XPageWriter, iso, x_time)

TWITTER_EPOCH_MS = 1288834974657
_FOLLOWERS = {0: (300, 4000), 1: (20, 400), 2: (2000, 60000), 3: (300, 6000), 4: (100, 3000),
              5: (50000, 900000), 6: (40, 900), 7: (0, 60), 8: (10, 600), 9: (10, 500)}


class World:
    """The plan plus derived identities: what the writers ask about accounts."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.ids = plan.ids
        self.suspended = plan.suspended
        self.idents = Identities(plan)
        self.ident = self.idents.get
        self.handle_at = self.idents.handle_at

    def metrics(self, i: int) -> tuple[int, int, int]:
        rng = self.idents.rng(i, salt=3)
        lo, hi = _FOLLOWERS[int(self.plan.role[i])]
        if self.plan.pred[i] >= 0 or self.plan.decoy_of[i] >= 0:
            lo, hi = 0, max(5, hi // 20)
        followers = int(lo + (hi - lo) * rng.random() ** 2)
        following = int(rng.uniform(20, 3000) if self.plan.role[i] == 7 else rng.uniform(10, 800))
        return followers, following, int(rng.uniform(5, 5000))

    def x_user(self, i: int, t: int) -> dict:
        ident = self.ident(i)
        followers, following, posts = self.metrics(i)
        return {"id": str(self.ids[i]), "name": ident.name, "username": self.handle_at(i, t),
                "created_at": x_time(int(self.plan.created[i])), "description": ident.bio,
                "protected": False, "verified": False,
                "profile_image_url": f"https://pbs.twimg.com/profile_images/{self.ids[i]}/{ident.avatar[:12]}_normal.jpg",
                "public_metrics": {"followers_count": followers, "following_count": following,
                                   "tweet_count": posts, "listed_count": followers // 200}}

    def full_handle(self, i: int, t: int) -> str:
        """The handle as stored: ``user`` on X, ``user@instance`` on Mastodon."""
        if self.plan.platform[i] == MASTODON:
            return f"{self.handle_at(i, t)}@{INSTANCES[self.ids[i] % len(INSTANCES)]}"
        return self.handle_at(i, t)

    def masto_acct(self, i: int, t: int) -> str:
        inst = INSTANCES[self.ids[i] % len(INSTANCES)]
        handle = self.handle_at(i, t)
        return handle if inst == INSTANCES[0] else f"{handle}@{inst}"

    def masto_url(self, i: int, t: int) -> str:
        return f"https://{INSTANCES[self.ids[i] % len(INSTANCES)]}/@{self.handle_at(i, t)}"

    def masto_account(self, i: int, t: int, full: bool = True) -> dict:
        ident = self.ident(i)
        acct = {"id": str(self.ids[i]), "username": self.handle_at(i, t), "acct": self.masto_acct(i, t),
                "display_name": ident.name, "url": self.masto_url(i, t)}
        if full:
            followers, following, posts = self.metrics(i)
            acct.update({"locked": False, "bot": False, "created_at": x_time(int(self.plan.created[i])),
                         "note": f"<p>{_escape(ident.bio)}</p>" if ident.bio else "",
                         "avatar": f"https://{INSTANCES[self.ids[i] % len(INSTANCES)]}/avatars/{ident.avatar[:16]}.png",
                         "followers_count": followers, "following_count": following, "statuses_count": posts})
        return acct


def _escape(s: str) -> str:
    import html

    return html.escape(s, quote=False)


class DayFiles:
    def __init__(self, out: Path, day: int, world: World, formats: tuple[str, ...]):
        tag = f"d{day:03d}"
        self.canonical = CanonicalWriter(out / "canonical" / f"{tag}.jsonl") if "canonical" in formats else None
        self.x = XPageWriter(out / "x" / f"tweets-{tag}.jsonl", world) if "x" in formats else None
        self.lookup = XLookupWriter(out / "x" / f"users-{tag}.jsonl") if "x" in formats else None
        self.mastodon = (MastodonWriter(out / "mastodon" / f"statuses-{tag}.jsonl", world)
                         if "mastodon" in formats else None)

    def all(self):
        return [w for w in (self.canonical, self.x, self.lookup, self.mastodon) if w is not None]

    def close(self) -> list[Path]:
        paths = []
        for w in self.all():
            w.close()
            if w.path.stat().st_size:
                paths.append(w.path)
            else:
                w.path.unlink()
        return paths


class Generator:
    def __init__(self, plan: Plan, out: Path, progress: bool = False):
        self.plan = plan
        self.out = out
        self.world = World(plan)
        self.graph = Graph(plan)
        self.rings = Rings()
        self.author = Author(self.world, self.rings)
        self.formats = tuple(plan.params.formats)
        self.seed = plan.params.seed
        self.progress = progress
        self.pending: dict[int, list[tuple]] = {}  # day -> [(t, order, kind, args)]
        self.counter = 0
        self.files: list[Path] = []
        self.stats = {"posts": 0, "follows": 0, "statuses": 0, "accounts": len(plan)}

    def _later(self, t: int, kind: str, *args) -> None:
        day = (t - self.plan.start) // 86400
        if day < self.plan.params.days:
            self.counter += 1
            self.pending.setdefault(int(day), []).append((t, self.counter, kind, args))

    def run(self) -> dict:
        t0 = time.perf_counter()
        for day in range(self.plan.params.days):
            self._day(day)
            if self.progress:
                print(f"day {day + 1}/{self.plan.params.days}: {self.stats['posts']:,} posts",
                      flush=True)
        self.stats["seconds"] = time.perf_counter() - t0
        return self.stats

    # -- one day ------------------------------------------------------------------------------
    def _day(self, day: int) -> None:
        plan, world = self.plan, self.world
        d0, d1 = plan.day_bounds(day)
        files = DayFiles(self.out, day, world, self.formats)
        rng = random.Random((self.seed * 1_000_003 + day * 7_919 + 17) & ((1 << 63) - 1))
        if day == 0:
            self._originals(files, rng)
        # accounts created today (re-entries, decoys), renames, suspensions
        new = np.flatnonzero((plan.created >= d0) & (plan.created < d1))
        for j in new.tolist():
            self._arrival(j, rng)
        for i in np.flatnonzero((plan.rename_at >= d0) & (plan.rename_at < d1)).tolist():
            self._later(int(plan.rename_at[i]), "account", i)
        for i in np.flatnonzero((plan.suspended >= d0) & (plan.suspended < d1)).tolist():
            self._later(int(plan.suspended[i]) + rng.randrange(60, 3 * 3600), "suspended", i)
        for t, _, kind, args in sorted(self.pending.pop(day, []), key=lambda e: (e[0], e[1])):
            self._event(files, t, kind, args)
        if files.lookup is not None:
            self._lookup(files, d1, rng)
        self._posts(files, day, d0, d1, new, rng)
        self.files.extend(files.close())

    def _originals(self, files: DayFiles, rng: random.Random) -> None:
        plan, world = self.plan, self.world
        start = plan.start
        for i in range(plan.n_original):
            if files.canonical is not None:
                files.canonical.account(PLATFORMS[plan.platform[i]], int(plan.ids[i]), world.ident(i),
                                        world.full_handle(i, start), int(plan.created[i]), start, world.metrics(i))
        if files.canonical is None:
            return
        ids = plan.ids
        stamp = iso(start)
        write = files.canonical.fh.write
        for src, dst in self.graph.initial_follows(self.seed):
            for s, d in zip(src.tolist(), dst.tolist()):
                write(f'{{"kind":"edge","platform":"{PLATFORMS[plan.platform[s]]}","src":"{ids[s]}",'
                      f'"dst":"{ids[d]}","type":"follows","observed_at":"{stamp}"}}\n'.encode())
            self.stats["follows"] += len(src)

    def _arrival(self, j: int, rng: random.Random) -> None:
        plan = self.plan
        t = int(plan.created[j])
        self._later(t + rng.randrange(60, 1800), "account", j)
        if plan.pred[j] >= 0:
            root = int(plan.root[j])
            if root < plan.n_original:
                self.graph.current[root] = j
        followees, followers = self.graph.reentry_follows(j, t, rng, plan.params.refollow_prob)
        for dst in followees:
            self._later(t + rng.randrange(120, 6 * 3600), "follow", j, dst)
        for src in followers:  # old followers come back over hours to days
            self._later(t + int(rng.expovariate(1 / (plan.params.refollow_hours * 3600))) + 600, "follow", src, j)

    def _event(self, files: DayFiles, t: int, kind: str, args: tuple) -> None:
        plan, world = self.plan, self.world
        if kind == "follow":
            src, dst = args
            if plan.suspended[src] <= t or plan.suspended[dst] <= t:
                return
            if files.canonical is not None:
                files.canonical.follow(PLATFORMS[plan.platform[dst]], int(plan.ids[src]), int(plan.ids[dst]), t)
                self.stats["follows"] += 1
        elif kind == "account":
            (i,) = args
            if files.canonical is not None and plan.suspended[i] > t:
                files.canonical.account(PLATFORMS[plan.platform[i]], int(plan.ids[i]), world.ident(i),
                                        world.full_handle(i, t), int(plan.created[i]), t, world.metrics(i))
        elif kind == "suspended":
            (i,) = args
            handle = world.full_handle(i, int(plan.suspended[i]))
            self.stats["statuses"] += 1
            if files.canonical is not None:
                files.canonical.status(PLATFORMS[plan.platform[i]], int(plan.ids[i]), handle, "suspended", t)
            if plan.platform[i] == X and files.lookup is not None:
                files.lookup.page(t, [], [handle])

    def _lookup(self, files: DayFiles, d1: int, rng: random.Random) -> None:
        """A daily users-lookup check of some live X accounts (suspensions get their own
        lookup pages, at the time each was noticed)."""
        plan = self.plan
        live = np.flatnonzero(plan.alive(d1 - 1) & (plan.platform == X))
        checked = sorted(int(live[k]) for k in rng.sample(range(len(live)), min(20, len(live))))
        users = [self.world.x_user(i, d1 - 1) for i in checked]
        files.lookup.page(d1 - 1, users, [])

    def _posts(self, files: DayFiles, day: int, d0: int, d1: int, new: np.ndarray, rng: random.Random) -> None:
        plan = self.plan
        nrng = np.random.default_rng([self.seed, 2, day])
        live = np.flatnonzero((plan.created < d1) & (plan.suspended > d0))
        lo = np.maximum(plan.created[live], d0)
        hi = np.minimum(plan.suspended[live], d1)
        frac = (hi - lo) / 86400.0
        rate = (POST_RATE[plan.role[live]] * frac * plan.params.activity
                * np.where(plan.pred[live] >= 0, 1.3, 1.0))
        counts = nrng.poisson(rate)
        authors = np.repeat(live, counts)
        los, his = np.repeat(lo, counts), np.repeat(hi, counts)
        times = los + (nrng.random(len(authors)) * (his - los)).astype(np.int64)
        shout = np.zeros(len(authors), dtype=bool)
        shouters = new[plan.shoutout[new]] if len(new) else new
        if len(shouters):
            st = plan.created[shouters] + nrng.integers(300, 3 * 3600, len(shouters))
            ok = (st < d1) & (st < plan.suspended[shouters])
            authors = np.concatenate([authors, shouters[ok]])
            times = np.concatenate([times, st[ok]])
            shout = np.concatenate([shout, np.ones(int(ok.sum()), dtype=bool)])
        order = np.lexsort((authors, times))
        authors, times, shout = authors[order], times[order], shout[order]
        for lo in range(0, len(order), 65_536):  # python objects for one slice at a time
            hi = lo + 65_536
            self._write_posts(files, authors[lo:hi].tolist(), times[lo:hi].tolist(), shout[lo:hi].tolist(), rng)

    def _write_posts(self, files: DayFiles, authors: list, times: list, shout: list, rng: random.Random) -> None:
        plan, author = self.plan, self.author
        for a, t, s in zip(authors, times, shout):
            self.counter += 1
            ms = t * 1000 + self.counter % 1000
            platform = int(plan.platform[a])
            if platform == MASTODON:
                pid = (ms << 16) | (self.counter & 0xFFFF)
            else:
                pid = ((ms - TWITTER_EPOCH_MS) << 22) | (self.counter & 0x3FFFFF)
            post = author.post(pid, a, t, rng, shout_of=int(plan.pred[a]) if s else None)
            self.stats["posts"] += 1
            writer = files.mastodon if platform == MASTODON else files.x
            if writer is not None:
                writer.add(post)
            elif files.canonical is not None:
                files.canonical.post(PLATFORMS[platform], self.world, post)
