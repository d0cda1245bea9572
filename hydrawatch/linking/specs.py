"""The linking model's inputs, declared: the candidate generators (which suspended accounts
could a new account replace?) and the pair features (how alike are the two?).

Derived from these declarations, never written twice:

- ``features.FEATURES``: the feature columns, in the order of :data:`FEATURE_SPECS` (the
  order the shipped model file ``link_model.json`` lists its coefficients in);
- ``model.BOUNDS``: each feature's sign constraint (on its standardised coefficient);
- ``model.FIELDS``: the fields a link's log-odds are explained by (its reasons), each the
  features that declare it, in column order;
- ``candidates.SOURCE_NAMES`` and the generator bits: one bit per :data:`GENERATORS` entry,
  in order (a candidate's ``sources`` is the bit mask of the generators that proposed it).

Data only (no numpy): docs and tests read it without the numeric stack.
"""

from __future__ import annotations

from dataclasses import dataclass

INF = float("inf")
ANY = (-INF, INF)
NON_NEGATIVE = (0.0, INF)
NO_WEIGHT = (0.0, 0.0)  # carried for the reasons and other features, no weight of its own


@dataclass(frozen=True)
class LinkFeature:
    """One feature column. ``field``: the reason field its weight is reported under;
    ``bounds``: (lower, upper) bounds of its standardised coefficient (the model is monotone
    in the evidence: more of it never lowers a pair's log-odds)."""

    name: str
    field: str
    bounds: tuple[float, float]
    doc: str


@dataclass(frozen=True)
class CandidateGenerator:
    """One blocking generator: its name (as reasons say "proposed by handle, avatar"), the
    reason fields whose evidence it proposes pairs on, and what it looks up."""

    name: str
    fields: tuple[str, ...]
    doc: str


# Sign constraints: a closer handle, a closer or rarer avatar, more returning followers, a
# rarer shared name or bio, a shout-out can only raise a pair's log-odds. Raw name/bio/avatar
# similarity carries no weight of its own: only through its rarity (name_rare, ...), so a
# name thousands of accounts share is no identity. Timing is a broad prior, not a gate: a
# later re-entry costs at most a little. ``digit_both`` (both handles carry a number —
# usually different ones) may count against a pair.
FEATURE_SPECS: tuple[LinkFeature, ...] = (
    LinkFeature("handle_sim", "handle", NON_NEGATIVE, "edit similarity of the handles (0..1)"),
    LinkFeature("skeleton_eq", "handle", NON_NEGATIVE, "same handle skeleton (handles.py)"),
    LinkFeature("skeleton_sim", "handle", NON_NEGATIVE, "edit similarity of the skeletons"),
    LinkFeature("digit_both", "handle", ANY, "both handles carry a number"),
    LinkFeature("digit_same", "handle", NON_NEGATIVE,
                "... the same number (min(digits, 4) / 4: a long tag is an identity)"),
    LinkFeature("digit_step", "handle", NON_NEGATIVE,
                '... numbers a small step (1-3) apart ("abu7" -> "abu8")'),
    LinkFeature("name_sim", "display name", NO_WEIGHT, "display names, word order ignored"),
    LinkFeature("bio_sim", "bio", NO_WEIGHT, "bios"),
    LinkFeature("avatar_match", "avatar", NO_WEIGHT, "avatar PDQ distance <= 31"),
    LinkFeature("avatar_sim", "avatar", NO_WEIGHT, "1 - distance / 128, clipped"),
    LinkFeature("followers_shared", "returning followers", NON_NEGATIVE, "log1p(shared followers)"),
    LinkFeature("followers_frac", "returning followers", NON_NEGATIVE,
                "share of the new account's followers who followed the old one"),
    LinkFeature("following_shared", "shared followees", NON_NEGATIVE, "log1p(shared followees)"),
    LinkFeature("following_frac", "shared followees", NON_NEGATIVE,
                "share of the new account's followees the old one followed"),
    LinkFeature("followers_aa", "returning followers", NON_NEGATIVE,
                "log1p(Adamic-Adar: sum over shared followers of 1 / log(degree))"),
    LinkFeature("following_aa", "shared followees", NON_NEGATIVE,
                "... over shared followees (degree: the suspended accounts it is adjacent to, "
                "plus the new account; a rare neighbour weighs most)"),
    LinkFeature("followers_back", "returning followers", NON_NEGATIVE,
                "share of the old account's followers who follow the new one (an owner's own "
                "audience comes back; a community sibling's mostly does not)"),
    LinkFeature("following_back", "shared followees", NON_NEGATIVE,
                "share of the old account's followees the new one follows again"),
    LinkFeature("gap_log_hours", "timing", (-0.5, 0.0),
                "log1p(hours from the suspension to the new account's start)"),
    LinkFeature("latest_suspension", "timing", NON_NEGATIVE,
                "the most recently suspended of this new account's candidates"),
    LinkFeature("shoutout", "shout-out", NON_NEGATIVE,
                "the new account's posts mention a handle the old one held"),
    LinkFeature("shoutout_cue", "shout-out", NON_NEGATIVE,
                '... in a post saying "new account" / "suspended" (many languages)'),
    LinkFeature("content_sim", "posts", NON_NEGATIVE,
                "cosine of character 3-gram profiles of recent posts"),
    LinkFeature("corroboration", "corroboration", NON_NEGATIVE,
                "independent non-handle signals agreeing (avatar, followers, followees, a rare "
                "name or bio, shout-out): a look-alike handle has none"),
    LinkFeature("name_rare", "display name", NON_NEGATIVE,
                "name_sim x rarity of the name in the store (rarity(), 0 common .. 1 unique)"),
    LinkFeature("bio_rare", "bio", NON_NEGATIVE, "bio_sim x rarity of the bio"),
    LinkFeature("avatar_rare", "avatar", NON_NEGATIVE,
                "avatar_sim x rarity of the avatar (exact copies in the store and near copies "
                "on the suspended side: a logo or default avatar is common)"),
    LinkFeature("skeleton_rare", "handle", NON_NEGATIVE,
                "skeleton_eq x rarity of the skeleton among the suspended accounts (a naming "
                "family -- fastfans10, fastfans20, ... -- shares one: it names none of them)"),
)

GENERATORS: tuple[CandidateGenerator, ...] = (
    CandidateGenerator("handle", ("handle",),
                       "exact keys on the handle skeleton, its delete-1 neighbourhood and sorted "
                       "letters (handles.py), over every handle a suspended id had"),
    CandidateGenerator("handle-lsh", ("handle",),
                       "MinHash LSH over handle 3-grams (any other close spelling)"),
    CandidateGenerator("name-lsh", ("display name",),
                       "MinHash LSH over display-name 3-grams (any script)"),
    CandidateGenerator("followers", ("returning followers",),
                       "co-followers: suspended accounts followed by the new account's followers "
                       "(sparse product over an inverted index, hubs pruned)"),
    CandidateGenerator("following", ("shared followees",),
                       "co-following: the same over the accounts each one follows"),
    CandidateGenerator("avatar", ("avatar",), "PDQ multi-hash index over avatars, distance <= 31"),
    CandidateGenerator("shout-out", ("shout-out",),
                       "posts of the new account mentioning a handle a suspended id held"),
)


def feature_names() -> tuple[str, ...]:
    return tuple(f.name for f in FEATURE_SPECS)


def feature_bounds() -> dict[str, tuple[float, float]]:
    return {f.name: f.bounds for f in FEATURE_SPECS}


def fields() -> dict[str, tuple[str, ...]]:
    """{reason field: its features}, fields in the order their first feature comes."""
    out: dict[str, tuple[str, ...]] = {}
    for f in FEATURE_SPECS:
        out[f.field] = out.get(f.field, ()) + (f.name,)
    return out


def generator_bits() -> dict[str, int]:
    """{generator name: its bit in a candidate's ``sources`` mask}."""
    return {g.name: 1 << i for i, g in enumerate(GENERATORS)}
