"""Issue 13, fourth round: naming families and plausible rivals.

- A handle skeleton shared by a whole naming family of suspended accounts (``fastfans10``,
  ``fastfans20``, ...) says little about which of them a ``fastfans77`` replaces:
  ``skeleton_rare`` weighs a shared skeleton by how rare it is among the suspended
  accounts (``handles.skeleton_rarity``), as names, bios and avatars are weighed.
- The index computes that rarity once, over every suspended account, from the skeletons
  it makes for its blocking keys; the engine and a plain ``pair_features`` call agree.
"""

from __future__ import annotations

import numpy as np

from hydrawatch.linking.candidates import SuspendedIndex
from hydrawatch.linking.engine import propose
from hydrawatch.linking.features import FEATURES, pair_features
from hydrawatch.linking.handles import skeleton, skeleton_rarity
from tests.test_link_engine import H, batch

F = {name: i for i, name in enumerate(FEATURES)}


def test_skeleton_rarity_counts_accounts_sharing_a_skeleton():
    r = skeleton_rarity(["fastfans", "fastfans", "fastfans", "abumedia", ""] + [f"u{i}" for i in range(95)])
    assert r[3] == 1.0 and r[4] == 1.0          # unique, and no handle at all
    assert r[0] == r[1] == r[2] == 1.0 - np.log(3) / np.log(100)
    assert skeleton_rarity([]).shape == (0,)


def _family_world():
    family = [{"id": f"f{k}", "handle": f"fastfans{k}0", "created": -900 * H, "suspended": -k * H,
               "alive": -(k + 1) * H} for k in range(1, 9)]
    person = [{"id": "p", "handle": "abu_media1", "created": -900 * H, "suspended": -3 * H, "alive": -4 * H}]
    sus = batch(family + person + [{"id": f"o{i}", "handle": f"other{i}x", "created": -900 * H,
                                    "suspended": -50 * H, "alive": -60 * H} for i in range(40)],
                suspended=True)
    new = batch([{"id": "n1", "handle": "fastfans77", "created": 1 * H},
                 {"id": "n2", "handle": "abu_media2", "created": 1 * H}])
    return new, sus


def test_a_naming_family_skeleton_counts_less_than_a_persons():
    new, sus = _family_world()
    q = np.array([0, 1])
    s = np.array([sus.ids.index("f3"), sus.ids.index("p")])
    x = pair_features(new, sus, q, s, n_ids=1000)
    assert skeleton("fastfans77") == skeleton("fastfans30") and x[:, F["skeleton_eq"]].tolist() == [1.0, 1.0]
    family, person = x[:, F["skeleton_rare"]]
    assert person == 1.0
    assert family == 1.0 - np.log(8) / np.log(len(sus))


def test_the_index_rarity_is_the_one_pair_features_computes():
    new, sus = _family_world()
    index = SuspendedIndex(sus, 1000)
    assert np.array_equal(index.skeleton_rarity, skeleton_rarity([skeleton(h[0]) for h in sus.handles]))
    cand, x, freq = propose(new, sus, n_ids=1000, index=index)
    assert freq.skeleton_rarity is index.skeleton_rarity
    plain = pair_features(new, sus, cand.q, cand.s, 1000)
    assert np.array_equal(np.asarray(x[:])[:, F["skeleton_rare"]], plain[:, F["skeleton_rare"]])


def test_an_account_known_only_by_its_handle_is_a_candidate(store):
    """A new account seen only as a handle (a mention, a boost) and then suspended has no
    creation or first-seen time; its handle's first sighting stands in, so a variant of a
    suspended handle is still proposed."""
    from hydrawatch.linking.pipeline import link_store
    from hydrawatch.store.schema import Account, Handle, Link
    from tests.linkworld import World, h

    with store.session() as db:
        w = World(db, platform="mastodon")
        for i in range(20):
            w.account(f"o{i}", f"reader{i}@one.example", created=-900)
        w.account("p1", "cinder_path4964@one.example", created=-500, name="Cinder")
        w.suspend("p1", 0)
        db.add(Account(platform="mastodon", account_id="n1", status="suspended", status_at=h(40)))
        db.add(Handle(platform="mastodon", account_id="n1", handle="cinder_paht4965@two.example",
                      handle_norm="cinder_paht4965@two.example", first_seen=h(30), last_seen=h(31)))
        w.suspend("n1", 40)
    link_store(store)
    with store.session() as db:
        rows = db.query(Link.successor_id, Link.predecessor_id, Link.rank).filter_by(platform="mastodon").all()
    assert ("n1", "p1", 1) in [tuple(r) for r in rows]


def test_a_logo_dozens_hold_is_no_identity_a_handful_is():
    """An avatar or bio counts as the owner's own only when at most N^0.2 accounts of N
    hold it (rarity >= IDENTITY_RARE): a community logo shared by ~40 of 10,000 accounts
    (rarity 0.6) linked community newcomers automatically."""
    from hydrawatch.linking.features import IDENTITY_RARE, identity_evidence

    def row(**values):
        x = np.full((1, len(FEATURES)), 0.0)
        for k, v in values.items():
            x[0, F[k]] = v
        return x

    n = 10_000
    for count, expect in ((40, False), (6, True), (1, True)):
        rarity = 1 - np.log(count) / np.log(n)
        assert (rarity >= IDENTITY_RARE) == expect
        avatar = row(avatar_match=1.0, avatar_sim=1 - 4 / 128, avatar_rare=(1 - 4 / 128) * rarity)
        bio = row(bio_sim=1.0, bio_rare=rarity)
        assert identity_evidence(avatar)[0] == expect
        assert identity_evidence(bio)[0] == expect


def test_a_predecessor_two_new_accounts_claim_goes_to_a_reviewer():
    from hydrawatch.linking.model import shared_claims_capped

    t = 0.5
    conf = np.array([0.9, 0.8, 0.7, 0.95, 0.3])
    rank = np.array([1, 1, 1, 1, 2])
    s = np.array([7, 7, 8, 9, 9])   # 7 claimed twice; 9 once (its other pair is a runner-up)
    out = shared_claims_capped(conf, rank, s, t)
    assert (out[:2] < t).all() and out[:2].tolist() == [t - 1e-4] * 2
    assert out[2:].tolist() == conf[2:].tolist()
    one = shared_claims_capped(conf[:1], rank[:1], s[:1], t)
    assert one.tolist() == [0.9]


def test_pairs_capped_alike_keep_the_models_order():
    from hydrawatch.linking.engine import rank_within

    q = np.array([0, 0, 0])
    capped = np.array([0.4999, 0.4999, 0.2])
    raw = np.array([0.7, 0.9, 0.2])
    _, rank = rank_within(q, capped, raw)
    assert rank.tolist() == [2, 1, 3]


def test_two_claimants_of_one_account_are_not_both_auto_links(store):
    """End to end: two new accounts, each with the same rare avatar and returning
    followers of one suspended account, are queued, not linked."""
    from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD, link_store, list_links
    from hydrawatch.store.schema import Link
    from tests.linkworld import AVATAR_A, World

    with store.session() as db:
        w = World(db)
        for i in range(40):
            w.account(f"f{i}", f"reader{i}", created=-900, name=f"Reader {i}", bio=f"bio {i}")
        w.account("p1", "ember_watch7", created=-500, name="Ember Watch", bio="dispatches", avatar=AVATAR_A)
        for i in range(20):
            w.follows(f"f{i}", "p1", -400)
        w.suspend("p1", 0)
        for k, handle in enumerate(("ember_watch8", "ember_watch9")):
            w.account(f"s{k}", handle, created=2 + k, name="Ember Watch", bio="dispatches", avatar=AVATAR_A)
            for i in range(15):
                w.follows(f"f{i}", f"s{k}", 5 + k)
    link_store(store)
    assert [r for r in list_links(store, min_confidence=DEFAULT_THRESHOLD)
            if r["predecessor"]["id"] == "p1"] == []
    with store.session() as db:
        best = {r.successor_id: r.predecessor_id for r in db.query(Link).filter_by(rank=1)}
    assert best == {"s0": "p1", "s1": "p1"}  # both in the review queue, with their evidence


def test_the_candidate_cap_keeps_the_predecessors_closest_in_time():
    """More proposals than slots, each from one generator (a big community): the slots go
    to the suspended accounts that fell silent closest before the new account started,
    not to whichever rows come first."""
    from hydrawatch.linking.candidates import combine

    n = 40
    sus = batch([{"id": f"m{k}", "handle": f"member{k}x", "created": -900 * H,
                  "suspended": -(n - k) * H, "alive": -(n - k + 0.5) * H} for k in range(n)], suspended=True)
    new = batch([{"id": "n1", "handle": "fresh_one", "created": 1 * H}])
    q = np.zeros(n, np.int64)
    s = np.arange(n, dtype=np.int64)
    bits = np.full(n, 1 << 4, np.int64)  # one generator each
    kept = combine(q, s, bits, new, sus, max_candidates=5)
    assert sorted(kept.s.tolist()) == [35, 36, 37, 38, 39]  # the five suspended last
