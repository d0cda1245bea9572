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
           "we examined", "monitoring", "newsletter", "breaking"],
    "fr": ["rapport", "analyse", "selon", "enquete", "journaliste", "etude", "chercheur",
           "d apres", "revendique", "decryptage", "reportage"],
    "ar": ["تقرير", "تحليل", "وفقا", "بحسب", "حسب", "مصادر", "دراسة", "تحقيق", "صحفي", "باحث",
           "رصد", "نقلا عن"],
}
CRITICAL_WORDS = {
    "en": ["terrorist", "terrorism", "terror", "shame", "shameful", "never", "propaganda", "lies",
           "liars", "disgusting", "murderer", "killers", "extremist", "extremism", "evil",
           "cowards", "condemn", "pathetic", "cult", "hateful", "brainwash", "not fooled",
           "stop spreading", "report this", "do not share", "don t share"],
    "fr": ["terroriste", "terrorisme", "honte", "jamais", "propagande", "mensonge", "menteur",
           "assassin", "extremiste", "laches", "condamne", "degoutant", "secte", "ridicule"],
    "ar": ["ارهاب", "ارهابي", "ارهابيين", "عار", "دعاية", "كذب", "اكاذيب", "ابدا", "قتلة",
           "مجرمين", "متطرف", "تطرف", "خوارج", "نرفض", "ندين", "لا تنشروا", "فضيحة"],
}

# Sites whose links mark a post as reporting or research.
NEWS_DOMAIN = re.compile(
    r"(?:^|[/.@])(?:[\w-]*news[\w-]*|[\w-]*press[\w-]*|[\w-]*times|[\w-]*post|herald|tribune|"
    r"[\w-]*journal[\w-]*|gazette|guardian|bbc|reuters|apnews|afp|aljazeera|alarabiya|"
    r"france24|lemonde|liberation|lefigaro|rfi|dw|cnn|skynews|euronews|economist|[\w-]*media|"
    r"daily[\w-]*|[\w-]*observer|[\w-]*report[\w-]*|[\w-]*monitor[\w-]*|[\w-]*research[\w-]*|"
    r"[\w-]*institute|[\w-]*university|[\w-]*centre|[\w-]*center|[\w-]*\.edu|[\w-]*\.ac)"
    r"\.[a-z]", re.IGNORECASE)

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
    has_url = lens > 0
    if lens.sum():
        flat = list(map(str, chain.from_iterable(u or () for u in urls)))
        hits = np.fromiter(map(bool, map(NEWS_DOMAIN.search, flat)), dtype=bool, count=len(flat))
        owner = np.repeat(np.arange(n), lens)
        news[owner[hits]] = True
    # Quotation marks around a slogan next to any link read as quoting, not chanting.
    reporting = reporting_words | news | (quotes & has_url)
    return {"reporting": reporting, "critical": critical, "news_link": news, "quotes": quotes}
