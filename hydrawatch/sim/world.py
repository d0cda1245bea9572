"""The plan of a world: who exists, in which role, when each account is created and
suspended, who re-enters as whom, who renames. Compact numpy arrays (a few dozen bytes
per account), so a million-account world plans in bounded memory; everything else (names,
posts, edges) is derived from the plan and the seed while the files are written.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import numpy as np

# Roles. Order matters only for the names table below.
HUB, MEMBER, JOURNALIST, RESEARCHER, COUNTER, NEWS, FAN, SPAMMER, ORDINARY_AR, ORDINARY = range(10)
ROLE_NAMES = ("hub", "member", "journalist", "researcher", "counter_speech", "news_outlet",
              "football_fan", "spammer", "ordinary_ar", "ordinary")
MOVEMENT_ROLES = (HUB, MEMBER)
HARD_NEGATIVE_ROLES = (JOURNALIST, RESEARCHER, COUNTER)
X, MASTODON = 0, 1
PLATFORMS = ("x", "mastodon")
NEVER = np.iinfo(np.int64).max
START = int(datetime(2026, 2, 1, tzinfo=timezone.utc).timestamp())


@dataclass
class WorldParams:
    """Everything that shapes a world. Shares are fractions of the original accounts."""

    seed: int = 0
    accounts: int = 2000
    days: int = 30
    formats: tuple[str, ...] = ("x", "mastodon", "canonical")
    start: str = "2026-02-01T00:00:00Z"
    shares: dict = field(default_factory=lambda: {
        "hub": 0.004, "member": 0.045, "journalist": 0.012, "researcher": 0.006,
        "counter_speech": 0.012, "news_outlet": 0.004, "football_fan": 0.10, "spammer": 0.015,
        "ordinary_ar": 0.35})  # "ordinary" takes the rest
    mastodon_share: float = 0.12           # of communities (cells) living on Mastodon
    suspension_per_day: dict = field(default_factory=lambda: {
        "hub": 0.03, "member": 0.018, "spammer": 0.03})
    reentry_prob: dict = field(default_factory=lambda: {"hub": 0.95, "member": 0.75, "spammer": 0.5})
    reentry_delay_hours: tuple[float, float] = (1.0, 120.0)  # clipped log-normal, median ~14 h
    shoutout_prob: float = 0.35
    refollow_prob: float = 0.6
    decoy_prob: float = 0.2                # per suspension: a benign look-alike appears
    rename_share: float = 0.015            # of benign accounts
    cell_size: int = 30                    # community size for follows and resharing
    activity: float = 1.0                  # multiplies every role's posting rate
    # -- realism knobs (defaults = the "default" preset; see PRESETS["hard"]) ----------------
    preset: str = "default"
    composed_text: bool = False            # posts composed word by word (compose.py), not templates
    member_mundane_share: float = 0.15     # of a member's own posts: everyday content
    quiet_member_share: float = 0.0        # members who mostly post everyday content, reshare little
    quiet_reshare_prob: float = 0.05       # a quiet member's chance that a post is a reshare
    hub_logo_prob: float = 0.95            # hubs with a logo avatar (a few bits flipped)
    member_logo_prob: float = 0.7          # members with a logo avatar
    member_bio_tag_prob: float = 0.45      # member bios with slogan and hashtag ...
    member_bio_slogan_prob: float = 0.7    # ... or (cumulative) a slogan; the rest ordinary bios
    member_tag_prob: float = 1.0           # composed member posts carrying movement hashtags
    copy_untagged_share: float = 0.0       # member posts that copy a bulletin without its hashtags
    tag_variant_prob: float = 0.0          # movement hashtags misspelled (homoglyph, _, Arabic variant)
    journalist_quote_prob: float = 0.3     # movement stories that quote a bulletin (X)
    quote_link_prob: float = 1.0           # neutral quotes and reports that carry a news link
    counter_quote_prob: float = 0.2        # counter-speech posts quoting a movement post (X)
    researcher_quote_prob: float = 0.0
    faith_overlap: float = 0.0             # everyday Arabic posts with faith phrases the movement uses too
    news_reshare_prob: float = 0.0         # news outlets resharing each other
    curious_share: float = 0.0             # ordinary accounts that reshare one bulletin, once
    same_avatar_prob: float = 0.7          # re-entry keeps its avatar (a few bits flipped)
    logo_avatar_prob: float = 0.2          # movement re-entry takes a logo instead
    name_keep_prob: float = 0.6            # re-entry keeps its display name ...
    name_similar_prob: float = 0.85        # ... or (cumulative) a decorated one
    bio_keep_prob: float = 0.6
    bio_similar_prob: float = 0.9
    fresh_handle_prob: float = 0.0         # re-entry under an unrelated handle
    double_mutation_prob: float = 0.0      # two handle mutations in a row
    refollow_hours: float = 20.0           # mean delay of a returning follower
    decoy_fan_share: float = 0.0           # decoys that are football fans
    decoy_shared_followers: float = 0.0    # chance each of the victim's community follows the decoy
    spam_handle_clusters: bool = False     # spammers named stem + small number (near-identical handles)
    # -- randomised worlds (sim/randomise.py); the defaults leave the default world unchanged --
    reentry_delay_median: float = 14.0     # hours, median of the log-normal re-entry delay
    name_pool: int = 0                     # benign display names drawn from a pool of this size (0: built in)
    bio_pool: int = 0                      # benign bios drawn from a pool of this size (0: built in)
    default_avatar_share: float = 0.0      # benign accounts (and fresh re-entry avatars) with the
                                           # platform's default avatar: one hash shared by many
    regime: str = ""                       # the randomisation regime that drew these parameters
    text_style: int = 0                    # per-world wording of reports, counter-speech and
                                           # shout-outs (sim/style.py); 0: templates as written

    def to_json(self) -> dict:
        d = asdict(self)
        d["formats"] = list(self.formats)
        d["reentry_delay_hours"] = list(self.reentry_delay_hours)
        return d


# Named sets of overrides. "default" is the world the tests and figures were built on;
# "hard" is messier in the ways real data is (docs/simulator.md, "Presets").
PRESETS: dict[str, dict] = {
    "default": {},
    "hard": {
        "preset": "hard", "composed_text": True, "member_mundane_share": 0.45, "quiet_member_share": 0.35,
        "hub_logo_prob": 0.8, "member_logo_prob": 0.3, "member_bio_tag_prob": 0.15, "member_bio_slogan_prob": 0.35,
        "member_tag_prob": 0.35, "copy_untagged_share": 0.15, "tag_variant_prob": 0.45,
        "journalist_quote_prob": 0.7, "quote_link_prob": 0.4, "counter_quote_prob": 0.45,
        "researcher_quote_prob": 0.3, "faith_overlap": 0.4, "news_reshare_prob": 0.45, "curious_share": 0.03,
        "same_avatar_prob": 0.25, "logo_avatar_prob": 0.2, "name_keep_prob": 0.3, "name_similar_prob": 0.5,
        "bio_keep_prob": 0.3, "bio_similar_prob": 0.55, "fresh_handle_prob": 0.25, "double_mutation_prob": 0.35,
        "shoutout_prob": 0.08, "refollow_prob": 0.35, "refollow_hours": 60.0, "decoy_prob": 0.35,
        "decoy_fan_share": 0.4, "decoy_shared_followers": 0.2, "spam_handle_clusters": True,
    },
}


class Plan:
    """Per-account arrays, indexed 0..n-1; originals first, then re-entries and decoys in
    creation order."""

    def __init__(self, params: WorldParams):
        self.params = params
        self.start = START if params.start == "2026-02-01T00:00:00Z" else int(
            datetime.fromisoformat(params.start.replace("Z", "+00:00")).timestamp())
        self.end = self.start + params.days * 86400
        rng = np.random.default_rng([params.seed, 1])
        n = max(int(params.accounts), 50)
        self.n_original = n
        self.role = self._roles(rng, n)
        self.cell = np.zeros(n, dtype=np.int32)
        for r in range(len(ROLE_NAMES)):
            idx = np.flatnonzero(self.role == r)
            size = 1 if r in (HUB, NEWS) else params.cell_size
            self.cell[idx] = np.arange(len(idx)) // size
        self.platform = self._platforms(rng)
        # originals were created over the previous years; movement accounts are younger
        age_days = rng.gamma(2.0, 500.0, n)
        young = np.isin(self.role, (MEMBER, SPAMMER))
        age_days[young] = rng.uniform(3, 240, int(young.sum()))
        self.created = (self.start - (age_days * 86400).astype(np.int64) - 3600).astype(np.int64)
        self.suspended = np.full(n, NEVER, dtype=np.int64)
        self.pred = np.full(n, -1, dtype=np.int32)
        self.root = np.arange(n, dtype=np.int32)
        self.gen = np.zeros(n, dtype=np.int8)
        self.decoy_of = np.full(n, -1, dtype=np.int32)
        self.shoutout = np.zeros(n, dtype=bool)
        self.rename_at = np.full(n, NEVER, dtype=np.int64)
        self._suspend_later: dict[int, int] = {}
        self._suspensions_and_reentries(rng)
        self._renames(rng)
        self.curious = self._curious()
        self.ids = self._snowflakes()

    # -- composition ------------------------------------------------------------------------
    def _roles(self, rng, n: int) -> np.ndarray:
        counts = []
        for name in ROLE_NAMES[:-1]:
            share = self.params.shares.get(name, 0.0)
            floor = 2 if name in ("hub", "journalist", "researcher", "counter_speech", "news_outlet") else 0
            counts.append(max(floor, int(round(share * n))))
        counts.append(max(0, n - sum(counts)))
        roles = np.repeat(np.arange(len(ROLE_NAMES), dtype=np.int8), counts)[:n]
        return roles[rng.permutation(n)]

    def _platforms(self, rng) -> np.ndarray:
        if "mastodon" not in self.params.formats and "canonical" not in self.params.formats:
            return np.zeros(len(self.role), dtype=np.int8)
        n_cells = int(self.cell.max()) + 1
        out = np.zeros(len(self.role), dtype=np.int8)
        for r in range(len(ROLE_NAMES)):
            mask = self.role == r
            cell_platform = (rng.random(n_cells) < self.params.mastodon_share).astype(np.int8)
            if r in (HUB, MEMBER):  # each platform gets a movement of its own
                cell_platform[0] = X
                if n_cells > 1 and (self.role == r).sum() > 1:
                    cell_platform[1] = MASTODON
            out[mask] = cell_platform[self.cell[mask]]
        if "mastodon" not in self.params.formats:
            out[:] = X
        return out

    # -- suspensions and the hydra ----------------------------------------------------------
    def _suspensions_and_reentries(self, rng) -> None:
        p = self.params
        rate = np.zeros(len(ROLE_NAMES))
        for name, r in p.suspension_per_day.items():
            rate[ROLE_NAMES.index(name)] = r
        n = len(self.role)
        hazard = rate[self.role]
        lifetime = np.where(hazard > 0, rng.exponential(1.0 / np.maximum(hazard, 1e-12)) * 86400, np.inf)
        t = self.start + lifetime
        mask = t < self.end
        self.suspended[mask] = t[mask].astype(np.int64)
        # new accounts (successors, decoys) are appended in chronological order of events
        new_rows: list[tuple] = []  # (role, cell, platform, created, pred, root, gen, decoy_of, shout)
        queue = sorted((int(self.suspended[i]), int(i)) for i in np.flatnonzero(mask))
        lo, hi = p.reentry_delay_hours
        import heapq
        heapq.heapify(queue)
        py = random.Random(p.seed * 1_000_003 + 7)
        next_index = n
        while queue:
            t_susp, i = heapq.heappop(queue)
            role = self._get("role", i, new_rows)
            rname = ROLE_NAMES[role]
            if py.random() < p.reentry_prob.get(rname, 0.0):
                delay = min(max(py.lognormvariate(np.log(p.reentry_delay_median), 1.1), lo), hi) * 3600
                created = int(t_susp + delay)
                if created < self.end:
                    j = next_index
                    next_index += 1
                    shout = py.random() < p.shoutout_prob and role != SPAMMER
                    new_rows.append((role, self._get("cell", i, new_rows), self._get("platform", i, new_rows),
                                     created, i, self._get("root", i, new_rows),
                                     self._get("gen", i, new_rows) + 1, -1, shout))
                    life = py.expovariate(rate[role]) * 86400 * 1.3
                    if created + life < self.end:
                        heapq.heappush(queue, (int(created + life), j))
                        self._suspend_later[j] = int(created + life)
            if py.random() < p.decoy_prob:
                created = int(t_susp + py.uniform(2, 240) * 3600)
                if created < self.end:
                    next_index += 1
                    if p.decoy_fan_share > 0 and py.random() < p.decoy_fan_share:
                        drole = FAN
                    else:
                        drole = ORDINARY_AR if py.random() < 0.4 else ORDINARY
                    n_cells = int(self.cell[:n][self.role[:n] == drole].max(initial=0)) + 1
                    new_rows.append((drole, py.randrange(n_cells), self._get("platform", i, new_rows),
                                     created, -1, -1, 0, i, False))
        self._append(new_rows)

    def _get(self, name: str, i: int, new_rows: list[tuple]):
        n0 = len(self.role)
        if i < n0:
            return int(getattr(self, name)[i])
        col = ("role", "cell", "platform", "created", "pred", "root", "gen", "decoy_of", "shoutout").index(name)
        return new_rows[i - n0][col]

    def _append(self, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = list(zip(*rows))
        self.role = np.concatenate([self.role, np.array(cols[0], dtype=np.int8)])
        self.cell = np.concatenate([self.cell, np.array(cols[1], dtype=np.int32)])
        self.platform = np.concatenate([self.platform, np.array(cols[2], dtype=np.int8)])
        self.created = np.concatenate([self.created, np.array(cols[3], dtype=np.int64)])
        self.pred = np.concatenate([self.pred, np.array(cols[4], dtype=np.int32)])
        roots = np.array(cols[5], dtype=np.int32)
        start = len(self.root)
        roots[roots < 0] = np.arange(start, start + len(rows))[roots < 0]
        self.root = np.concatenate([self.root, roots])
        self.gen = np.concatenate([self.gen, np.array(cols[6], dtype=np.int8)])
        self.decoy_of = np.concatenate([self.decoy_of, np.array(cols[7], dtype=np.int32)])
        self.shoutout = np.concatenate([self.shoutout, np.array(cols[8], dtype=bool)])
        susp = np.full(len(rows), NEVER, dtype=np.int64)
        for j, t in self._suspend_later.items():
            susp[j - start] = t
        self.suspended = np.concatenate([self.suspended, susp])
        self.rename_at = np.concatenate([self.rename_at, np.full(len(rows), NEVER, dtype=np.int64)])

    def _renames(self, rng) -> None:
        benign = np.flatnonzero((self.pred < 0) & (self.decoy_of < 0)
                                & ~np.isin(self.role, (HUB, MEMBER, SPAMMER)))
        k = int(round(len(benign) * self.params.rename_share))
        if k:
            chosen = np.sort(rng.choice(benign, size=k, replace=False))
            self.rename_at[chosen] = rng.integers(self.start + 3600, self.end - 3600, size=k)

    def _curious(self) -> np.ndarray:
        """Ordinary originals that will reshare one bulletin out of curiosity (own rng stream,
        so the default world is unchanged)."""
        out = np.zeros(len(self.role), dtype=bool)
        share = self.params.curious_share
        if share > 0:
            n0 = self.n_original
            pool = np.flatnonzero(np.isin(self.role[:n0], (ORDINARY, ORDINARY_AR)))
            k = int(round(len(pool) * share))
            if k:
                rng = np.random.default_rng([self.params.seed, 9])
                out[rng.choice(pool, size=k, replace=False)] = True
        return out

    def _snowflakes(self) -> np.ndarray:
        """X-style ids: creation milliseconds since the Twitter epoch, shifted, plus the index."""
        ms = self.created * 1000 - 1288834974657
        return (ms << 22) | (np.arange(len(self.role), dtype=np.int64) & 0x3FFFFF)

    # -- queries ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.role)

    def key(self, i: int) -> str:
        return f"{PLATFORMS[self.platform[i]]}:{self.ids[i]}"

    def is_movement(self, i: int) -> bool:
        return int(self.role[i]) in MOVEMENT_ROLES

    def alive(self, t: int) -> np.ndarray:
        return (self.created <= t) & (self.suspended > t)

    def day_bounds(self, day: int) -> tuple[int, int]:
        return self.start + day * 86400, self.start + (day + 1) * 86400


def make_plan(params: WorldParams) -> Plan:
    return Plan(params)
