"""Stance: is a post that carries the movement's slogans endorsing them, or talking about
them?

Journalists and researchers quote slogans and hashtags inside reporting (a link to news or
to a research site, words like "report", "analysis", "according to", تقرير, "selon"); and
counter-speech accounts use the hashtags to mock or condemn ("terrorists", "shame",
"propaganda", عار, "honte"). Neither is endorsement. Resharing the movement's posts is.

Cues are found with one regular-expression pass over a whole batch of posts in match form
(:func:`hydrawatch.textnorm.match_form` joined by newlines); match positions become post
indices with ``np.searchsorted``. The word lists are normalised with the same function as
the text, so Arabic spelling variants and accents do not matter.
"""

from __future__ import annotations

import re
from itertools import chain

import numpy as np

from hydrawatch.textnorm import match_form

REPORTING_WORDS = {
    "en": ["report", "reporting", "reportedly", "analysis", "analyst", "according to",
           "investigation", "journalist", "study", "research", "researcher", "documented",
           "claimed", "claims", "statement", "interview", "coverage", "explainer", "sources say",
           "we examined", "monitoring", "breaking", "full story", "paper", "findings"],
    "fr": ["rapport", "analyse", "selon", "enquete", "journaliste", "etude", "chercheur",
           "d apres", "revendique", "decryptage", "reportage", "recherche", "article"],
    "ar": ["تقرير", "تحليل", "وفقا", "بحسب", "حسب", "مصادر", "دراسة", "تحقيق", "صحفي", "باحث",
           "بحث", "رصد", "ترصد", "نقلا عن", "ورقة"],
}
CRITICAL_WORDS = {
    "en": ["terrorist", "terrorism", "terror", "shame", "shameful", "never", "propaganda", "lies",
           "liars", "disgusting", "murderer", "killers", "extremist", "extremism", "evil",
           "cowards", "condemn", "pathetic", "cult", "hateful", "brainwash", "not fooled",
           "stop spreading", "report them", "report this", "do not share", "don t share",
           "nobody believes", "no one believes", "empty slogans"],
    "fr": ["terroriste", "terrorisme", "honte", "jamais", "propagande", "mensonge", "menteur",
           "assassin", "extremiste", "laches", "condamne", "degoutant", "secte", "ridicule",
           "signalez", "ne partagez pas", "personne n y croit", "personne ne croit",
           "slogans creux"],
    "ar": ["ارهاب", "ارهابي", "ارهابيين", "عار", "دعاية", "كذب", "اكاذيب", "ابدا", "قتلة",
           "مجرمين", "متطرف", "تطرف", "خوارج", "نرفض", "ندين", "لا تنشروا", "لا تنشر", "بلغوا",
           "فضيحة", "لا احد يصدق", "شعاراتكم الفارغة", "شعارات فارغة"],
}

# Sites whose links mark a post as reporting or research.
NEWS_DOMAIN = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*:)?/*(?:[^/@]*@)?(?:[\w-]+\.)*"   # scheme, user, subdomains
    r"[\w-]*(?:news|press|presse|times|post|herald|tribune|journal|gazette|chronicle|daily|"
    r"quotidien|wire|observer|monitor|courier|courrier|telegraph|dispatch|guardian|bbc|reuters|"
    r"apnews|afp|aljazeera|alarabiya|france24|lemonde|liberation|lefigaro|rfi|cnn|skynews|"
    r"euronews|economist|akhbar|report|research|institute|university|universite|centre|center|"
    r"think|studies|analysis|media)[\w-]*\.(?:[\w-]+\.)*[a-z]{2,}(?:[:/?#]|$)|"
    r"\.(?:edu|ac\.[a-z]{2})(?:[:/?#]|$)", re.IGNORECASE)

_QUOTES = re.compile(r"[\"“”«»„‟]")


def _word_pattern(words: dict[str, list[str]]) -> re.Pattern:
    """Word starts: a cue may carry a short suffix (reports, terroristes) and, in Arabic, a
    one-letter clitic and the article before it (والارهاب)."""
    latin, arabic = set(), set()
    for lang, items in words.items():
        for w in items:
            form = match_form(w).strip()
            if form:
                (arabic if lang == "ar" else latin).add(re.escape(form))
    alts = []
    if latin:
        alts.append(r"(?<!\w)(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")\w{0,3}(?!\w)")
    if arabic:
        alts.append(r"(?<!\w)(?:[وفبكل])?(?:ال)?(?:" + "|".join(sorted(arabic, key=len, reverse=True))
                    + r")\w{0,3}(?!\w)")
    return re.compile("|".join(alts))


REPORTING = _word_pattern(REPORTING_WORDS)
CRITICAL = _word_pattern(CRITICAL_WORDS)


def posts_of(positions: list[int] | np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Post index of each character position in a joined batch (``starts``: first char of
    each post)."""
    return np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right") - 1


def line_starts(joined: str) -> np.ndarray:
    """Start offset of each newline-separated part of ``joined``, vectorised."""
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    return np.concatenate([[0], np.flatnonzero(codes == 10) + 1]).astype(np.int64)


def _flag(pattern: re.Pattern, joined: str, starts: np.ndarray, n: int) -> np.ndarray:
    flags = np.zeros(n, dtype=bool)
    positions = [m.start() for m in pattern.finditer(joined)]
    if positions:
        flags[posts_of(positions, starts)] = True
    return flags


def stance_cues(match_joined: str, match_starts: np.ndarray, norm_joined: str,
                norm_starts: np.ndarray, urls: list[list | None], n: int) -> dict[str, np.ndarray]:
    """Per-post boolean cues for a batch.

    ``match_joined``: the batch in match form with policy phrases already blanked out (a
    slogan that itself contains "never" is not criticism of the slogan); ``norm_joined``:
    the normalised text (quotation marks survive there).
    """
    reporting_words = _flag(REPORTING, match_joined, match_starts, n)
    critical = _flag(CRITICAL, match_joined, match_starts, n)
    quotes = _flag(_QUOTES, norm_joined, norm_starts, n)
    lens = np.fromiter(map(len, (u or () for u in urls)), dtype=np.int64, count=n)
    news = np.zeros(n, dtype=bool)
    if lens.sum():
        flat = list(map(str, chain.from_iterable(u or () for u in urls)))
        hits = np.fromiter(map(bool, map(NEWS_DOMAIN.search, flat)), dtype=bool, count=len(flat))
        owner = np.repeat(np.arange(n), lens)
        news[owner[hits]] = True
    # A slogan inside quotation marks is quoted, not chanted.
    reporting = reporting_words | news | quotes
    return {"reporting": reporting, "critical": critical, "news_link": news, "quotes": quotes}
