import json
from datetime import datetime, timezone

import numpy as np
import pytest

from hydrawatch.errors import NotFound
from hydrawatch.scoring.policy import compile_policy, load_policy, PolicyPack
from hydrawatch.scoring.pipeline import explain_account, ranked_accounts, score_store
from hydrawatch.scoring import content, network, stance
from hydrawatch.scoring.data import EDGE_TYPES, EdgeTable, PostBatch
from hydrawatch.scoring.media import media_signals
from hydrawatch.store import schema as s
from tests.scoring_world import LOGO, POLICY, build_world

NOW = datetime(2026, 3, 10, tzinfo=timezone.utc)


@pytest.fixture
def policy_file(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    return path


def batch(texts, urls=None, tags=None):
    n = len(texts)
    return PostBatch(account=np.arange(n), text=texts, hashtags=tags or [None] * n,
                     urls=urls or [None] * n, is_reshare=np.zeros(n, dtype=bool))


def matcher():
    return content.PolicyMatcher(compile_policy([PolicyPack.from_dict(POLICY)]))


# -- content and stance -------------------------------------------------------------------

def test_policy_matches_hashtags_in_any_spelling_and_phrases():
    a = content.analyse_posts(batch([
        "join us #Ashen_Dawn",                       # tag in text, other spelling
        "nothing here",
        "يا إخوة الرمادُ سينهض",                      # phrase with a haraka
        "a post",                                    # tag only in the hashtags field
        "THE ASH, WILL RISE!",                       # phrase across punctuation
        "the ashes will rise",                       # not the phrase
    ], tags=[None, None, None, ["الفجر_الرمادى"], None, None]), matcher())
    assert a.policy.tolist() == [True, False, True, True, True, False]
    assert sorted(a.tag_pairs[:, 0].tolist()) == [0, 3]
    assert sorted(a.phrase_pairs[:, 0].tolist()) == [2, 4]


def test_stance_reporting_and_criticism_are_not_endorsement():
    a = content.analyse_posts(batch([
        "Report: accounts pushing #AshenDawn grew this week",            # reporting words
        "#AshenDawn slogans spread", "#AshenDawn",                       # news link / plain
        "تقرير: حسابات تنشر وسم #الفجر_الرمادي",                           # Arabic reporting
        "#AshenDawn are terrorists, shame on them",                     # criticism
        "والارهابيون #الفجر_الرمادي",                                     # Arabic clitics + criticism
        "they quoted \"the ash will rise\" here",                        # quotes + link
        "Selon l'analyse, #AubeCendree circule",                          # French reporting
    ], urls=[None, ["https://www.dailynews.example/a/1"], None, None, None, None,
             ["https://blog.example/x"], None]), matcher())
    assert a.reporting.tolist() == [True, True, False, True, False, False, True, True]
    assert a.critical.tolist() == [False, False, False, False, True, True, False, False]
    counts = content.ContentCounts(n=8, n_tags=3, n_phrases=3)
    counts.add(a)
    assert counts.counts["endorse_posts"].tolist() == [0, 0, 1, 0, 0, 0, 0, 0]


def test_a_slogan_containing_a_cue_word_is_not_criticism_of_itself():
    pack = PolicyPack(name="m", phrases=["no shame in the oath"])
    m = content.PolicyMatcher(compile_policy([pack]))
    a = content.analyse_posts(batch(["No SHAME in the oath!", "shame on them, no shame in the oath"]), m)
    assert a.policy.tolist() == [True, True]
    assert a.critical.tolist() == [False, True]


def test_news_domain_detection():
    assert stance.NEWS_DOMAIN.search("https://www.aljazeera.net/news/1")
    assert stance.NEWS_DOMAIN.search("https://research.example.edu/x")
    assert not stance.NEWS_DOMAIN.search("https://t.me/ashen_channel")


# -- network and media ----------------------------------------------------------------------

def test_resharing_seeds_weighs_far_more_than_following_them():
    # 0 = seed; 1 reshares the seed 3 times; 2 follows the seed; 3 replies to it; 4 isolated
    types = {t: i for i, t in enumerate(EDGE_TYPES)}
    edges = EdgeTable(src=np.array([1, 2, 3]), dst=np.array([0, 0, 0]),
                      type=np.array([types["reshares"], types["follows"], types["replies"]]),
                      count=np.array([3, 1, 1]))
    P = network.walk_matrix(edges, 5)
    restart = np.array([1.0, 0, 0, 0, 0])
    ppr = network.personalised_pagerank(P, restart)[:, 0]
    assert ppr[1] > 5 * ppr[2] and ppr[1] > ppr[3] > ppr[2] > 0 and ppr[4] == 0
    assert abs(ppr.sum() - 1) < 1e-6
    inter = network.seed_interactions(edges, np.array([True, False, False, False, False]), 5)
    assert inter["reshares"].tolist() == [0, 3, 0, 0, 0] and inter["follows"][2] == 1


def test_avatar_and_media_matches_use_the_pdq_bank():
    near = bytearray(bytes.fromhex(LOGO))
    near[0] ^= 0b111  # 3 bits away
    far = "0" * 64
    sig = media_signals([LOGO], [near.hex(), far, None, "bad"], np.array([1, 1, 2]),
                        [LOGO, far, near.hex()], 4)
    assert sig["avatar_distance"].tolist() == [3, -1, -1, -1]
    assert sig["media_matches"].tolist() == [0, 1, 1, 0]
    assert sig["media_distance"].tolist() == [-1, 0, 3, -1]


# -- the whole score ------------------------------------------------------------------------

def _auc(pos, neg):
    pos, neg = np.asarray(pos), np.asarray(neg)
    return ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))


def test_ranking_puts_the_network_above_those_who_talk_about_it(store, policy_file):
    roles = build_world(store, seed=3)
    load_policy(store, policy_file)
    summary = score_store(store)
    assert summary.mode == "learned" and summary.text_model
    assert summary.seeds == len(roles["seeds"]) and summary.accounts_scored > 0
    scores = {r["id"]: r["score"] for r in ranked_accounts(store)}
    seeds = set(roles["seeds"])
    assert all(scores[a] == 1.0 for a in seeds)
    targets = [a for a in roles["hub"] + roles["member"] if a not in seeds]
    others = [a for r in ("journalist", "counter", "ordinary", "fan") for a in roles[r]]
    ranked = sorted(targets + others, key=lambda a: -scores[a])
    top = ranked[:len(targets)]
    hard = set(roles["journalist"] + roles["counter"])
    assert not hard & set(top)
    assert len(set(top) & set(targets)) / len(targets) >= 0.9
    assert _auc([scores[a] for a in targets], [scores[a] for a in others]) >= 0.97


def test_a_single_reshare_does_not_make_an_account_rank_like_a_member(store, policy_file):
    roles = build_world(store, seed=4, curious=10)
    load_policy(store, policy_file)
    score_store(store)
    rows = {r["id"]: r for r in ranked_accounts(store)}
    members = [rows[a]["score"] for a in roles["member"] if a not in roles["seeds"]]
    curious = [rows[a]["score"] for a in roles["curious"]]
    # every one-off resharer below the large majority of members
    assert max(curious) < np.quantile(members, 0.2)
    targets = [a for a in roles["hub"] + roles["member"] if a not in roles["seeds"]]
    ranked = sorted(rows.values(), key=lambda r: -r["score"])
    top = [r["id"] for r in ranked if not r["verified"]][:len(targets)]
    assert not set(roles["curious"]) & set(top)
    assert any("single day" in why for why in rows[roles["curious"][0]]["reasons"])


def test_mockery_with_a_verbatim_slogan_is_not_endorsement(store, policy_file):
    roles = build_world(store, seed=5, mockers=10)
    load_policy(store, policy_file)
    score_store(store)
    rows = {r["id"]: r for r in ranked_accounts(store)}
    targets = [a for a in roles["hub"] + roles["member"] if a not in roles["seeds"]]
    top = [r["id"] for r in sorted(rows.values(), key=lambda r: -r["score"]) if not r["verified"]]
    top = top[:len(targets)]
    assert not set(roles["mocker"]) & set(top)
    members = [rows[a]["score"] for a in targets]
    assert max(rows[a]["score"] for a in roles["mocker"]) < np.quantile(members, 0.2)
    why = " ".join(rows[roles["mocker"][0]]["reasons"])
    assert "speak against the movement" in why


def test_stance_weights_an_accounts_own_endorsing_posts():
    from hydrawatch.scoring import combine

    z = np.zeros(3)
    sig = {k: z.copy() for k in ("distinct_tags", "distinct_phrases", "critical_any", "reporting_any",
                                 "text_logit", "text_dose", "network_feature", "seed_reshares_feature",
                                 "seed_amplified_feature", "seed_mutual_feature", "media_matches")}
    sig["avatar_distance"] = np.full(3, -1.0)
    sig["posts"] = np.array([30.0, 30.0, 30.0])
    # a member (10 of 10 policy posts endorse), a mocker (10 of 30), a one-off resharer
    sig["endorse_posts"] = np.array([10.0, 10.0, 1.0])
    sig["endorse_days"] = np.array([8.0, 8.0, 1.0])
    sig["policy_posts"] = np.array([10.0, 30.0, 1.0])
    F = combine.feature_matrix(sig)
    col = {f: F[:, i] for i, f in enumerate(combine.FEATURES)}
    for f in ("endorse_posts", "endorse_days"):
        assert col[f][0] > col[f][1] > col[f][2]
    stance = combine.endorse_stance(sig)
    assert stance[0] > max(stance[1:])
    assert stance[2] <= 1 / 3   # one post of one: no habit


def test_mutual_follows_and_amplification_by_seeds():
    # 0, 1 seeds; 2 follows 0 and 0 follows back, 1 reshares 2; 3 follows 0 and 1 (no return)
    f, r = EDGE_TYPES.index("follows"), EDGE_TYPES.index("reshares")
    edges = EdgeTable(src=np.array([2, 0, 1, 3, 3]), dst=np.array([0, 2, 2, 0, 1]),
                      type=np.array([f, f, r, f, f]), count=np.array([1, 1, 3, 1, 1]))
    seeds = np.array([True, True, False, False])
    got = network.from_seeds(edges, seeds, 4)
    assert got["mutual_follows"].tolist() == [0, 0, 1, 0]
    assert got["followed_by"].tolist() == [0, 0, 1, 0]
    assert got["amplified_by"].tolist() == [0, 0, 3, 0]


def test_reasons_name_the_evidence(store, policy_file):
    roles = build_world(store, seed=1)
    load_policy(store, policy_file)
    score_store(store)
    rows = {r["id"]: r for r in ranked_accounts(store)}
    journalist = rows[roles["journalist"][0]]
    assert any("quotes slogans in reporting" in r and "not counted as endorsement" in r
               for r in journalist["reasons"])
    counter = rows[roles["counter"][0]]
    assert any("criticise or mock" in r for r in counter["reasons"])
    seed = rows[roles["seeds"][0]]
    assert seed["verified"] and seed["reasons"][0].startswith("verified account")
    members = [rows[a] for a in roles["member"] if a not in roles["seeds"]]
    text = " ".join(" ".join(m["reasons"]) for m in members)
    assert "policy hashtag" in text and "#AshenDawn" in text
    assert "avatar matches policy logo (PDQ distance" in text
    assert "reshared" in text and "posts of verified accounts" in text


def test_policy_only_without_seeds(store, policy_file):
    roles = build_world(store, seed=2, seeds_fraction=0)
    with store.session() as db:
        db.query(s.Case).delete()
    load_policy(store, policy_file)
    summary = score_store(store)
    assert summary.mode == "policy-only" and not summary.text_model and summary.seeds == 0
    scores = {r["id"]: r["score"] for r in ranked_accounts(store)}
    chanting = [scores[a] for a in roles["member"]]
    quoting = [scores[a] for a in roles["journalist"] + roles["counter"]]
    assert np.median(chanting) > max(quoting)
    assert max(scores[a] for a in roles["ordinary"]) == 0


def test_successor_inherits_a_suspended_verified_predecessor(store, policy_file):
    roles = build_world(store, seed=4)
    pred = roles["seeds"][0]
    with store.session() as db:
        db.query(s.Account).filter_by(account_id=pred).update({"status": "suspended"})
        db.add(s.Account(platform="x", account_id="999001", handle="newcomer"))
        db.add(s.Post(platform="x", post_id="p999", account_id="999001", text="hello again",
                      created_at=NOW))
        db.add(s.Link(platform="x", successor_id="999001", predecessor_id=pred, confidence=0.97,
                      rank=1, reasons=["handle +1"], created_at=NOW))
        db.add(s.Account(platform="x", account_id="999002", handle="weaklink"))
        db.add(s.Post(platform="x", post_id="p998", account_id="999002", text="hi", created_at=NOW))
        db.add(s.Link(platform="x", successor_id="999002", predecessor_id=pred, confidence=0.3,
                      rank=2, reasons=[], created_at=NOW))
    load_policy(store, policy_file)
    assert score_store(store).inherited == 1
    rows = {r["id"]: r for r in ranked_accounts(store)}
    assert rows["999001"]["score"] >= 0.97
    assert rows["999001"]["reasons"][0].startswith("successor of suspended verified account @")
    assert "link confidence 0.97" in rows["999001"]["reasons"][0]
    assert rows["999002"]["score"] < 0.5


def test_only_active_accounts_are_scored_and_rescoring_is_stable(store, policy_file):
    roles = build_world(store, seed=5)
    with store.session() as db:
        db.add(s.Account(platform="x", account_id="777", handle="silent"))
    load_policy(store, policy_file)
    score_store(store)
    first = {r["id"]: r["score"] for r in ranked_accounts(store)}
    assert "777" not in first
    score_store(store)
    assert {r["id"]: r["score"] for r in ranked_accounts(store)} == first


def test_explain(store, policy_file):
    roles = build_world(store, seed=6)
    load_policy(store, policy_file)
    score_store(store)
    info = explain_account(store, "x", roles["member"][0])
    assert set(info["signals"]["values"]) >= {"endorse_posts", "network", "text_prob", "avatar_distance"}
    assert info["reasons"] == info["signals"]["reasons"]
    assert explain_account(store, "x", "@member_0")["id"] == roles["member"][0]
    with pytest.raises(NotFound):
        explain_account(store, "x", "nobody")


def test_cli_score_json_contract(db_url, policy_file, monkeypatch, capsys):
    from hydrawatch.cli import main
    from hydrawatch.store import open_store

    st = open_store(db_url)
    roles = build_world(st, seed=7)
    load_policy(st, policy_file)
    st.dispose()

    def run(*args):
        monkeypatch.setattr("sys.argv", ["hydrawatch", *args, "--db", db_url])
        try:
            main()
        except SystemExit as exc:
            assert not exc.code
        return capsys.readouterr().out

    rows = json.loads(run("score", "--format", "json"))
    assert rows and all(set(r) == {"platform", "id", "handle", "score", "verified", "reasons"} for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert all(isinstance(r["verified"], bool) and isinstance(r["reasons"], list)
               and all(isinstance(x, str) for x in r["reasons"]) and 0 <= r["score"] <= 1 for r in rows)
    assert {r["id"] for r in rows if r["verified"]} == set(roles["seeds"])
    limited = json.loads(run("score", "--format", "json", "--limit", "3"))
    assert len(limited) == 3
    high = json.loads(run("score", "--format", "json", "--min-score", "0.5"))
    assert all(r["score"] >= 0.5 for r in high)
    assert run("score", "--format", "csv", "--limit", "2").startswith("platform,id,handle,score,verified,reasons")
    out = run("explain", f"x:{roles['member'][1]}")
    assert "reasons" in out and "signals" in out


def test_char_ngrams_never_cross_post_boundaries():
    X = content.char_ngrams(["ab", "ab", "cd", ""])
    assert (X[0] != X[1]).nnz == 0 and X[3].sum() == 1  # empty: only the padding bigram
    assert X[0].multiply(X[2]).nnz == 0  # " ab " and " cd " share no 2-4-gram
    # "ab" padded is " ab ": 3 bigrams, 2 trigrams, 1 four-gram
    assert X[0].sum() == 6


def test_text_model_is_cross_fitted():
    texts = ["the ember never dies"] * 6 + ["good morning friends"] * 6
    X = content.char_ngrams(texts)
    owner = np.arange(12)
    positive = np.arange(12) < 6
    fold = np.arange(12) % 2
    model = content.fit_text_model(X, owner, positive, ~positive, fold, 2)
    logits = model.post_logits(X, fold[owner])
    assert logits[:6].min() > 0 > logits[6:].max()
    # Cross-fitting: a text only one fold's accounts wrote is unknown to the model that
    # scores that fold, so it gets no credit there.
    texts2 = ["zulu yankee xray"] + texts[1:]
    X2 = content.char_ngrams(texts2)
    model2 = content.fit_text_model(X2, owner, positive, ~positive, fold, 2)
    own = model2.post_logits(X2[:1], np.array([fold[0]]))[0]
    other = model2.post_logits(X2[:1], np.array([1 - fold[0]]))[0]
    assert other > own
