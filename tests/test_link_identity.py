"""Issue 13, third round: what counts as a *person's* identity in a link.

- A handle is compared by the part its owner chose: a fediverse account banned on one
  instance and re-created on another (``name@a`` -> ``name5@b``) is a handle variant, not a
  fresh handle; a Bluesky ``name.bsky.social`` is ``name``.
- The share of the *old* account's followers and followees that came back is evidence
  (an owner's own audience returns; a community sibling's mostly does not).
- Community evidence (shared followees) and a display name a few accounts share are
  identity only together with a handle that resembles; otherwise a pair can reach the
  review queue, never an automatic link.
- Among the candidates of one new account, a pair is automatic only when its identity
  evidence beats *every* other candidate's: a handle that resembles several members of
  one naming family names none of them.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydrawatch.linking.features import (FEATURES, FOLLOWEE_HANDLE, VERY_RARE, _overlap,
                                         identity_evidence)
from hydrawatch.linking.handles import local_part, skeleton
from hydrawatch.linking.model import LinkModel
from hydrawatch.linking.pipeline import DEFAULT_THRESHOLD, link_store, list_links
from tests.linkworld import World

F = {name: i for i, name in enumerate(FEATURES)}


@pytest.mark.parametrize("handle, local", [
    ("abu_x2@social.example", "abu_x2"),
    ("@abu_x2@social.example", "abu_x2"),
    ("abu.bsky.social", "abu"),
    ("abu.example.org", "abu.example.org"),  # a custom Bluesky domain is the owner's choice
    ("abu_x2", "abu_x2"),
    ("", ""),
])
def test_local_part(handle, local):
    assert local_part(handle) == local


def test_skeleton_ignores_the_instance():
    assert skeleton("ashes_keeper49@mastodon.example") == skeleton("ashe5_keeper49@social.example")
    assert skeleton("abu.bsky.social") == skeleton("abu_2")


def _row(**values) -> np.ndarray:
    x = np.zeros((1, len(FEATURES)))
    x[0, F["avatar_sim"]] = np.nan
    for k, v in values.items():
        x[0, F[k]] = v
    return x


def test_shared_followees_need_a_resembling_handle():
    community = dict(following_shared=np.log1p(15), following_frac=0.6)
    assert not identity_evidence(_row(handle_sim=0.3, **community))[0]
    assert identity_evidence(_row(handle_sim=FOLLOWEE_HANDLE, **community))[0]
    assert identity_evidence(_row(handle_sim=0.3, digit_same=1.0, **community))[0]  # same number tag


def test_a_name_a_few_accounts_share_needs_a_resembling_handle():
    def name(rarity, handle_sim):
        return _row(name_sim=1.0, name_rare=rarity, handle_sim=handle_sim)

    assert not identity_evidence(name(0.8, 0.3))[0]      # "Nur": three accounts of 2,000
    assert identity_evidence(name(0.8, 0.9))[0]          # ... with a handle variant
    assert identity_evidence(name(VERY_RARE, 0.3))[0]    # a name almost no one else has
    assert not identity_evidence(name(0.3, 0.9))[0]      # a common name is no identity


def test_back_shares_are_of_the_old_accounts_neighbours():
    from hydrawatch.linking.batch import Ragged

    new = Ragged.from_lists([[1, 2, 3, 4]])
    old = Ragged.from_lists([[1, 2, 3], list(range(1, 41))])  # a small account and a big one
    shared, frac, _aa, count, back = _overlap(new, old, np.array([0, 0]), np.array([0, 1]), 50)
    assert count.tolist() == [3, 4]
    assert frac.tolist() == [0.75, 1.0]          # of the new account's neighbours
    assert back.tolist() == [1.0, 0.1]           # of the old account's: all came back vs 4 of 40


def test_identity_must_beat_every_other_candidate():
    """Two candidates of one new account with the same identity evidence: neither may be an
    automatic link, whether or not the rival passes the identity rule itself."""
    m = LinkModel.load()
    handle_only = dict(handle_sim=0.8, skeleton_sim=0.95)
    own = _row(following_shared=np.log1p(6), **handle_only)      # handle + followees: evidence
    rival = _row(**handle_only)                                   # the same handle evidence only
    x = np.vstack([own, rival])
    assert identity_evidence(x).tolist() == [True, False]
    assert not m.eligible(x, np.array([0, 0]))[0]
    assert m.eligible(x, np.array([0, 1]))[0]                     # alone, it may be automatic


def test_cross_instance_reentry_is_linked(store):
    """Banned on one instance, back on another with a variant of the same username, the
    same avatar and followers: a link, found by the handle generator."""
    avatar = "c3" * 32
    with store.session() as db:
        w = World(db, platform="mastodon")
        for i in range(40):  # the followers, with profiles of their own: rarity needs a store
            w.account(f"f{i}", f"reader{i}@one.example", created=-900, name=f"Reader {i}", bio=f"bio {i}")
        w.account("p1", "ember_watch7@one.example", created=-500, name="Ember Watch", bio="dispatches",
                  avatar=avatar)
        for i in range(12):
            w.follows(f"f{i}", "p1", -400)
        w.post("p1", -5, "dispatch twelve")
        w.suspend("p1", 0)
        w.account("s1", "ember_watch8@two.example", created=6, name="Ember Watch", bio="dispatches",
                  avatar=avatar)
        for i in range(10):
            w.follows(f"f{i}", "s1", 8)
        w.post("s1", 9, "dispatch thirteen")
    link_store(store)
    rows = list_links(store, min_confidence=DEFAULT_THRESHOLD)
    assert [(r["successor"]["id"], r["predecessor"]["id"]) for r in rows] == [("s1", "p1")]
    assert any("proposed by handle" in reason for reason in rows[0]["reasons"])



@pytest.mark.parametrize("name, core", [
    ("Joanna - back", "joanna"),
    ("NEW | Abu Media 2", "abu media"),
    ("Abu_Media (new account)", "abu media"),
    ("Back", "back"),                 # a name that is only a marker stays itself
    ("عهد الجمر | نشرات", "عهد الجمر نشرات"),
    ("", ""),
])
def test_name_core_drops_reentry_markers(name, core):
    from hydrawatch.linking.handles import name_core

    assert name_core(name) == core
