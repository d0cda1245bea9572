"""Who each account is: handle, display name, bio, language, avatar PDQ. Derived on demand
from the plan and the seed (so nothing per account has to be kept in memory), with a
bounded cache for the accounts that are currently busy."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hydrawatch.sim import text
from hydrawatch.sim.handles import MAX_HANDLE, mutate
from hydrawatch.sim.world import (COUNTER, FAN, HUB, JOURNALIST, MEMBER, NEWS, ORDINARY,
                                  ORDINARY_AR, RESEARCHER, SPAMMER, Plan)

_FIRST = ("sara", "omar", "lina", "yusuf", "nour", "karim", "amina", "hadi", "leila", "sami",
          "julie", "marc", "emma", "tom", "chloe", "lucas", "nina", "adam", "ines", "theo",
          "maya", "ali", "rania", "hugo", "zoe", "malik", "jana", "paul", "salma", "yara")
_LAST = ("haddad", "benali", "martin", "dubois", "khalil", "smith", "nasser", "lefevre",
         "mansour", "brown", "saleh", "moreau", "farah", "wilson", "aziz", "petit", "jaber",
         "walker", "rahman", "girard")
_AR_NAMES = ("سارة", "عمر", "لينا", "يوسف", "نور", "كريم", "أمينة", "هادي", "ليلى", "سامي",
             "مريم", "خالد", "رانيا", "أحمد", "سلمى", "ياسر", "هدى", "طارق", "جنى", "مالك")
_AR_LAST = ("الحداد", "بن علي", "خليل", "ناصر", "منصور", "صالح", "فرح", "عزيز", "جابر", "الرحمن")
_MV_STEMS = ("ember", "jamr", "braise", "ashes", "ramad", "oath", "ahd", "cinder", "flame",
             "lahab", "nour_jamr", "cendre", "spark")
_MV_WORDS = ("voice", "witness", "keeper", "son", "path", "watch", "echo", "herald", "guard")
_SPAM_STEMS = ("freefollow", "winbig", "cryptoboost", "giveaway", "fastfans", "getrich")
_BIOS = {
    ORDINARY: ("Coffee, books and long walks.", "Dad. Engineer. Tea > coffee.", "Nurse | cat person",
               "Student. Opinions are mine.", "Amatrice de cinéma et de cuisine.", "Prof de maths, fan de jazz.",
               ""),
    ORDINARY_AR: ("الحمد لله دائماً وأبداً", "أم لثلاثة أطفال، أحب الطبخ والقراءة", "مهندس | محب للقهوة",
                  "طالب جامعي، أحب كرة القدم", "سبحان الله وبحمده", "معلمة لغة عربية", ""),
    FAN: ("{club} till I die", "Season ticket holder, {club}", "Supporter de {club} depuis toujours",
           "مشجع {club} للأبد"),
    JOURNALIST: ("Journalist at {outlet}. Covering extremism and online platforms.",
                 "Reporter, {outlet}. Security & tech. DMs open for tips.",
                 "صحفية في {outlet}. أغطي شؤون الأمن والإنترنت", "Journaliste, {outlet}. Enquêtes."),
    RESEARCHER: ("Researcher on online extremism and platform governance. PhD. Views my own.",
                 "Postdoc studying propaganda networks and content moderation.",
                 "باحث في التطرف الرقمي", "Chercheuse, radicalisation en ligne."),
    COUNTER: ("Laughing at the Ember Oath so you don't have to.", "Counter-speech. Report, don't share.",
              "ضد التطرف، مع الحياة", "Contre les discours de haine, pour le dialogue."),
    SPAMMER: ("Free followers! DM for promo", "Crypto signals 100x", "Giveaways every day"),
}
_OUTLETS = ("Meridian News", "Al-Wasat Daily", "Le Quotidien", "Global Wire", "Levant Observer")


@dataclass(frozen=True)
class Identity:
    handle: str          # at creation
    name: str
    bio: str
    lang: str
    avatar: str          # PDQ hex
    new_handle: str | None = None  # after a benign rename
    mutation: str | None = None    # how a successor's handle was derived


def flip_bits(hex_hash: str, n_bits: int, rng: random.Random) -> str:
    value = int(hex_hash, 16)
    for bit in rng.sample(range(256), n_bits):
        value ^= 1 << bit
    return f"{value:064x}"


def logo_hashes(seed: int, count: int = 3) -> list[str]:
    rng = random.Random(seed * 7_919 + 101)
    return [f"{rng.getrandbits(256):064x}" for _ in range(count)]


_SYLLABLES = ("ka", "ri", "mo", "sa", "le", "na", "to", "mi", "ra", "di", "lu", "ne", "ya", "zo",
              "fa", "ha", "bi", "jo", "ma", "el", "an", "is", "or", "ul")
_BIO_WORDS = ("coffee", "books", "music", "travel", "family", "football", "code", "tea", "cats",
              "films", "nurse", "teacher", "student", "engineer", "dad", "mum", "photos", "cooking",
              "faith", "running", "jazz", "news", "gaming", "art", "القهوة", "الكتب", "كرة القدم",
              "السفر", "cuisine", "cinéma")


def name_pool(seed: int, size: int) -> list[str]:
    """``size`` display names (two syllable words, first and last), fixed by the seed: a
    small pool means many unrelated accounts share a name."""
    rng = random.Random(seed * 104_729 + 11)
    out: list[str] = []
    seen = set()
    while len(out) < size:
        first = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        last = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = first if rng.random() < 0.3 else f"{first} {last}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def bio_pool(seed: int, size: int) -> list[str]:
    """``size`` everyday bios ("coffee | books | jazz"), fixed by the seed."""
    rng = random.Random(seed * 130_363 + 13)
    out: list[str] = []
    seen = set()
    while len(out) < size:
        words = rng.sample(_BIO_WORDS, rng.randint(2, 4))
        bio = rng.choice((" | ", ", ", " · ")).join(words)
        bio = bio[0].upper() + bio[1:]
        if bio not in seen:
            seen.add(bio)
            out.append(bio)
    return out


def default_avatar(seed: int) -> str:
    """The platform's default avatar in a randomised world: one hash shared by everyone
    who never set a picture."""
    return f"{random.Random(seed * 15_485_863 + 17).getrandbits(256):064x}"


class Identities:
    def __init__(self, plan: Plan, cache: int = 20_000):
        self.plan = plan
        self.seed = plan.params.seed
        self.logos = logo_hashes(self.seed)
        self.get = lru_cache(maxsize=cache)(self._make)
        self._spam = None
        prm = plan.params
        self.names = name_pool(self.seed, prm.name_pool) if prm.name_pool > 0 else None
        self.bios = bio_pool(self.seed, prm.bio_pool) if prm.bio_pool > 0 else None
        self.default_avatar = default_avatar(self.seed) if prm.default_avatar_share > 0 else None

    def _pooled(self, i: int, name: str, bio: str, avatar: str) -> tuple[str, str, str]:
        """A benign account's name, bio and avatar drawn from the world's pools (randomised
        worlds only; its own rng stream, so the default world is unchanged)."""
        rng = self.rng(i, salt=5)
        if self.names is not None:
            name = rng.choice(self.names)
        if self.bios is not None and rng.random() < 0.8:
            bio = rng.choice(self.bios)
        if self.default_avatar is not None and rng.random() < self.plan.params.default_avatar_share:
            avatar = self.default_avatar
        return name, bio, avatar

    def rng(self, i: int, salt: int = 0) -> random.Random:
        return random.Random((self.seed * 0x9E3779B1 + i * 2_654_435_761 + salt * 97) & ((1 << 64) - 1))

    def handle_at(self, i: int, t: int) -> str:
        ident = self.get(i)
        return ident.new_handle if ident.new_handle and t >= self.plan.rename_at[i] else ident.handle

    def _make(self, i: int) -> Identity:
        plan = self.plan
        rng = self.rng(i)
        pred = int(plan.pred[i])
        if pred >= 0:
            return self._successor(i, pred, rng)
        role = int(plan.role[i])
        lang = self._lang(role, rng)
        handle, name = self._handle_name(i, role, lang, rng)
        if plan.decoy_of[i] >= 0:  # a look-alike handle, nothing else in common
            victim = self.get(int(plan.decoy_of[i]))
            avoid = tuple(self.get(j).handle.lower() for j in self._successors_of(int(plan.decoy_of[i])))
            handle, _ = mutate(victim.handle, rng, avoid=avoid + (victim.handle.lower(),))
        bio = self._bio(role, lang, i, rng)
        prm = plan.params
        if role in (HUB, MEMBER) and rng.random() < (prm.hub_logo_prob if role == HUB else prm.member_logo_prob):
            avatar = flip_bits(rng.choice(self.logos), rng.randrange(0, 13), rng)
        else:
            avatar = f"{rng.getrandbits(256):064x}"
        new_handle = None
        if plan.rename_at[i] < 2**62:
            new_handle = self._rename(handle, rng)
        if role not in (HUB, MEMBER, NEWS):
            name, bio, avatar = self._pooled(i, name, bio, avatar)
        return Identity(handle, name, bio, lang, avatar, new_handle)

    def _spammers(self):
        if self._spam is None:
            n0 = self.plan.n_original
            self._spam = np.flatnonzero(self.plan.role[:n0] == SPAMMER)
        return self._spam

    def _successors_of(self, i: int) -> list[int]:
        return [int(j) for j in np.flatnonzero(self.plan.pred == i)]

    def _lang(self, role: int, rng: random.Random) -> str:
        if role == ORDINARY_AR:
            return "ar"
        if role == ORDINARY:
            return "en" if rng.random() < 0.65 else "fr"
        if role == SPAMMER:
            return "en"
        return rng.choices(("ar", "en", "fr"), (0.45, 0.35, 0.2))[0]

    def _handle_name(self, i: int, role: int, lang: str, rng: random.Random) -> tuple[str, str]:
        # a bijection of the index keeps every original's handle unique
        prime = next(p for p in (9_973, 999_983, 99_999_989, 9_999_999_967) if p > len(self.plan))
        tag = str(1 + (i * 7_919 + self.seed * 31) % prime)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)

        def fit(body: str) -> str:
            return body[: MAX_HANDLE - len(tag)] + tag
        if role == HUB:
            stem = rng.choice(("EmberOath", "Jamr", "Braises", "AshesPress", "AhdMedia"))
            handle = fit(f"{stem}_{rng.choice(('media', 'news', 'feed', 'bulletin'))}")
            return handle, f"{text.MOVEMENT[lang]} | {rng.choice(('Bulletins', 'نشرات', 'Médias'))}"
        if role == MEMBER:
            if rng.random() < 0.5:
                handle = fit(f"{rng.choice(_MV_STEMS)}_{rng.choice(_MV_WORDS)}")
            else:
                handle = fit(f"{first}_{rng.choice(_MV_STEMS)}")
            name = rng.choice(_AR_NAMES) if lang == "ar" else first.capitalize()
            if rng.random() < 0.4:
                name += " " + rng.choice(("🔥", "| عهد الجمر", "(ember)", "ⵣ", "✦"))
            return handle, name
        if role == NEWS:
            outlet = _OUTLETS[i % len(_OUTLETS)]
            return fit(outlet.replace(" ", "").replace("-", "")), outlet
        if role == SPAMMER and self.plan.params.spam_handle_clusters and i < self.plan.n_original:
            # near-identical handles: stem + a small number (rank among spammers, spaced by 10)
            rank = int(np.searchsorted(self._spammers(), i))
            digits = str((rank // len(_SPAM_STEMS)) * 10 + 10)
            handle = _SPAM_STEMS[rank % len(_SPAM_STEMS)][: MAX_HANDLE - len(digits)] + digits
            return handle, rng.choice(("Free Followers", "Promo King", "WIN BIG"))
        if role == SPAMMER:
            return fit(rng.choice(_SPAM_STEMS)), rng.choice(("Free Followers", "Promo King", "WIN BIG"))
        if lang == "ar":
            name = f"{rng.choice(_AR_NAMES)} {rng.choice(_AR_LAST)}"
        else:
            name = f"{first.capitalize()} {last.capitalize()}"
        form = rng.randrange(4)
        body = (f"{first}{last}" if form == 0 else f"{first}_{last[:4]}" if form == 1
                else f"{first[0]}{last}" if form == 2 else f"{last}_{first}")
        return fit(body), name

    def _bio(self, role: int, lang: str, i: int, rng: random.Random) -> str:
        if role == HUB:
            return f"{rng.choice(text.SLOGANS[lang])}. #{text.movement_tag(rng, lang)}"
        if role == MEMBER:
            r = rng.random()
            if r < self.plan.params.member_bio_tag_prob:
                return f"{rng.choice(text.SLOGANS[lang])} #{text.movement_tag(rng, lang)}"
            if r < self.plan.params.member_bio_slogan_prob:
                return rng.choice(text.SLOGANS[lang])
            return rng.choice(_BIOS[ORDINARY_AR if lang == "ar" else ORDINARY])
        if role == NEWS:
            return "News, analysis and reports. أخبار وتحليلات. Actualités."
        pool = _BIOS.get(role, _BIOS[ORDINARY])
        return rng.choice(pool).format(club=text.CLUBS[int(self.plan.cell[i]) % len(text.CLUBS)][1],
                                       outlet=rng.choice(_OUTLETS))

    def _rename(self, handle: str, rng: random.Random) -> str:
        stem = handle.rstrip("0123456789")
        digits = handle[len(stem):]  # the unique tag stays, so renamed handles stay unique
        suffix = rng.choice(("_official", "_x", "writes", "_home", "_tv"))
        stem = stem.rstrip("_")[: max(2, MAX_HANDLE - len(digits) - len(suffix))]
        return (stem + suffix)[: MAX_HANDLE - len(digits)] + digits

    def _successor(self, i: int, pred: int, rng: random.Random) -> Identity:
        p = self.plan.params
        old = self.get(pred)
        old_handle = self.handle_at(pred, int(self.plan.suspended[pred]))
        handle, how = mutate(old_handle, rng)
        if p.double_mutation_prob > 0 and rng.random() < p.double_mutation_prob:
            again, how2 = mutate(handle, rng, avoid=(old_handle.lower(),))
            handle, how = again, f"{how}+{how2}"
        if p.fresh_handle_prob > 0 and rng.random() < p.fresh_handle_prob:
            role = int(self.plan.role[i])
            if role == SPAMMER and p.spam_handle_clusters:
                number = rng.randrange(1000, 99_999)
                digits = str(number + (1 if number % 10 == 0 else 0))
                # stem cut so that the handle stays within X's 15 characters
                handle = rng.choice(_SPAM_STEMS)[: MAX_HANDLE - len(digits)] + digits
            else:
                handle, _ = self._handle_name(i, role, old.lang, rng)
            how = "fresh"
        r = rng.random()
        name = old.name if r < p.name_keep_prob else (old.name + rng.choice((" 2", " (new)", " ✦", " الجديد", " - back")))\
            if r < p.name_similar_prob else rng.choice(_AR_NAMES if old.lang == "ar" else _FIRST).capitalize()
        r = rng.random()
        bio = old.bio if r < p.bio_keep_prob else (rng.choice(("back again. ", "new account. ", "عدنا. ")) + old.bio) \
            if r < p.bio_similar_prob else rng.choice(_BIOS[ORDINARY])
        r = rng.random()
        # Only the movement's own re-entries switch to one of its logos; a benign spammer's
        # new account keeps its avatar or takes a fresh one.
        logo_ok = self.plan.is_movement(pred)
        same, logo = p.same_avatar_prob, p.same_avatar_prob + p.logo_avatar_prob
        avatar = (flip_bits(old.avatar, rng.randrange(0, 9), rng) if r < same
                  else flip_bits(rng.choice(self.logos), rng.randrange(0, 13), rng) if r < logo and logo_ok
                  else f"{rng.getrandbits(256):064x}")
        if self.names is not None or self.bios is not None or self.default_avatar is not None:
            # a fresh name, bio or avatar comes from the same pools as everyone else's
            pooled = self._pooled(i, name, bio, avatar)
            fresh_name = name not in (old.name,) and not name.startswith(old.name)
            fresh_bio = bio != old.bio and not bio.endswith(old.bio)
            fresh_avatar = not (r < same or (r < logo and logo_ok))
            name = pooled[0] if fresh_name and self.names is not None else name
            bio = pooled[1] if fresh_bio else bio
            avatar = pooled[2] if fresh_avatar else avatar
        return Identity(handle, name, bio, old.lang, avatar, None, how)
