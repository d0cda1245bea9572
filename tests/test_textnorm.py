from hydrawatch.textnorm import (hashtag_key, hashtag_keys, hashtags_in, match_form, normalize,
                                 normalize_many)


def test_hashtag_spellings_share_one_key():
    variants = ["#Ashen_Dawn", "ashendawn", "#ASHEN-DAWN", "#Ashen_Dawn\u200b", "＃ＡｓｈｅｎＤａｗｎ",
                "#\u0430shen_dawn",  # Cyrillic а
                "#4shen_d4wn", "#Ashen.Dawn", "#ÂSHEN_DAWN"]
    assert {hashtag_key(v) for v in variants} == {"ashendawn"}


def test_arabic_hashtag_spelling_variants_match():
    plain = hashtag_key("#الفجر_الرمادي")
    assert hashtag_key("الفجر_الرمادى") == plain          # alef maksura for ya
    assert hashtag_key("#الفجرُ_الرماديّ") == plain        # harakat and shadda
    assert hashtag_key("#الفجـــر_الرمادي") == plain       # tatweel
    assert hashtag_key("#الفجر\u200c_الرمادي") == plain    # zero-width non-joiner
    assert hashtag_key("#إعلان") == hashtag_key("#اعلان") == hashtag_key("#أعلان")
    assert hashtag_key("#مدرسة") == hashtag_key("#مدرسه")  # ta marbuta


def test_digits_fold_only_in_latin_tags():
    assert hashtag_key("#2024") == "2024"
    assert hashtag_key("#بيان_١٢") == "بيان12"  # Arabic-Indic digits become ASCII, not letters
    assert hashtag_key("#gr00p") == "groop"


def test_normalize_text():
    assert normalize("  Enquête\u200b sur la\nＰＲＯＰＡＧＡＮＤＥ ") == "enquete sur la propagande"
    assert normalize("قُلْ") == "قل"
    assert normalize("пропаганда", fold_homoglyphs=False) == "пропаганда"
    assert normalize(None) == ""
    assert normalize("\u0440\u0430ypal") == "paypal"  # Cyrillic р and а


def test_normalize_many_matches_one_by_one_even_with_separator_in_input():
    texts = ["Ａ b", None, "مـــدرسة", "x\x1ey", "", "Ｔeｓt\u200d"]
    assert normalize_many(texts) == [normalize(t) for t in texts]
    assert normalize_many([]) == []


def test_match_form_and_hashtags_in_text():
    assert match_form('Hello, "an EXAMPLE slogan"!') == " hello an example slogan "
    assert match_form("ash_will-rise") == " ash will rise "
    assert hashtags_in("join #AshenDawn now, #الفجر_الرمادي! #") == ["AshenDawn", "الفجر_الرمادي"]
    assert hashtag_keys(["#A_b", "ab", "#A_b"]) == ["ab", "ab", "ab"]
