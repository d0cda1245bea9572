"""The fast paths of scoring give exactly what the plain ones give: the compiled character
n-gram kernel (the same CSR matrix, bit for bit), the prefix-tree stance regexes (matches
at the same positions), the batched JSON decoding of post columns (the same values), and,
end to end, the same stored scores, reasons and signals."""

import json
import re

import numpy as np
import orjson
import pytest
from sqlalchemy import select

from hydrawatch.scoring import content, data, stance
from hydrawatch.scoring import pipeline as score_mod
from hydrawatch.scoring.policy import load_policy
from hydrawatch.store import schema as s
from hydrawatch.textnorm import match_form
from tests.scoring_world import POLICY, build_world


def _texts(seed: int, n: int) -> list[str]:
    rng = np.random.default_rng(seed)
    words = ["ember", "dawn", "rise", "morning", "الفجر", "صباح", "été", "🔥", "𝒜", "a", "",
             "report", "terroristes", "#tag", "x" * 40, "according to", "والارهاب", "don t"]
    return [" ".join(rng.choice(words, int(rng.integers(0, 12)))) for _ in range(n)]


def _same_csr(a, b) -> None:
    a = a.tocsr()
    a.sort_indices()
    assert a.shape == b.shape
    for att in ("indptr", "indices", "data"):
        x, y = getattr(a, att), getattr(b, att)
        assert x.dtype == y.dtype and np.array_equal(x, y), att


@pytest.mark.parametrize("seed", range(4))
def test_compiled_ngrams_equal_the_plain_ones(seed):
    texts = _texts(seed, 500)
    _same_csr(content.char_ngrams_plain(texts), content.char_ngrams(texts))
    for small in (["ab"], [""], ["", ""], ["a", "", "bc"], ["x" * 3000]):
        _same_csr(content.char_ngrams_plain(small), content.char_ngrams(small))
    # a text with a newline of its own (the pipeline never passes one), and no text at all:
    # the plain version's answer
    for f in (content.char_ngrams_plain, content.char_ngrams):
        with pytest.raises(ValueError):
            f(["a\nb", "c"])
    assert content.char_ngrams([]).shape == (0, content.N_FEATURES)
    # a smaller feature space too
    _same_csr(content.char_ngrams_plain(texts, 1 << 10), content.char_ngrams(texts, 1 << 10))


def _cue_texts(words: dict[str, list[str]], seed: int) -> str:
    """Every cue with and without suffixes, clitics and articles, glued to and between
    other words, in one newline-joined batch in match form."""
    rng = np.random.default_rng(seed)
    forms = [match_form(w).strip() for items in words.values() for w in items]
    extra = ["s", "ed", "ing", "ingly", "e", "", "x1", "_"]
    pre = ["", "و", "ال", "وال", "ب", "x", "1"]
    pieces = []
    for f in forms:
        for e in extra:
            for p in pre:
                pieces.append(p + f + e)
    lines = []
    for _ in range(400):
        k = int(rng.integers(1, 8))
        picks = rng.choice(len(pieces), k)
        lines.append(" ".join(pieces[i] for i in picks))
    return "\n".join(lines)


@pytest.mark.parametrize("words", [stance.REPORTING_WORDS, stance.CRITICAL_WORDS])
def test_prefix_tree_cues_match_where_the_plain_alternation_does(words):
    plain = stance._word_pattern_plain(words)
    fast = stance._word_pattern(words)
    assert fast.pattern != plain.pattern
    for seed in range(3):
        joined = _cue_texts(words, seed)
        a = [m.span() for m in plain.finditer(joined)]
        b = [m.span() for m in fast.finditer(joined)]
        assert [x[0] for x in a] == [x[0] for x in b]
        starts = stance.line_starts(joined)
        n = len(starts)
        assert np.array_equal(stance._flag(plain, joined, starts, n), stance._flag(fast, joined, starts, n))
    # the module's patterns are the fast ones
    assert stance._word_pattern(stance.REPORTING_WORDS).pattern == stance.REPORTING.pattern


def test_prefix_tree_regex_matches_the_same_words():
    forms = {"report", "reporting", "reportedly", "re", "a b", "ab", "a", "x.y", "[z]"}
    rx = re.compile(r"^(?:" + stance._trie(forms) + r")$")
    for w in forms:
        assert rx.match(w)
    for w in ("repor", "reports", "b", "a ", "xzy", "z", ""):
        assert not rx.match(w)


def test_batched_json_columns_decode_as_value_by_value():
    raw = ['["a", "b"]', None, "[]", "null", '[["x"], {"k": 1}]', '[1.5, "é", "\\u00e9"]']
    want = [None if v is None else orjson.loads(v) for v in raw]
    assert data._json_lists(raw) == want
    assert data._json_lists([]) == []
    # not arrays, or text that would split or merge in a joined batch: value by value
    for odd in (['{"a": 1}', "[1]"], ["3", None]):
        assert data._json_lists(odd) == [None if v is None else orjson.loads(v) for v in odd]
    for bad in (["[1], [2]", "[3]"], ["[1], [2]", "[3"], ["[1", "2]"]):
        with pytest.raises(orjson.JSONDecodeError):
            data._json_lists(bad)


def _stored(store):
    with store.session() as db:
        scores = db.execute(select(s.Account.account_id, s.Account.score, s.Account.score_reasons)
                            .order_by(s.Account.account_id)).all()
        signals = db.execute(select(s.ScoreSignal.account_id, s.ScoreSignal.signals)
                             .order_by(s.ScoreSignal.account_id)).all()
    return ([tuple(r) for r in scores],
            [(a, {k: v for k, v in sig.items() if k != "scored_at"}) for a, sig in signals])


def test_scores_equal_those_of_the_plain_paths(store, tmp_path, monkeypatch):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    build_world(store, seed=5)
    load_policy(store, path)
    fast = score_mod.score_store(store)
    first = _stored(store)
    monkeypatch.setattr(content, "char_ngrams", content.char_ngrams_plain)
    monkeypatch.setattr(stance, "REPORTING", stance._word_pattern_plain(stance.REPORTING_WORDS))
    monkeypatch.setattr(stance, "CRITICAL", stance._word_pattern_plain(stance.CRITICAL_WORDS))
    monkeypatch.setattr(data, "_json_lists",
                        lambda raw: [None if v is None else orjson.loads(v) for v in raw])
    plain = score_mod.score_store(store)
    assert fast.text_model and fast.posts == plain.posts > 0
    assert first == _stored(store)


def _mixed_strings(seed: int, n: int = 300) -> list[str]:
    """Strings over every character the folding tables change, whitespace of all kinds
    (the batch separator too), punctuation, ``_`` and ordinary letters."""
    from hydrawatch import textnorm as tn

    rng = np.random.default_rng(seed)
    alphabet = ([chr(c) for c in tn._FOLD_TABLE] + list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003\u3000")
                + list("__..,,!?#@-") + list("abcXYZ019") + ["ا", "ب", "é", "ß", "ﬁ", "𝒜", "🔥", "]", "^", "\\"])
    return ["".join(rng.choice(alphabet, int(rng.integers(0, 40)))) for _ in range(n)]


def test_batch_normalisation_steps_equal_their_plain_forms():
    from hydrawatch import textnorm as tn

    for seed in range(3):
        for text in _mixed_strings(seed):
            assert tn.translate_fold(text) == text.translate(tn._FOLD_TABLE)
            assert tn.translate_fold(text, False) == text.translate(tn._BASE_TABLE)
            assert tn._SPACE_RUNS.sub(" ", text) == re.sub(r"[^\S\x1e]+", " ", text)
            assert content.match_subbed(text) == content._MATCH_SUB.sub(" ", text)
        texts = [t.replace("\x1e", "") for t in _mixed_strings(seed + 10)]  # the batch path
        assert tn.normalize_many(texts) == [tn.normalize(t) for t in texts]


def test_hashtags_from_the_joined_batch_equal_those_found_post_by_post():
    from hydrawatch.scoring.policy import Policy
    from hydrawatch.textnorm import _HASHTAG_IN_TEXT, normalize_many

    texts = ["#Ashen_Dawn rises", "no tags", "", "#a#b ＃c, #d. #e!#f", "#الفجر_الجديد و #x",
             "end #", "## #ashendawn", None] * 5
    column = [["AshenDawn"], None, [], ["x", 3], None, ["#e"], [], None] * 5
    policy = Policy(packs=[], tag_keys={"ashendawn": "#AshenDawn", "a": "#a", "e": "#e",
                                        "الفجرالجديد": "#الفجر_الجديد"},
                    phrase_forms={}, weights={}, pdq={})
    matcher = content.PolicyMatcher(policy)
    norm = normalize_many(texts)
    batch = data.PostBatch(account=np.arange(len(texts)), text=texts, hashtags=column,
                           urls=[None] * len(texts), is_reshare=np.zeros(len(texts), dtype=bool))
    got = content.analyse_posts(batch, matcher).tag_pairs
    want = matcher.tag_pairs(column, list(map(_HASHTAG_IN_TEXT.findall, norm)), len(texts))
    assert len(want) > 10 and np.array_equal(got, want)
