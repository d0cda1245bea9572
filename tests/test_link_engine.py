"""The pure linking engine: handle skeletons, each candidate generator, each feature."""

from __future__ import annotations

import numpy as np
import pytest

from hydrawatch.linking import candidates as C
from hydrawatch.linking import minhash
from hydrawatch.linking.batch import AccountBatch, PostRows, Ragged
from hydrawatch.linking.engine import find_links
from hydrawatch.linking import features
from hydrawatch.linking.features import FEATURES, has_cue, pair_features
from hydrawatch.linking.handles import blocking_keys, skeleton

F = {f: i for i, f in enumerate(FEATURES)}
H = 3600.0
AV1 = "f" * 16 + "0" * 48
AV1_NEAR = "f" * 16 + "0" * 46 + "07"
AV2 = "0f" * 32


def batch(rows: list[dict], *, suspended: bool = False) -> AccountBatch:
    n = len(rows)
    return AccountBatch(
        ids=[r["id"] for r in rows],
        handles=[tuple(r.get("handles", (r["handle"],))) for r in rows],
        names=[r.get("name", "") for r in rows], bios=[r.get("bio", "") for r in rows],
        avatars=[r.get("avatar") for r in rows],
        created_at=np.array([r.get("created", 0.0) for r in rows], float),
        suspended_at=np.array([r.get("suspended", np.nan) for r in rows], float),
        active_until=np.array([r.get("alive", np.nan) for r in rows], float),
        followers=Ragged.from_lists([r.get("followers", []) for r in rows],
                                    [r.get("follower_times", [0.0] * len(r.get("followers", []))) for r in rows]),
        following=Ragged.from_lists([r.get("following", []) for r in rows]),
        posts=PostRows([np.array([t for t, _, _ in r.get("posts", [])], float) for r in rows],
                       [[x for _, x, _ in r.get("posts", [])] for r in rows],
                       [[tuple(m) for _, _, m in r.get("posts", [])] for r in rows]),
    )


OLD = [
    {"id": "p1", "handle": "abu_media1", "name": "Abu Media", "bio": "news from the front",
     "avatar": AV1, "created": -900 * H, "suspended": 0.0, "alive": -2 * H,
     "followers": list(range(100, 120)), "following": list(range(200, 210)),
     "posts": [(-5 * H, "the latest release, share it widely before they delete it", ())]},
    {"id": "p2", "handle": "quiet_reader", "name": "Reader", "created": -900 * H, "suspended": -10 * H,
     "alive": -20 * H, "avatar": AV2, "followers": [300, 301]},
    {"id": "p3", "handle": "zzyzx_grove", "name": "Grove", "created": -900 * H, "suspended": 50 * H,
     "alive": 40 * H},
]


def _pairs(generator_bit, new_rows, old_rows=OLD):
    new, old = batch(new_rows), batch(old_rows, suspended=True)
    index = C.SuspendedIndex(old, n_ids=1000)
    pairs = set()
    for bit, q, s in index.generate(new):
        if bit == generator_bit:
            pairs |= {(new.ids[a], old.ids[b]) for a, b in zip(q, s)}
    return pairs


@pytest.mark.parametrize("variant", ["abu_media2", "abumedia1", "abu_meida1", "ab0u_media1",
                                     "new_abu_media1", "theabu_media1", "abu_media1_back",
                                     "abu_media_1", "_abu_media1", "abu_med1a1"])
def test_handle_keys_catch_every_edit_pattern(variant):
    assert ("n", "p1") in _pairs(C.HANDLE, [{"id": "n", "handle": variant}])


def test_skeleton_undoes_affixes_digits_and_homoglyphs():
    assert skeleton("new_Abu_Media2") == skeleton("abumedia_3") == skeleton("abu_media1_back")
    assert skeleton("ab0u") == skeleton("abou")
    assert skeleton("") == "" and blocking_keys(None) == []


def test_handle_keys_do_not_match_unrelated_handles():
    assert _pairs(C.HANDLE, [{"id": "n", "handle": "garden_tips"}]) == set()


def test_handle_lsh_catches_truncated_variants():
    assert ("n", "p1") in _pairs(C.HANDLE_LSH, [{"id": "n", "handle": "abu_mediaxy7"}])


def test_name_lsh_works_in_any_script():
    old = [dict(OLD[0], name="أبو محمد الإعلامي")]
    assert ("n", "p1") in _pairs(C.NAME_LSH, [{"id": "n", "handle": "qq", "name": "ابو محمد الإعلامي"}], old)


def test_minhash_estimates_jaccard():
    sig = minhash.signatures(["abu_media_center", "abu_media_centre", "gardening club", ""])
    est = minhash.jaccard_estimate(sig[[0, 0]], sig[[1, 2]])
    assert est[0] > 0.5 and est[1] < 0.2
    assert (minhash.band_keys(sig)[3] == 0).all()  # empty strings never collide


def test_cofollower_generator_needs_only_a_few_returning_followers():
    assert ("n", "p1") in _pairs(C.FOLLOWERS, [{"id": "n", "handle": "zz", "followers": [101, 105, 999]}])
    assert _pairs(C.FOLLOWERS, [{"id": "n", "handle": "zz", "followers": [999]}]) == set()


def test_cofollowing_generator():
    assert ("n", "p1") in _pairs(C.FOLLOWING, [{"id": "n", "handle": "zz", "following": [201, 202]}])


def test_hub_followers_are_pruned():
    old = [dict(OLD[0], id=f"p{i}", handle=f"h{i}", followers=[7]) for i in range(30)]
    new = batch([{"id": "n", "handle": "zz", "followers": [7]}])
    index = C.SuspendedIndex(batch(old), n_ids=100, max_hub=10)
    assert all(len(q) == 0 for bit, q, s in index.generate(new) if bit == C.FOLLOWERS)


def test_avatar_generator_uses_pdq_distance():
    assert ("n", "p1") in _pairs(C.AVATAR, [{"id": "n", "handle": "zz", "avatar": AV1_NEAR}])
    assert ("n", "p1") not in _pairs(C.AVATAR, [{"id": "n", "handle": "zz", "avatar": AV2}])


def test_shoutout_generator_matches_mentioned_suspended_handles_and_ids():
    by_handle = [{"id": "n", "handle": "zz", "posts": [(1 * H, "new account", ("abu_media1",))]}]
    by_id = [{"id": "n", "handle": "zz", "posts": [(1 * H, "hi", ("#p2",))]}]
    assert ("n", "p1") in _pairs(C.SHOUTOUT, by_handle)
    assert ("n", "p2") in _pairs(C.SHOUTOUT, by_id)


def test_oversized_buckets_are_dropped():
    idx = C.KeyIndex(np.array([5] * 60 + [9], np.int64), np.arange(61), max_bucket=50)
    q, s = idx.query(np.array([5, 9], np.int64), np.array([0, 1]))
    assert list(zip(q, s)) == [(1, 60)]


def test_candidates_obey_identity_and_timing():
    new = batch([
        {"id": "p1", "handle": "abu_media2", "created": 5 * H},          # same id: a rename
        {"id": "early", "handle": "abu_media3", "created": -3 * H},      # before last sign of life
        {"id": "late", "handle": "zzyzx_grove2", "created": 35 * H},     # p3 still alive then
        {"id": "ok", "handle": "abu_media4", "created": -1 * H},         # after last activity
    ])
    cand = C.SuspendedIndex(batch(OLD), n_ids=1000).candidates(new)
    pairs = {(new.ids[q], OLD[s]["id"]) for q, s in zip(cand.q, cand.s)}
    assert pairs == {("ok", "p1")}


def _features(new_row, old_rows=OLD, s=0):
    new, old = batch([new_row]), batch(old_rows)
    return dict(zip(FEATURES, pair_features(new, old, np.array([0]), np.array([s]), 1000)[0]))


def test_features_of_a_clear_successor():
    f = _features({"id": "n", "handle": "abu_media2", "name": "Abu Media", "bio": "news from the front",
                   "avatar": AV1_NEAR, "created": 6 * H, "followers": [100, 101, 102, 999],
                   "following": [200, 201], "posts": [
                       (7 * H, "New account, the old one @abu_media1 was suspended", ("abu_media1",)),
                       (8 * H, "the latest release, share it widely before they delete it", ())]})
    assert f["skeleton_eq"] == 1 and f["handle_sim"] >= 0.9 and f["skeleton_sim"] == 1
    assert f["name_sim"] == 1 and f["bio_sim"] == 1
    assert f["avatar_match"] == 1 and f["avatar_sim"] > 0.9
    assert f["followers_shared"] == pytest.approx(np.log1p(3)) and f["followers_frac"] == 0.75
    assert f["following_shared"] == pytest.approx(np.log1p(2)) and f["following_frac"] == 1.0
    assert f["gap_log_hours"] == pytest.approx(np.log1p(6))
    assert f["shoutout"] == 1 and f["shoutout_cue"] == 1
    assert f["content_sim"] > 0.5
    assert f["latest_suspension"] == 1


def test_features_of_a_lookalike_with_nothing_else():
    f = _features({"id": "n", "handle": "abu_medla1", "name": "Garden club", "avatar": AV2,
                   "created": 6 * H, "followers": [999], "posts": [(7 * H, "tomatoes today", ())]})
    assert f["skeleton_eq"] == 1
    for name in ("avatar_match", "followers_shared", "following_shared", "shoutout"):
        assert f[name] == 0, name
    assert np.isnan(f["bio_sim"])  # the new account has no bio: unknown, not dissimilar
    assert f["name_sim"] < 0.5 and f["content_sim"] < 0.2


def test_latest_suspension_prefers_the_most_recent_predecessor():
    old = [dict(OLD[0], id="a", handle="abu1", suspended=0.0, alive=-1.0),
           dict(OLD[0], id="b", handle="abu2", suspended=100 * H, alive=90 * H)]
    new, o = batch([{"id": "c", "handle": "abu3", "created": 120 * H}]), batch(old)
    x = pair_features(new, o, np.array([0, 0]), np.array([0, 1]), 1000)
    assert list(x[:, F["latest_suspension"]]) == [0.0, 1.0]


@pytest.mark.parametrize("text", ["New account, the old one was suspended",
                                  "حساب جديد، الحساب القديم تم تعليقه",
                                  "Nouveau compte, l'ancien a été suspendu",
                                  "Back again, follow this one"])
def test_reentry_cues_in_several_languages(text):
    assert has_cue(text)


def test_no_cue_in_ordinary_posts():
    assert not has_cue("the weather changed fast today") and not has_cue("")


def test_find_links_ranks_and_keeps_one_link_per_successor():
    twin = dict(OLD[0], id="p1b", handle="abu_media0", suspended=-1.0, alive=-3 * H)
    new = batch([{"id": "n", "handle": "abu_media2", "name": "Abu Media", "avatar": AV1_NEAR,
                  "created": 2 * H, "followers": list(range(100, 110))}])
    res = find_links(new, batch(OLD + [twin]), n_ids=1000)
    assert sorted(res.rank.tolist()) == list(range(1, len(res.rank) + 1))
    best = int(np.argmin(res.rank))
    # the twin looks exactly as much like the new account (same name, same avatar, a
    # handle one number away): not an automatic link to either, the best one for review
    assert (res.confidence >= res.threshold).sum() == 0
    assert res.suggested().tolist() == (res.rank == 1).tolist() and res.reasons[best]
    # without the twin, the same account is an automatic link, dated
    res = find_links(new, batch(OLD), n_ids=1000)
    best = int(np.argmin(res.rank))
    assert (res.confidence >= res.threshold).sum() == 1 and res.accepted()[best]
    assert not np.isnan(res.linkable_at[best])


def test_candidates_in_chunks_equal_candidates_at_once(monkeypatch):
    """The query side combines raw proposals a chunk of new accounts at a time (memory);
    the result must not depend on the chunk size."""
    rows = [{"id": f"n{k}", "handle": v, "created": 3 * H, "followers": [100, 101, 102]}
            for k, v in enumerate(["abu_media2", "abumedia1", "zz", "quiet_reader1", "abu_med1a1"])]
    new, old = batch(rows), batch(OLD)
    index = C.SuspendedIndex(old, n_ids=1000)
    whole = index.candidates(new)
    monkeypatch.setattr(C, "QUERY_CHUNK", 2)
    parts = index.candidates(new)
    assert len(whole.q) > 3
    for f in ("q", "s", "sources"):
        assert getattr(whole, f).tolist() == getattr(parts, f).tolist()


def test_batch_slice_keeps_rows_and_their_neighbours():
    b = batch(OLD)
    part = b.slice(1, 3)
    assert part.ids == ["p2", "p3"] and part.followers.row(0).tolist() == [300, 301]
    assert len(part.followers) == 2 and part.posts.texts[0] == []


def test_hub_neighbours_do_not_count_as_shared(monkeypatch):
    """A follower adjacent to more suspended accounts than MAX_HUB carries no identity."""
    old = [dict(OLD[0], id=f"p{i}", handle=f"h{i}", followers=[7, 100 + i]) for i in range(6)]
    new, o = batch([{"id": "n", "handle": "zz", "followers": [7, 100]}]), batch(old)
    monkeypatch.setattr(C, "MAX_HUB", 3)
    x = pair_features(new, o, np.array([0, 0]), np.array([0, 1]), 1000)
    assert np.expm1(x[:, F["followers_shared"]]).round().tolist() == [1.0, 0.0]


def test_adamic_adar_weighs_rare_shared_neighbours_most():
    """Followers of a whole spam cluster are shared with every member; a follower of one
    suspended account only, who follows the new one too, is the owner's audience."""
    cluster = [dict(OLD[0], id=f"c{i}", handle=f"cluster{i}", followers=[10, 11, 12], following=[])
               for i in range(5)]
    lone = dict(OLD[0], id="lone", handle="lone", followers=[20, 21], following=[30])
    new = batch([{"id": "n", "handle": "zz", "followers": [10, 11, 12, 20], "following": [30]}])
    x = pair_features(new, batch(cluster + [lone]), np.array([0, 0]), np.array([0, 5]), 1000)
    assert np.expm1(x[:, F["followers_shared"]]).round().tolist() == [3.0, 1.0]
    # degree k = suspended accounts adjacent + the new account: 3 / log(6) vs 1 / log(2)
    assert np.expm1(x[:, F["followers_aa"]]).tolist() == pytest.approx([3 / np.log(6), 1 / np.log(2)], rel=1e-5)
    assert np.expm1(x[:, F["following_aa"]]).tolist() == pytest.approx([0.0, 1 / np.log(2)], rel=1e-5)
    # the per-neighbour weight falls with the neighbour's degree
    w = features.adamic_adar_weights(np.array([1, 5, 100]))
    assert w[0] > w[1] > w[2] > 0
