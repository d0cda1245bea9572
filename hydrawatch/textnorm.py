"""Text normalisation shared by scoring, linking and lists.

Every comparison of text written by people (hashtags, slogans, handles, names) goes through
here so that trivial disguises do not defeat it:

- Unicode NFKC (fullwidth and mathematical letters, ligatures, presentation forms of Arabic
  letters all become their plain form), then case folding;
- zero-width and bidi-control characters removed (``ash\u200bendawn`` is ``ashendawn``);
- Arabic: harakat and other diacritics, Quranic marks and tatweel removed; alef variants
  (أ إ آ ٱ) become ا, ى becomes ي, ة becomes ه, hamza seats (ؤ ئ) their letter, Persian
  and Urdu letter forms (ک ی ہ) their Arabic ones; Arabic-Indic digits become 0-9;
- homoglyphs: Cyrillic, Greek and Armenian letters that look Latin fold to the Latin letter
  (``аshen`` with a Cyrillic а is ``ashen``).

Hashtag keys go further: ``_``, ``-`` and punctuation are dropped, and in tags that contain
Latin letters, leetspeak digits fold (``0``→o, ``1``→l, ``3``→e, ``4``→a, ``5``→s, ``7``→t),
so ``#Ashen_Dawn``, ``#ashendawn``, ``#ASHEN-DAWN`` and ``#4shen_d4wn`` share one key.

Batches are normalised as one joined string (one C-level pass per step instead of one
Python call per post); :func:`normalize_many` falls back to item by item only when an
input holds the separator character itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

_SEP = "\x1e"  # record separator: never survives normalisation of a single item

_ZERO_WIDTH = "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" \
              "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic annotation
# marks) and tatweel.
_ARABIC_MARKS = [chr(c) for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670,
                                  *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E5),
                                  0x06E7, 0x06E8, *range(0x06EA, 0x06EE), 0x0640)]

_ARABIC_LETTERS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ۃ": "ه",
    "ؤ": "و", "ۄ": "و", "ۅ": "و",
    "ک": "ك", "ڪ": "ك",
    "ء": "",  # a bare hamza is the most often dropped or misplaced letter
}
_DIGITS = {**{chr(0x0660 + i): str(i) for i in range(10)},
           **{chr(0x06F0 + i): str(i) for i in range(10)}}

# Letters of other scripts that render like Latin letters (after case folding).
HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j",
    "һ": "h", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ҽ": "e", "ո": "n",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j", "ς": "s", "σ": "s",
    # Armenian and Latin look-alikes NFKC leaves alone
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ɩ": "i",
    "ʟ": "l", "ɪ": "i", "ᴏ": "o", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴋ": "k", "ᴍ": "m", "ɴ": "n",
    "ᴘ": "p", "ʀ": "r", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ꜱ": "s",
}

_BASE_TABLE = {ord(c): None for c in _ZERO_WIDTH + "".join(_ARABIC_MARKS)}
_BASE_TABLE.update({ord(k): (v or None) for k, v in _ARABIC_LETTERS.items()})
_BASE_TABLE.update({ord(k): v for k, v in _DIGITS.items()})
_FOLD_TABLE = dict(_BASE_TABLE)
_FOLD_TABLE.update({ord(k): v for k, v in HOMOGLYPHS.items()})

_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_TAG_DROP = re.compile(r"[^\w@$]|_")
_LATIN = re.compile(r"[a-z]")
# For batches: the characters the tables change, found with one regex scan (a dict lookup
# per character, what str.translate does on non-ASCII text, is ~4x slower); each hit is
# replaced by exactly what translate puts there.
_FOLD_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD_TABLE)) + "]")
_BASE_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_BASE_TABLE)) + "]")
_FOLD_SUB = {chr(k): v or "" for k, v in _FOLD_TABLE.items()}.__getitem__
_BASE_SUB = {chr(k): v or "" for k, v in _BASE_TABLE.items()}.__getitem__
# Whitespace runs (not the batch separator) that are not already one plain space: replacing
# those alone by " " gives what replacing every run does.
_SPACE_RUNS = re.compile(r"[^\S\x1e]{2,}|[^\S\x1e ]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _strip_latin_accents(text: str) -> str:
    """é→e, ç→c: decompose and drop combining diacritics (Arabic marks are already gone)."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


def normalize(text: str | None, *, fold_homoglyphs: bool = True) -> str:
    """NFKC, casefold, zero-width removal, Arabic and homoglyph folding, spaces collapsed."""
    if not text:
        return ""
    out = unicodedata.normalize("NFKC", text).casefold()
    out = out.translate(_FOLD_TABLE if fold_homoglyphs else _BASE_TABLE)
    out = _strip_latin_accents(out)
    # NFKC again: removing marks can expose sequences that compose differently.
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", out)).strip()


def normalize_many(texts: Sequence[str | None], *, fold_homoglyphs: bool = True) -> list[str]:
    """:func:`normalize` over a batch, done as one pass over the joined text."""
    if not texts:
        return []
    items = ["" if t is None else t for t in texts]
    joined = _SEP.join(items)
    if joined.count(_SEP) != len(items) - 1:  # an input carried the separator: slow path
        return [normalize(t, fold_homoglyphs=fold_homoglyphs) for t in items]
    out = unicodedata.normalize("NFKC", joined).casefold()
    out = translate_fold(out, fold_homoglyphs)
    out = _strip_latin_accents(out)
    out = unicodedata.normalize("NFKC", out)
    out = _SPACE_RUNS.sub(" ", out)
    parts = out.split(_SEP)
    if len(parts) != len(items):
        return [normalize(t, fold_homoglyphs=fold_homoglyphs) for t in items]
    return [p.strip() for p in parts]


def translate_fold(text: str, fold_homoglyphs: bool = True) -> str:
    """``text.translate(_FOLD_TABLE or _BASE_TABLE)``, the same string, faster on long text."""
    if fold_homoglyphs:
        return _FOLD_CHARS.sub(lambda m: _FOLD_SUB(m.group()), text)
    return _BASE_CHARS.sub(lambda m: _BASE_SUB(m.group()), text)


def match_form(text: str | None) -> str:
    """The form phrases are matched in: normalised, every run of punctuation, ``_`` and
    space one space, padded with a space on each side (so `` phrase `` matches words)."""
    return " " + _NON_WORD.sub(" ", normalize(text)).strip() + " "


def hashtag_key(tag: str | None) -> str:
    """Canonical key of a hashtag: ``#Ashen_Dawn``, ``ashendawn`` and ``#ASHEN-DAWN`` agree."""
    if not tag:
        return ""
    out = normalize(tag.strip().lstrip("#＃"))
    out = _TAG_DROP.sub("", out)
    if _LATIN.search(out):
        out = out.translate(_LEET)
    return out


def hashtag_keys(tags: Sequence[str]) -> list[str]:
    """:func:`hashtag_key` for many tags, computing each distinct tag once."""
    cache: dict[str, str] = {}
    out = []
    for tag in tags:
        key = cache.get(tag)
        if key is None:
            key = cache[tag] = hashtag_key(tag)
        out.append(key)
    return out


_HASHTAG_IN_TEXT = re.compile(r"[#＃]([^\s#＃!\"'(),.:;<>?\[\]{}«»“”،؛؟]+)")


def hashtags_in(text: str | None) -> list[str]:
    """Hashtags written in a text, without the ``#``."""
    if not text:
        return []
    return _HASHTAG_IN_TEXT.findall(text)
