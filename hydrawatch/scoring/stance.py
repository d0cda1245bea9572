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

# The cue lists come from general descriptions of how people write *about* something rather
# than *for* it, never from the simulator's templates (hydrawatch/sim/text.py, compose.py):
#
# - REPORTING: attribution and reporting. Reporting verbs in the three classes of
#   Thompson & Ye (1991, "Evaluation in the reporting verbs used in academic papers",
#   Applied Linguistics 12(4)) and Hyland (2002, "Activity and evaluation: reporting
#   practices in academic writing") — research acts (find, show, observe, document),
#   cognition acts (believe, suggest, consider) and discourse acts (say, state, claim,
#   argue, allege, deny) — the attribution cues of the PARC corpus (Pareti 2016, "PARC 3.0:
#   a corpus of attribution relations", LREC: "according to", "said", "told", "cited",
#   "quoted", "sources"), and the genres of news and research writing (report, analysis,
#   investigation, study, paper, interview). French and Arabic: the same verbs and genres
#   (dire, déclarer, affirmer, selon, d'après; قال، صرح، أفاد، ذكر، وفقا، بحسب، نقلا عن).
# - CRITICAL: counter-speech. The strategies of Mathew et al. (2019, "Thou shalt not hate: a
#   study of counterspeech", ICWSM) and Benesch et al. (2016, "Considerations for successful
#   counterspeech", Dangerous Speech Project): denouncing (condemn, denounce, reject,
#   shame), labelling (terrorist, extremist, propaganda, hate, lies), warning of
#   consequences and calls to flag or not amplify (report, block, do not share), and
#   ridicule (pathetic, ridiculous, joke, clowns). French and Arabic translations of the same.
#
# Not cues: words a movement uses of its own output ("statement", "communiqué", بيان —
# its bulletins are statements). A word's short suffixes are matched too (report -> reports, reported). The lists are
# deliberately generic: a world whose reporters or mockers use other words is left to the
# learned content model and the account-level counter stance.
REPORTING_WORDS = {
    "en": [
        # genres of reporting and research writing
        "report", "reporting", "reportedly", "analysis", "analyst", "analyse", "analyze",
        "investigation", "investigative", "inquiry", "journalist", "journalism", "correspondent",
        "study", "studies", "research", "researcher", "paper", "preprint", "findings", "survey",
        "interview", "coverage", "explainer", "briefing", "dossier", "documentary", "thread on",
        "fact check", "factcheck", "monitoring", "breaking", "update on", "data on", "dataset",
        # discourse, research and cognition acts (reporting verbs) and attribution cues
        "according to", "said", "says", "told", "stated", "states that", "claimed", "claims",
        "alleged", "allegedly", "announced", "argued", "argues", "noted", "notes that", "observed",
        "described", "explained", "documented", "documents", "revealed", "reveals", "found that",
        "shows that", "showed", "suggests", "estimated", "identified", "examined", "examines",
        "analysed", "analyzed", "tracked", "tracking", "mapped", "mapping", "cited", "quoted",
        "quoting", "sources", "source:", "via", "spokesperson", "officials",
        "authorities", "police said", "experts",
    ],
    "fr": [
        "rapport", "reportage", "analyse", "analyste", "enquete", "journaliste", "correspondant",
        "etude", "recherche", "chercheur", "article", "entretien", "interview", "decryptage",
        "dossier", "donnees", "selon", "d apres", "a declare", "declare", "affirme", "a affirme",
        "explique", "a explique", "indique", "precise", "revele", "documente", "recense",
        "cartographie", "observe", "estime", "cite", "source", "sources",
        "porte parole", "autorites", "revendique",
    ],
    "ar": [
        "تقرير", "تحليل", "تحقيق", "دراسة", "بحث", "باحث", "صحفي", "مراسل", "مقابلة", "ورقة",
        "بيانات", "رصد", "ترصد", "وفقا", "بحسب", "حسب", "نقلا عن", "قال", "افاد", "ذكر",
        "اكد", "اوضح", "كشف", "اشار", "مصادر", "مصدر", "متحدث", "السلطات",
    ],
}
CRITICAL_WORDS = {
    "en": [
        # labelling and denouncing
        "terrorist", "terrorism", "terror", "extremist", "extremism", "radical", "propaganda",
        "hate", "hateful", "lies", "liar", "liars", "evil", "murderer", "murderers", "killers",
        "criminals", "cowards", "cult", "brainwash", "condemn", "denounce", "reject", "shame",
        "shameful", "disgrace", "disgusting", "despicable", "vile",
        # calls to flag or not amplify, warnings
        "report them", "report this", "report the account", "block them", "do not share",
        "don t share", "do not amplify", "don t amplify", "stop sharing", "stop spreading",
        "warning", "beware",
        # ridicule
        "pathetic", "ridiculous", "laughable", "clowns", "joke", "nobody believes",
        "no one believes", "nobody cares",
    ],
    "fr": [
        "terroriste", "terrorisme", "extremiste", "extremisme", "radical", "propagande", "haine",
        "mensonge", "menteur", "assassin", "criminel", "laches", "secte", "condamne", "denonce",
        "rejette", "honte", "honteux", "degoutant", "ignoble", "signalez", "bloquez",
        "ne partagez pas", "arretez de partager", "attention", "pathetique", "ridicule",
        "grotesque", "clowns", "personne n y croit", "personne ne croit",
    ],
    "ar": [
        "ارهاب", "ارهابي", "ارهابيين", "متطرف", "تطرف", "دعاية", "كراهية", "كذب", "اكاذيب", "كذابين",
        "قتلة", "مجرمين", "خوارج", "جبناء", "ندين", "نرفض", "ادانة", "عار", "مخزي",
        "بلغوا", "احظروا", "لا تنشروا", "لا تنشر", "لا تشاركوا", "احذروا", "تحذير", "سخيف",
        "مثير للشفقة", "مهزلة", "لا احد يصدق",
    ],
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


def _cue_forms(words: dict[str, list[str]]) -> tuple[set[str], set[str]]:
    """(Latin-script forms, Arabic forms) of a cue list, in match form."""
    latin, arabic = set(), set()
    for lang, items in words.items():
        for w in items:
            form = match_form(w).strip()
            if form:
                (arabic if lang == "ar" else latin).add(form)
    return latin, arabic


def _word_pattern_plain(words: dict[str, list[str]]) -> re.Pattern:
    """Word starts: a cue may carry a short suffix (reports, terroristes) and, in Arabic, a
    one-letter clitic and the article before it (والارهاب). One alternative per cue,
    longest first (the reference form of :func:`_word_pattern`)."""
    latin, arabic = _cue_forms(words)
    latin = {re.escape(f) for f in latin}
    arabic = {re.escape(f) for f in arabic}
    alts = []
    if latin:
        alts.append(r"(?<!\w)(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")\w{0,3}(?!\w)")
    if arabic:
        alts.append(r"(?<!\w)(?:[وفبكل])?(?:ال)?(?:" + "|".join(sorted(arabic, key=len, reverse=True))
                    + r")\w{0,3}(?!\w)")
    return re.compile("|".join(alts))


def _trie(forms: set[str]) -> str:
    """The forms as one regex over their prefix tree ("report", "reporting", "reportedly"
    -> ``report(?:edly|ing)?``): the regex engine follows one branch per character instead
    of trying every cue at every position."""
    root: dict = {}
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        kids = sorted(ch for ch in node if ch)
        if not kids:
            return ""
        alts = [re.escape(ch) + emit(node[ch]) for ch in kids]
        if len(alts) > 1 and all(len(a) == 1 for a in alts):
            body = "[" + "".join(alts) + "]"
        elif len(alts) == 1:
            body = alts[0]
        else:
            body = "(?:" + "|".join(alts) + ")"
        if "" in node:  # a form ends here: the rest is optional
            body = body + "?" if len(body) == 1 or body.startswith("[") and len(alts) > 1 \
                else "(?:" + body + ")?"
        return body

    return emit(root)


def _word_pattern(words: dict[str, list[str]]) -> re.Pattern:
    """:func:`_word_pattern_plain` with each script's cues as a prefix tree and ``\\b`` for
    the ``(?<!\\w)`` guard (every form starts with a word character, so the two agree):
    ~2x faster, and a match starts at exactly the same positions, so the per-post flags are
    the same (tests/test_score_fast.py)."""
    latin, arabic = _cue_forms(words)
    for form in latin | arabic:
        if not re.match(r"\w", form):
            return _word_pattern_plain(words)
    alts = []
    if latin:
        alts.append(r"\b(?:" + _trie(latin) + r")\w{0,3}(?!\w)")
    if arabic:
        alts.append(r"\b(?:[وفبكل])?(?:ال)?(?:" + _trie(arabic) + r")\w{0,3}(?!\w)")
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
