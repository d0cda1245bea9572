"""Handle canonicalisation and edit-pattern blocking keys.

Re-entered accounts pick handles one edit away from the suspended one: a numeric suffix
bumped (``abu_x2`` -> ``abu_x3``), an underscore added or dropped, two letters swapped, a
homoglyph (``0``/``o``, ``1``/``l``), a prefix or suffix word (``new_``, ``the``, ``real``,
``_back``). The *skeleton* undoes the deterministic ones; the delete-1 neighbourhood of the
skeleton (every string with one character removed) catches one remaining insertion,
deletion, substitution or transposition: two skeletons within edit distance 1 always share
a key (the SymSpell trick), so exact key lookups replace all-pairs edit distances.
"""

from __future__ import annotations

import re
import unicodedata

PREFIXES = ("official", "original", "backup", "the", "real", "new", "its", "iam", "im", "true",
            "not", "just", "only")
SUFFIXES = ("official", "backup", "again", "returns", "return", "rtn", "back", "new", "real",
            "alt", "bis", "two", "ii", "iii")
PART_PREFIXES = PREFIXES + ("al", "el", "x")  # only as a separate part: "al_qasim"
_HOMOGLYPHS = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "4": "a",
                             "5": "s", "7": "t", "8": "b", "9": "g", "$": "s", "@": "a"})
_SEPARATORS = re.compile(r"[_.\-\s]+")
_REPEATS = re.compile(r"(.)\1+")
_REPEATED = re.compile(r"(.)(?=\1)")  # a character the same one follows: deleting it collapses runs
MIN_DELETE_KEY_LEN = 5  # shorter skeletons would share delete keys with far too many others


# Shared hosting domains: a Bluesky handle "name.bsky.social" was chosen as "name".
HOSTED_SUFFIXES = (".bsky.social",)


def local_part(handle: str | None) -> str:
    """The part of a handle its owner chose: without the fediverse instance of
    ``name@instance`` (an account banned on one instance is re-created on another) or a
    shared hosting suffix (``name.bsky.social``). Other handles are returned as they are.

    >>> local_part("abu_x2@social.example"), local_part("@abu.bsky.social"), local_part("abu")
    ('abu_x2', 'abu', 'abu')
    """
    if not handle:
        return ""
    h = handle.strip().lstrip("@")
    at = h.find("@")
    if at > 0:
        return h[:at]
    if h.endswith(HOSTED_SUFFIXES):
        for suffix in HOSTED_SUFFIXES:
            if h.endswith(suffix) and len(h) > len(suffix):
                return h[: -len(suffix)]
    return h


def normalise_handle(handle: str | None) -> str:
    """Lowercase, without a leading @ or surrounding space (as handle_norm is stored)."""
    if not handle:
        return ""
    return unicodedata.normalize("NFKC", handle).strip().lstrip("@").casefold()


_BY_LEN_PRE = sorted(PREFIXES, key=len, reverse=True)
_BY_LEN_SUF = sorted(SUFFIXES, key=len, reverse=True)
_PART_PRE = frozenset(PART_PREFIXES)
_PART_SUF = frozenset(SUFFIXES)
_DIGITS = "0123456789"


def _strip_affixes(text: str) -> str:
    # str.startswith/endswith with a tuple are single C calls: most handles have no affix.
    for _ in range(3):
        before = text
        if text.startswith(PREFIXES):
            for p in _BY_LEN_PRE:
                if text.startswith(p) and len(text) - len(p) >= 3:
                    text = text[len(p):]
                    break
        stripped = text.rstrip(_DIGITS)
        if len(stripped) >= 3:
            text = stripped
        if text.endswith(SUFFIXES):
            for x in _BY_LEN_SUF:
                if text.endswith(x) and len(text) - len(x) >= 3:
                    text = text[: -len(x)]
                    break
        if text == before:
            break
    return text


def skeleton(handle: str | None) -> str:
    """The canonical form two re-entry variants of one handle share.

    >>> skeleton("new_Abu_Xyz2"), skeleton("abuxyz_3"), skeleton("ab0u_xyz")
    ('abuxyz', 'abuxyz', 'abouxyz')
    >>> skeleton("abu_xyz@other.example")  # the instance is not part of it
    'abuxyz'
    """
    if not handle:
        return ""
    handle = local_part(handle)
    text = handle.lower() if handle.isascii() else normalise_handle(handle)
    if "_" in text or "." in text or "-" in text or " " in text:
        parts = [p for p in _SEPARATORS.split(text) if p]
        # affix words given as separate parts first ("new_abu", "abu_back", "al_qasim")
        while len(parts) > 1 and (parts[0] in _PART_PRE or parts[0].isdigit()):
            parts = parts[1:]
        while len(parts) > 1 and (parts[-1] in _PART_SUF or parts[-1].isdigit()):
            parts = parts[:-1]
        text = "".join(parts)
    text = _strip_affixes(text).translate(_HOMOGLYPHS)
    # runs collapsed (as _REPEATS.sub(r"\1", text), without a template expanded per match)
    return _REPEATED.sub("", text)


# Words a re-entered account adds to its old display name ("Abu Media - back", "Abu Media 2",
# "new: Abu Media"), beside the handle affixes above.
NAME_MARKERS = frozenset(PREFIXES + SUFFIXES + ("account", "acc", "acct", "reloaded", "here", "again",
                                                "iv", "v2", "v3"))
_WORDS = re.compile(r"[^\W_]+")  # runs of letters and digits, any script


def name_core(name: str | None) -> str:
    """A display name without punctuation and without the re-entry markers at either end
    (NAME_MARKERS, bare numbers): what two incarnations of one account share.

    >>> name_core("Joanna - back"), name_core("NEW | Abu Media 2"), name_core("Back")
    ('joanna', 'abu media', 'back')
    """
    if not name:
        return ""
    words = _WORDS.findall(name.casefold())
    while len(words) > 1 and (words[-1] in NAME_MARKERS or words[-1].isdigit()):
        words.pop()
    while len(words) > 1 and (words[0] in NAME_MARKERS or words[0].isdigit()):
        words.pop(0)
    return " ".join(words)


def skeleton_rarity(skeletons: list[str]):
    """Per skeleton of a list (one per account): 1 - log(count) / log(len) of how many
    accounts of the list share it (1 without a skeleton). One person's handles share a
    skeleton with their own earlier accounts at most; a naming family (``fastfans10``,
    ``fastfans20``, ...) shares one across dozens of accounts, where it names none."""
    from collections import Counter

    import numpy as np

    counts = Counter(skeletons)
    c = np.fromiter((counts[k] if k else 1 for k in skeletons), np.float64, len(skeletons))
    return np.clip(1.0 - np.log(np.maximum(c, 1)) / np.log(max(len(skeletons), 3)), 0.0, 1.0)


def delete_neighbours(skel: str) -> list[str]:
    """The skeleton and every string with one character removed (when long enough)."""
    if len(skel) < MIN_DELETE_KEY_LEN:
        return [skel] if skel else []
    out = {skel}
    out.update(skel[:i] + skel[i + 1:] for i in range(len(skel)))
    return list(out)


def blocking_keys(handle: str | None) -> list[str]:
    """Exact-lookup keys: the skeleton, its delete-1 neighbourhood and its sorted letters
    (two swapped letters anywhere)."""
    skel = skeleton(handle)
    if not skel:
        return []
    keys = ["d:" + k for k in delete_neighbours(skel)]
    if len(skel) >= MIN_DELETE_KEY_LEN:
        keys.append("s:" + "".join(sorted(skel)))
    return keys
