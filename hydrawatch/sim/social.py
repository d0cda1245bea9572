"""Who follows whom, and what each kind of account posts. Follows are drawn from
communities ("cells" of a role) so that a re-entered account's old followers can come
back; posts draw on small ring buffers of recent posts to reshare, so memory stays bounded.
"""

from __future__ import annotations

import random
from collections import deque

import numpy as np

from hydrawatch.sim import compose as C
from hydrawatch.sim import text as T
from hydrawatch.sim.style import TextStyle
from hydrawatch.sim.world import (COUNTER, FAN, HUB, JOURNALIST, MEMBER, NEWS, ORDINARY,
                                  ORDINARY_AR, RESEARCHER, ROLE_NAMES, SPAMMER, Plan)
from hydrawatch.sim.writers import Post

# mean posts per day by role
POST_RATE = np.array([5.0, 3.0, 2.0, 0.7, 1.5, 8.0, 3.0, 8.0, 1.2, 1.0])
RING = 60


# whom each role follows at the start: ("cell", p) = each community mate with probability
# about p; (role, k) = k draws among that role on the same platform ("same" = own role)
FOLLOW_SPEC = {
    MEMBER: [("cell", 0.7), (HUB, 20), (MEMBER, 5), (NEWS, 2), (ORDINARY_AR, 3)],
    HUB: [(MEMBER, 15), (HUB, 10), (NEWS, 2)],
    JOURNALIST: [(HUB, 3), (MEMBER, 40), (NEWS, 8), (JOURNALIST, 6), (RESEARCHER, 3), (ORDINARY, 4)],
    RESEARCHER: [(HUB, 10), (MEMBER, 40), (NEWS, 8), (JOURNALIST, 6), (RESEARCHER, 3), (ORDINARY, 4)],
    COUNTER: [(HUB, 2), (MEMBER, 10), ("cell", 0.5), (JOURNALIST, 3), (ORDINARY_AR, 5)],
    NEWS: [(NEWS, 3), (JOURNALIST, 3)],
    FAN: [("cell", 0.5), (NEWS, 2), (ORDINARY, 4)],
    SPAMMER: [(ORDINARY, 25), (ORDINARY_AR, 15)],
    ORDINARY_AR: [("cell", 0.25), (NEWS, 3), ("same", 5), (FAN, 1)],
    ORDINARY: [("cell", 0.25), (NEWS, 3), ("same", 5), (FAN, 1)],
}


class Graph:
    """Index arrays of the original accounts by (role, platform) and by cell."""

    def __init__(self, plan: Plan):
        self.plan = plan
        n0 = plan.n_original
        role, platform = plan.role[:n0], plan.platform[:n0]
        self.by_role = [np.flatnonzero(role == r) for r in range(len(ROLE_NAMES))]
        self.by_rp = {(r, p): np.flatnonzero((role == r) & (platform == p))
                      for r in range(len(ROLE_NAMES)) for p in (0, 1)}
        self.cell_size = plan.params.cell_size
        # the live incarnation of each original (a re-entry replaces its root)
        self.current = np.arange(n0, dtype=np.int32)

    def cellmates(self, i: int) -> np.ndarray:
        plan = self.plan
        root = int(plan.root[i])
        r = int(plan.role[i])
        size = 1 if r in (HUB, NEWS) else self.cell_size
        c = int(plan.cell[i])
        mates = self.by_role[r][c * size:(c + 1) * size]
        return mates[mates != root]

    def _sample(self, rng: random.Random, arr: np.ndarray, k: int, out: list[int]) -> None:
        k = min(k, len(arr))
        if k > 0:
            out.extend(int(arr[j]) for j in rng.sample(range(len(arr)), k))

    def _some(self, rng: random.Random, arr: np.ndarray, p: float, out: list[int]) -> None:
        if len(arr) == 0:
            return
        k = sum(1 for _ in range(len(arr)) if rng.random() < p)
        self._sample(rng, arr, k, out)

    def initial_follows(self, seed: int, chunk: int = 10_000):
        """Follow edges among the originals at the start, as (src, dst) index arrays, one
        chunk of sources at a time (sorted by src, then dst). Drawn with numpy per
        (role, platform) group, with replacement then de-duplicated."""
        plan = self.plan
        n0 = plan.n_original
        pos = np.empty(n0, dtype=np.int64)  # rank of each original within its role
        for idx in self.by_role:
            pos[idx] = np.arange(len(idx))
        for c0 in range(0, n0, chunk):
            rng = np.random.default_rng([seed, 3, c0])
            srcs, dsts = [], []
            src_all = np.arange(c0, min(n0, c0 + chunk))
            for r, spec in FOLLOW_SPEC.items():
                for p in (0, 1):
                    src = src_all[(plan.role[src_all] == r) & (plan.platform[src_all] == p)]
                    if not len(src):
                        continue
                    for target, amount in spec:
                        if target == "cell":
                            pool = self.by_role[r]
                            size = 1 if r in (HUB, NEWS) else self.cell_size
                            first = (pos[src] // size) * size
                            span = np.minimum(size, len(pool) - first)
                            k = max(1, int(round(amount * size)))
                            dst = pool[first[:, None] + (rng.random((len(src), k)) * span[:, None]).astype(np.int64)]
                        else:
                            pool = self.by_rp[(r if target == "same" else target), p]
                            if not len(pool):
                                continue
                            dst = pool[rng.integers(0, len(pool), (len(src), amount))]
                            dst = np.where(rng.random(dst.shape) < 0.8, dst, -1)
                        srcs.append(np.repeat(src, dst.shape[1]))
                        dsts.append(dst.ravel())
            if not srcs:
                continue
            s, d = np.concatenate(srcs), np.concatenate(dsts)
            keep = (d >= 0) & (d != s)
            pairs = np.unique(s[keep].astype(np.int64) * n0 + d[keep])
            yield pairs // n0, pairs % n0

    def reentry_follows(self, j: int, t: int, rng: random.Random, refollow: float
                        ) -> tuple[list[int], list[int]]:
        """(followees, returning followers) of re-entered or decoy account ``j`` at time ``t``:
        live incarnations of its community."""
        plan = self.plan
        r, p = int(plan.role[j]), int(plan.platform[j])
        mates = [int(self.current[m]) for m in self.cellmates(j)]
        mates = [m for m in mates if plan.created[m] <= t < plan.suspended[m] and m != j
                 and plan.platform[m] == p]  # a decoy's community may live on the other platform
        if plan.decoy_of[j] >= 0:
            followees = [m for m in mates if rng.random() < 0.2]
            followers = [m for m in mates if rng.random() < 0.1]
            share = plan.params.decoy_shared_followers
            if share > 0:  # the look-alike's victim's community follows it too (same club, town...)
                victim = int(plan.decoy_of[j])
                theirs = [int(self.current[m]) for m in self.cellmates(victim)]
                followers += [m for m in theirs if plan.created[m] <= t < plan.suspended[m] and m != j
                              and plan.platform[m] == p and rng.random() < share]
                followers = sorted(set(followers))
            return followees, followers
        followees = [m for m in mates if rng.random() < 0.7]
        followers = [m for m in mates if rng.random() < refollow]
        if r in (HUB, MEMBER):
            hubs = [int(self.current[h]) for h in self.by_rp[HUB, p]]
            followees += [h for h in hubs if plan.created[h] <= t < plan.suspended[h] and rng.random() < 0.8]
            watchers: list[int] = []
            self._sample(rng, self.by_rp[JOURNALIST, p], rng.randrange(0, 3), watchers)
            followers += watchers
        return sorted(set(followees) - {j}), sorted(set(followers) - {j})


class Rings:
    """Recent posts per community, for resharing, replying and quoting."""

    def __init__(self):
        self.rings: dict[tuple, deque] = {}

    def push(self, key: tuple, post: Post) -> None:
        ring = self.rings.get(key)
        if ring is None:
            ring = self.rings[key] = deque(maxlen=RING)
        ring.append(post)

    def pick(self, key: tuple, rng: random.Random, t: int, suspended: np.ndarray) -> Post | None:
        ring = self.rings.get(key)
        if not ring:
            return None
        for _ in range(3):
            post = ring[rng.randrange(len(ring))]
            if post.t < t and suspended[post.author] > t:
                return post
        return None


_STYLED = (JOURNALIST, RESEARCHER, COUNTER, NEWS)


class Author:
    """Turns (account, time) slots into posts."""

    def __init__(self, world, rings: Rings):
        self.w = world
        self.rings = rings
        self.bulletin_no: dict[int, int] = {}
        self.p = world.plan.params
        self.curious_done: set[int] = set()
        # randomised worlds word their reports, counter-speech and shout-outs their own way
        self.style = TextStyle.draw(self.p.text_style) if self.p.text_style else None

    def _trait(self, i: int, salt: int) -> float:
        """A fixed per-family draw in [0, 1) (same for every incarnation of a root)."""
        root = int(self.w.plan.root[i])
        return ((root * 2_654_435_761 + self.p.seed * 40_503 + salt * 97) % 1_000_003) / 1_000_003

    def _mention(self, i: int, t: int) -> tuple[str, int]:
        return (self.w.handle_at(i, t), i)

    def post(self, pid: int, i: int, t: int, rng: random.Random, shout_of: int | None = None) -> Post:
        post = self._post(pid, i, t, rng, shout_of)
        if (self.style is not None and post.reshare is None and post.author == i
                and (shout_of is not None or int(self.w.plan.role[i]) in _STYLED)):
            # its own random stream, so the rest of the world is drawn exactly as without it
            post.text = self.style.apply(post.text, post.lang, random.Random(self.p.text_style * 1_000_003 + pid))
        return post

    def _post(self, pid: int, i: int, t: int, rng: random.Random, shout_of: int | None = None) -> Post:
        w, plan, rings = self.w, self.w.plan, self.rings
        role, p = int(plan.role[i]), int(plan.platform[i])
        lang = w.ident(i).lang
        susp = plan.suspended
        if shout_of is not None:
            old = w.handle_at(shout_of, int(susp[shout_of]))
            return Post(pid, i, t, T.shoutout(rng, lang, old), lang, mentions=[(old, shout_of)])
        x = rng.random()
        if role == HUB:
            root = int(plan.root[i])
            n = self.bulletin_no.get(root, 10 + root % 90) + 1
            self.bulletin_no[root] = n
            body = (C.bulletin_text(rng, lang, n, self.p.tag_variant_prob) if self.p.composed_text
                    else T.bulletin(rng, lang, n))
            post = Post(pid, i, t, body, lang)
            rings.push(("bulletin", p), post)
            return post
        if role == MEMBER and self.p.composed_text:
            return self._member_composed(pid, i, t, rng, lang, p, x)
        if role == MEMBER:
            if x < 0.5:
                ref = rings.pick(("bulletin", p), rng, t, susp) or rings.pick(("movement", p), rng, t, susp)
                if ref is not None:
                    return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
            elif x < 0.6:
                ref = rings.pick(("movement", p), rng, t, susp)
                if ref is not None:
                    body = f"@{w.handle_at(ref.author, t)} {T.member_post(rng, lang)}"
                    return Post(pid, i, t, body, lang, reply=ref, mentions=[self._mention(ref.author, t)])
            post = Post(pid, i, t, T.member_post(rng, lang), lang)
            rings.push(("movement", p), post)
            return post
        if role == JOURNALIST:
            about = x < 0.4
            if about and rng.random() < self.p.journalist_quote_prob and p == 0:
                ref = rings.pick(("bulletin", p), rng, t, susp) or rings.pick(("movement", p), rng, t, susp)
                if ref is not None:
                    body = (C.neutral_quote(rng, lang, self.p.quote_link_prob) if self.p.composed_text
                            else T.report_post(rng, lang, True))
                    return Post(pid, i, t, body, lang, quote=ref)
            if x > 0.8:
                ref = rings.pick(("news", p), rng, t, susp)
                if ref is not None:
                    return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
            if about and self.p.composed_text:
                body = C.report_text(rng, lang, self.p.tag_variant_prob, self.p.quote_link_prob)
            else:
                body = T.report_post(rng, lang, about)
            post = Post(pid, i, t, body, lang)
            rings.push(("journalism", p), post)
            return post
        if role == RESEARCHER:
            if x < 0.2:
                ref = rings.pick(("journalism", p), rng, t, susp)
                if ref is not None:
                    return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
            if self.p.composed_text:
                if x < 0.2 + self.p.researcher_quote_prob and p == 0:
                    ref = rings.pick(("bulletin", p), rng, t, susp)
                    if ref is not None:
                        return Post(pid, i, t, C.neutral_quote(rng, lang, self.p.quote_link_prob), lang, quote=ref)
                return Post(pid, i, t, C.report_text(rng, lang, self.p.tag_variant_prob, self.p.quote_link_prob), lang)
            return Post(pid, i, t, T.research_post(rng, lang), lang)
        if role == COUNTER:
            composed = self.p.composed_text
            if x < self.p.counter_quote_prob and p == 0:
                ref = (rings.pick(("bulletin", p), rng, t, susp) if composed else None) \
                    or rings.pick(("movement", p), rng, t, susp)
                if ref is not None:
                    body = C.mockery(rng, lang, self.p.tag_variant_prob) if composed else T.counter_post(rng, lang)
                    return Post(pid, i, t, body, lang, quote=ref)
            if composed and rng.random() < 0.5:
                return Post(pid, i, t, C.mockery(rng, lang, self.p.tag_variant_prob), lang)
            return Post(pid, i, t, T.counter_post(rng, lang), lang)
        if role == NEWS:
            if self.p.news_reshare_prob > 0 and rng.random() < self.p.news_reshare_prob:
                ref = rings.pick(("news", p), rng, t, susp)
                if ref is not None and ref.author != i:
                    return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
            if x < 0.1 and self.p.composed_text:
                body = C.report_text(rng, lang, self.p.tag_variant_prob, 1.0)
            else:
                body = T.news_post(rng, lang, x < 0.1)
            post = Post(pid, i, t, body, lang)
            rings.push(("news", p), post)
            return post
        if role == FAN:
            club = int(plan.cell[i]) % len(T.CLUBS)
            if x < 0.55:
                ref = rings.pick(("fan", club, p), rng, t, susp)
                if ref is not None:
                    return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
            post = Post(pid, i, t, T.fan_post(rng, lang, club), lang)
            rings.push(("fan", club, p), post)
            return post
        if role == SPAMMER:
            body = T.spam_post(rng)
            ref = rings.pick(("ordinary", "en", p), rng, t, susp)
            if ref is not None and rng.random() < 0.5:
                body = f"@{w.handle_at(ref.author, t)} {body}"
                return Post(pid, i, t, body, "en", mentions=[self._mention(ref.author, t)])
            return Post(pid, i, t, body, "en")
        # ordinary people
        if plan.curious[i] and i not in self.curious_done:
            ref = rings.pick(("bulletin", p), rng, t, susp)
            if ref is not None:
                self.curious_done.add(i)
                return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
        if x < 0.1:
            ref = rings.pick(("news", p), rng, t, susp)
            if ref is not None:
                return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
        elif x < 0.15:
            ref = rings.pick(("ordinary", lang, p), rng, t, susp)
            if ref is not None:
                body = f"@{w.handle_at(ref.author, t)} " + self._everyday(rng, lang)
                return Post(pid, i, t, body, lang, reply=ref, mentions=[self._mention(ref.author, t)])
        post = Post(pid, i, t, self._everyday(rng, lang), lang)
        rings.push(("ordinary", lang, p), post)
        return post

    def _everyday(self, rng: random.Random, lang: str) -> str:
        if not self.p.composed_text:
            return T.ordinary_post(rng, lang)
        if rng.random() < 0.2:
            return T.ordinary_post(rng, lang)
        return C.everyday(rng, lang, self.p.faith_overlap if lang == "ar" else 0.05)

    def _member_composed(self, pid: int, i: int, t: int, rng: random.Random, lang: str, p: int, x: float) -> Post:
        """A member in a composed world: quiet members mostly live ordinary lives online."""
        w, rings, susp, prm = self.w, self.rings, self.w.plan.suspended, self.p
        quiet = self._trait(i, 11) < prm.quiet_member_share
        reshare = prm.quiet_reshare_prob if quiet else 0.45
        if x < reshare:
            ref = rings.pick(("bulletin", p), rng, t, susp) or rings.pick(("movement", p), rng, t, susp)
            if ref is not None:
                return Post(pid, i, t, ref.text, ref.lang, reshare=ref)
        elif x < reshare + 0.08:
            ref = rings.pick(("movement", p), rng, t, susp)
            if ref is not None:
                body = f"@{w.handle_at(ref.author, t)} " + (
                    self._everyday(rng, lang) if rng.random() < 0.5
                    else C.movement_text(rng, lang, prm.member_tag_prob, prm.tag_variant_prob))
                return Post(pid, i, t, body, lang, reply=ref, mentions=[self._mention(ref.author, t)])
        y = rng.random()
        mundane = 0.85 if quiet else prm.member_mundane_share
        if y < mundane:
            return Post(pid, i, t, C.everyday(rng, lang, prm.faith_overlap if lang == "ar" else 0.1), lang)
        if y < mundane + prm.copy_untagged_share:
            ref = rings.pick(("bulletin", p), rng, t, susp)
            if ref is not None:
                return Post(pid, i, t, C.strip_tags(ref.text), ref.lang)
        post = Post(pid, i, t, C.movement_text(rng, lang, prm.member_tag_prob, prm.tag_variant_prob), lang)
        rings.push(("movement", p), post)
        return post
