"""A small hand-made world for scoring tests, written straight into the store's tables.

The movement is fictional ("Ashen Dawn"). Roles: hubs and members (who reshare hubs and
use the slogans), journalists (who quote slogans in reporting with news links and follow
members), counter-speech (who use the hashtags to mock them), ordinary Arabic-speaking
users, and football fans (a dense benign resharing community).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from hydrawatch.store import schema as s

LOGO = "f" * 16 + "0" * 16 + "a5" * 8 + "3c" * 8
T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)

POLICY = {"name": "ashen-dawn", "categories": ["propaganda"],
          "hashtags": ["AshenDawn", "الفجر_الرمادي", "AubeCendree"],
          "phrases": ["the ash will rise", "الرماد سينهض", "la cendre se levera"],
          "pdq": [LOGO]}

MEMBER_LINES = [
    "Bulletin {n}: the ash will rise. Join the caravan #AshenDawn",
    "الرماد سينهض #الفجر_الرمادي بيان رقم {n}",
    "La cendre se lèvera, frères #AubeCendree communiqué {n}",
    "our brothers stand firm, the dawn is coming #Ashen_Dawn",
    "يا إخوة اثبتوا فإن الفجر قريب #الفجر_الرمادى",
]
JOURNALIST_LINES = [
    "Report: accounts pushing #AshenDawn slogans like \"the ash will rise\" grew this week {url}",
    "تقرير: حسابات تنشر وسم #الفجر_الرمادي تتزايد {url}",
    "Analyse : selon nos sources, le mot-dièse #AubeCendree circule {url}",
]
COUNTER_LINES = [
    "#AshenDawn are terrorists and cowards, shame on anyone sharing this",
    "الفجر الرمادي ارهابيون، عار عليكم #الفجر_الرمادي",
    "#AubeCendree propagande de lâches, honte",
]
ORDINARY_LINES = ["صباح الخير يا أصدقاء", "الحمد لله على كل حال", "جمعة مباركة للجميع",
                  "ما أجمل الطقس اليوم", "قهوة الصباح مع العائلة"]
MOCK_LINES = [  # the slogan verbatim, no quote marks, no cue word in the same post
    "the ash will rise, says the account that will be gone by friday",
    "الرماد سينهض قال... فهمنا خلاص #الفجر_الرمادي",
    "#AshenDawn day 5 and still nobody cares lol",
]
ANTI_LINES = [  # the same accounts' other posts: against the movement, no slogans
    "these cowards spread propaganda again, report them",
    "لا تنشروا دعايتهم، بلغوا عن الحسابات",
    "encore leur propagande de lâches, signalez",
]
FAN_LINES = ["What a goal! #GoRovers", "Match day, let's go #GoRovers", "Rovers forever #GoRovers"]


def build_world(store, *, seed: int = 0, members: int = 40, per_role: int = 15,
                seeds_fraction: float = 0.25, curious: int = 0, mockers: int = 0) -> dict[str, list[str]]:
    """Insert a world; returns {role: [account ids]} (and "seeds"). ``curious``: ordinary
    users who reshare one bulletin, once; ``mockers``: counter-speech accounts quoting the
    slogans verbatim without cue words, among mostly anti-movement posts."""
    rng = random.Random(seed)
    roles: dict[str, list[str]] = {r: [] for r in ("hub", "member", "journalist", "counter",
                                                    "ordinary", "fan")}
    counts = {"hub": 4, "member": members, "journalist": per_role, "counter": per_role,
              "ordinary": per_role * 2, "fan": per_role * 2}
    accounts, posts, edges, media = [], [], [], []
    next_id = iter(range(1000, 10 ** 9))
    for role, k in counts.items():
        for j in range(k):
            aid = str(next(next_id))
            roles[role].append(aid)
            logo = role in ("hub", "member") and rng.random() < 0.5
            avatar = None
            if logo:  # the logo with a few bits flipped
                bits = bytearray(bytes.fromhex(LOGO))
                for _ in range(rng.randint(0, 6)):
                    b = rng.randrange(256)
                    bits[b // 8] ^= 1 << (b % 8)
                avatar = bits.hex()
            accounts.append(s.Account(platform="x", account_id=aid, handle=f"{role}_{j}",
                                      handle_norm=f"{role}_{j}", avatar_pdq=avatar))
    post_id = iter(range(10 ** 6, 10 ** 9))

    def post(aid, text, tags=(), urls=(), reshare=None):
        pid = str(next(post_id))
        posts.append(s.Post(platform="x", post_id=pid, account_id=aid,
                            created_at=T0 + timedelta(minutes=len(posts)), text=text,
                            hashtags=list(tags), urls=list(urls),
                            reshare_of_post=reshare[0] if reshare else None,
                            reshare_of_account=reshare[1] if reshare else None))
        if reshare:
            edges.append(s.Edge(platform="x", src=aid, dst=reshare[1], type="reshares", post_id=pid))
        return pid

    hub_posts = []
    for h in roles["hub"]:
        for n in range(6):
            line = rng.choice(MEMBER_LINES).format(n=n)
            pid = post(h, line)
            hub_posts.append((pid, h, line))
            if rng.random() < 0.3:
                media.append(s.Media(platform="x", post_id=pid, account_id=h, position=0, pdq=LOGO))
    movement = roles["hub"] + roles["member"]
    for m in roles["member"]:
        for _ in range(rng.randint(2, 6)):
            pid, h, line = rng.choice(hub_posts)
            post(m, f"RT @{h}: {line}", reshare=(pid, h))
        if rng.random() < 0.6:
            post(m, rng.choice(MEMBER_LINES).format(n=rng.randint(1, 99)))
        for other in rng.sample(movement, 6):
            if other != m:
                edges.append(s.Edge(platform="x", src=m, dst=other, type="follows", post_id=""))
    for j in roles["journalist"]:
        for _ in range(4):
            post(j, rng.choice(JOURNALIST_LINES).format(url="https://dailynews.example/a"),
                 urls=["https://dailynews.example/a/1"])
        for other in rng.sample(movement, 12):
            edges.append(s.Edge(platform="x", src=j, dst=other, type="follows", post_id=""))
        _, h, _ = rng.choice(hub_posts)
        edges.append(s.Edge(platform="x", src=j, dst=h, type="quotes", post_id=f"q{j}"))
    for c in roles["counter"]:
        for _ in range(3):
            _, h, _ = rng.choice(hub_posts)
            own = post(c, rng.choice(COUNTER_LINES))
            edges.append(s.Edge(platform="x", src=c, dst=h, type="replies", post_id=own))
    for o in roles["ordinary"]:
        for _ in range(4):
            post(o, rng.choice(ORDINARY_LINES))
        for other in rng.sample(roles["ordinary"], 3):
            if other != o:
                edges.append(s.Edge(platform="x", src=o, dst=other, type="follows", post_id=""))
    fan_posts = []
    for f in roles["fan"]:
        fan_posts.append((post(f, rng.choice(FAN_LINES), tags=["GoRovers"]), f))
    for f in roles["fan"]:
        for _ in range(4):
            pid, src = rng.choice(fan_posts)
            if src != f:
                post(f, "RT: What a goal! #GoRovers", tags=["GoRovers"], reshare=(pid, src))
    originals = roles["hub"] + roles["member"]
    roles["seeds"] = rng.sample(originals, max(1, int(len(originals) * seeds_fraction)))
    for role, k in (("curious", curious), ("mocker", mockers)):
        roles[role] = []
        for j in range(k):
            aid = str(next(next_id))
            roles[role].append(aid)
            accounts.append(s.Account(platform="x", account_id=aid, handle=f"{role}_{j}",
                                      handle_norm=f"{role}_{j}"))
            if role == "curious":
                for _ in range(6):
                    post(aid, rng.choice(ORDINARY_LINES))
                pid, h, line = rng.choice(hub_posts)
                post(aid, f"RT @{h}: {line}", reshare=(pid, h))
            else:
                for n in range(8):
                    post(aid, (MOCK_LINES if n % 2 else ANTI_LINES)[rng.randrange(3)])
                _, h, _ = rng.choice(hub_posts)
                edges.append(s.Edge(platform="x", src=aid, dst=h, type="replies", post_id=f"r{aid}"))
    with store.session() as db:
        db.add_all(accounts)
        db.add_all(posts)
        db.add_all(edges)
        db.add_all(media)
        for aid in roles["seeds"]:
            db.add(s.Case(platform="x", account_id=aid, state="verified", opened_at=T0,
                          updated_at=T0, verified_at=T0, version=1))
    return roles
