"""Composed text for the ``hard`` preset: posts built word by word from phrase inventories
per role and language, with varied lengths, typos, emoji and code-switching, so that no
template can be memorised. Everything is invented; the movement ("The Ember Oath") does not
exist. Benign content stays ordinary and respectful.

Each function takes a ``random.Random`` and returns a string; nothing here keeps state.
"""

from __future__ import annotations

import random

from hydrawatch.sim import text as T

EMOJI = ("🔥", "✨", "🙏", "💪", "❤️", "😂", "😅", "👍", "🌙", "☕", "⚽", "📌", "👇", "🤲", "😔",
         "😡", "🙄", "👏", "🌹", "📢", "✦", "🤔", "😴", "🎉")

# -- everyday life: the inventory ordinary people and quiet members share ---------------------
_DAY = {
    "en": {
        "open": ("honestly", "ok so", "lol", "not gonna lie", "today", "finally", "update:", "ugh", "well",
                 "can confirm", "small win:", "psa:", "random thought:", ""),
        "subj": ("my brother", "the bus", "my neighbour", "the kids", "my boss", "the coffee machine",
                 "the weather", "my phone", "grandma", "the new bakery", "this week", "the traffic",
                 "my cousin", "the landlord", "the cat", "our team", "the exam"),
        "verb": ("was late again", "made my day", "is driving me crazy", "finally works",
                 "broke down", "surprised everyone", "was amazing", "took forever", "is back",
                 "tested my patience", "was cancelled", "smelled so good", "changed everything"),
        "tail": ("this morning", "tonight", "again", "for the third time", "before lunch", "after work",
                 "on a monday of course", "somehow", "and I'm not even mad", "no comment", "", ""),
        "extra": ("Tea fixes everything.", "Going to sleep early.", "Anyone else?", "Life is funny.",
                  "Need a holiday.", "Grateful anyway.", "Weekend can't come soon enough.",
                  "Who's watching the match?", "Reading a good book tonight.", "Long walk later."),
    },
    "fr": {
        "open": ("franchement", "bon", "mdr", "aujourd'hui", "enfin", "petite victoire :", "bref",
                 "sérieux", "info du jour :", "alors", ""),
        "subj": ("mon frère", "le bus", "ma voisine", "les enfants", "mon chef", "la machine à café",
                 "la météo", "mon téléphone", "mamie", "la nouvelle boulangerie", "cette semaine",
                 "le périph", "mon cousin", "le proprio", "le chat", "l'examen"),
        "verb": ("était encore en retard", "a illuminé ma journée", "me rend fou", "marche enfin",
                 "est tombé en panne", "a surpris tout le monde", "était génial", "a pris une éternité",
                 "est de retour", "a testé ma patience", "a été annulé", "sentait trop bon"),
        "tail": ("ce matin", "ce soir", "encore", "pour la troisième fois", "avant midi", "après le boulot",
                 "un lundi évidemment", "", ""),
        "extra": ("Un thé et ça repart.", "Dodo tôt ce soir.", "Quelqu'un d'autre ?", "La vie est drôle.",
                  "Besoin de vacances.", "Vivement le week-end.", "Qui regarde le match ?"),
    },
    "ar": {
        "open": ("والله", "صراحة", "اليوم", "أخيراً", "يا جماعة", "هههه", "بصراحة", "طيب", "المهم", ""),
        "subj": ("أخي", "الباص", "جارتنا", "الأولاد", "المدير", "القهوة", "الطقس", "جوالي", "جدتي",
                 "المخبز الجديد", "هذا الأسبوع", "الزحمة", "ابن عمي", "صاحب البيت", "القطة", "الامتحان"),
        "verb": ("تأخر مرة ثانية", "أسعدني اليوم", "جنني", "اشتغل أخيراً", "تعطل", "فاجأ الجميع",
                 "كان رائعاً", "أخذ وقتاً طويلاً", "رجع", "امتحن صبري", "تأجل", "ريحته تجنن"),
        "tail": ("الصبح", "الليلة", "مرة ثانية", "للمرة الثالثة", "قبل الظهر", "بعد الدوام", "", ""),
        "extra": ("الشاي يصلح كل شيء.", "سأنام بدري الليلة.", "أحد غيري؟", "محتاج إجازة.",
                  "الحمد لله على كل حال.", "متى يجي الويكند؟", "من يشاهد المباراة؟"),
    },
}

# Faith vocabulary: ordinary Arabic users and the movement both use it. The hadith about
# holding embers ("الجمر") is everyday religious speech, not a movement marker.
_FAITH_AR = ("الحمد لله", "بإذن الله", "إن شاء الله", "اللهم ثبت قلوبنا", "يا إخوتي", "الصبر مفتاح الفرج",
             "القابض على دينه كالقابض على الجمر", "جمعة مباركة", "أستغفر الله", "اللهم اجمعنا على الخير",
             "العهد عهد الله", "لا تيأسوا", "ثبتكم الله", "رب اشرح لي صدري", "نعود إليه دائماً",
             "سبحان الله وبحمده", "اللهم ارحم موتانا", "الدنيا ممر لا مقر")
_FAITH_EN = ("God willing", "stay patient brothers", "alhamdulillah", "keep the faith", "may God guide us")
_FAITH_FR = ("inch'Allah", "patience mes frères", "que Dieu nous guide", "gardez la foi")

# -- the movement's own phrasing ----------------------------------------------------------------
_MV = {
    "en": {
        "open": ("brothers and sisters", "to everyone still with us", "listen", "remember", "today again",
                 "they can ban accounts but", "never forget", "for those who ask", "spread this", "", ""),
        "core": ("the flame is carried hand to hand", "we keep the oath whatever they do",
                 "every suspension makes us stronger", "our voice comes back each time",
                 "the embers stay warm under the ash", "we are many and patient", "we answer only to the oath",
                 "they fear what they cannot silence", "the path is long but we walk it",
                 "share the bulletin before they delete it", "hold on, the return is near"),
        "close": ("stay firm", "share widely", "the oath binds us", "we return", "keep the embers alive",
                  "read the latest bulletin", "follow the new accounts", "", ""),
    },
    "fr": {
        "open": ("frères et sœurs", "à ceux qui sont encore là", "écoutez", "rappelez-vous", "encore aujourd'hui",
                 "ils ferment les comptes mais", "n'oubliez jamais", "partagez", "", ""),
        "core": ("la flamme passe de main en main", "nous tenons le serment quoi qu'ils fassent",
                 "chaque suspension nous renforce", "notre voix revient à chaque fois",
                 "les braises restent chaudes sous la cendre", "nous sommes nombreux et patients",
                 "ils craignent ce qu'ils ne peuvent faire taire", "le chemin est long mais nous le suivons",
                 "partagez le bulletin avant qu'ils l'effacent"),
        "close": ("tenez bon", "partagez", "le serment nous unit", "nous revenons", "gardez les braises vivantes",
                  "lisez le dernier bulletin", "", ""),
    },
    "ar": {
        "open": ("يا إخوتي", "إلى من بقي معنا", "اسمعوا", "تذكروا", "مرة أخرى اليوم", "يغلقون الحسابات لكن",
                 "لا تنسوا", "انشروا", "", ""),
        "core": ("الشعلة تنتقل من يد إلى يد", "نحفظ العهد مهما فعلوا", "كل تعليق يزيدنا قوة",
                 "صوتنا يعود كل مرة", "الجمر باقٍ تحت الرماد", "نحن كثيرون وصابرون",
                 "يخافون ما لا يستطيعون إسكاته", "الطريق طويل لكننا نمشيه", "انشروا النشرة قبل أن يحذفوها",
                 "اثبتوا فالعودة قريبة"),
        "close": ("اثبتوا", "انشروا", "العهد يجمعنا", "نعود", "حافظوا على الجمر", "اقرؤوا النشرة الأخيرة", "", ""),
    },
}

_BULLETIN_HEAD = {
    "en": ("Bulletin {n}", "BULLETIN #{n}", "Ember bulletin no.{n}", "Issue {n} of the bulletin", "📢 Bulletin {n}",
           "New bulletin ({n})", "Bulletin n.{n} is out"),
    "fr": ("Bulletin {n}", "BULLETIN n°{n}", "Bulletin des braises {n}", "Numéro {n} du bulletin", "📢 Bulletin {n}"),
    "ar": ("النشرة {n}", "نشرة رقم {n}", "العدد {n} من النشرة", "📢 النشرة {n}", "صدر العدد {n}"),
}

# -- journalists and researchers: neutral wording about the movement --------------------------------
_NEUTRAL = {
    "en": ("Noting this bulletin for the record.", "This account has resurfaced.", "Worth reading to understand the messaging.",
           "Another one of these today.", "Archiving.", "Interesting shift in tone here.", "Same network, new handle.",
           "Third bulletin this week.", "For context:", "Flagging for colleagues who track this.",
           "Compare with last month's wording.", "Note the timing."),
    "fr": ("Je note ce bulletin pour archive.", "Ce compte est réapparu.", "À lire pour comprendre le discours.",
           "Encore un aujourd'hui.", "Archivage.", "Changement de ton intéressant.", "Même réseau, nouveau compte.",
           "Pour contexte :", "À comparer avec le mois dernier."),
    "ar": ("للتوثيق فقط.", "هذا الحساب عاد للظهور.", "للاطلاع على طريقة الخطاب.", "واحدة أخرى اليوم.", "أرشفة.",
           "تغير لافت في النبرة.", "نفس الشبكة، حساب جديد.", "للسياق:", "قارنوا مع صياغة الشهر الماضي."),
}

# -- counter-speech: mockery that quotes the slogans verbatim -----------------------------------------
_MOCK = {
    "en": ("\"{slogan}\" they said. Suspended before dinner {e}", "Imagine tweeting \"{slogan}\" unironically",
           "{slogan}? The only thing that never dies is their spam {e}", "day 5 of \"{slogan}\" and still nobody cares",
           "\"{slogan}\" — brought to you by a burner account with 3 followers", "Report them. \"{slogan}\" my foot.",
           "Me waiting for \"{slogan}\" to make sense {e}", "{slogan} {slogan} {slogan}... ok we get it {e}",
           "breaking: {slogan}. in other news water is wet {e}", "my nephew's homework has better slogans than {slogan}",
           "{slogan}, says the account that will be gone by friday {e}"),
    "fr": ("« {slogan} » qu'ils disent. Suspendus avant le dîner {e}", "Imaginez écrire « {slogan} » sérieusement",
           "« {slogan} » ? La seule chose éternelle c'est leur spam {e}", "Signalez-les. « {slogan} », mon œil.",
           "{slogan}, dit le compte qui aura disparu vendredi {e}", "{slogan} {slogan}... oui on a compris {e}"),
    "ar": ("\"{slogan}\" قالوا... وتعلق الحساب قبل العشاء {e}", "تخيل تكتب \"{slogan}\" وأنت جاد",
           "\"{slogan}\"؟ الشيء الوحيد الذي لا يموت هو إزعاجهم {e}", "بلغوا عنهم. \"{slogan}\" قال!",
           "{slogan}، يقول حساب سيختفي يوم الجمعة {e}", "{slogan} {slogan}... فهمنا خلاص {e}"),
}

_SWITCH = {"ar": ("ok", "yalla", "bref", "lol", "merci", "sorry", "bravo", "c'est la vie"),
           "fr": ("yalla", "inshallah", "habibi", "lol", "whatever", "sorry", "الحمد لله"),
           "en": ("yalla", "wallah", "habibi", "bref", "merci", "khalas", "الحمد لله")}

# -- hashtag variants that only normalisation catches -----------------------------------------------
_LATIN_LOOKALIKE = {"e": "е", "o": "о", "a": "а", "p": "р", "c": "с"}  # Cyrillic
_LEET = {"o": "0", "e": "3", "a": "4", "s": "5", "l": "1"}
_AR_VARIANTS = {"عهد_الجمر": ("عهدالجمر", "عهد_الجمـر", "عهـد_الجمر"),
                "نشرة_الجمر": ("نشره_الجمر", "نشرةالجمر", "نشـرة_الجمر"),
                "من_الرماد": ("منالرماد", "من_الرمـاد")}


def _camel_split(tag: str) -> list[str]:
    parts, cur = [], ""
    for ch in tag:
        if ch.isupper() and cur:
            parts.append(cur)
            cur = ch
        else:
            cur += ch
    return parts + [cur] if cur else parts


def tag_variant(rng: random.Random, tag: str) -> str:
    """A spelling of ``tag`` that normalisation (case, ``_``, homoglyphs, leet, Arabic
    letter variants, tatweel) folds back to it."""
    if tag in _AR_VARIANTS:
        return rng.choice(_AR_VARIANTS[tag])
    if not tag.isascii():
        return tag
    r = rng.random()
    if r < 0.25:
        return rng.choice((tag.lower(), tag.upper()))
    if r < 0.5:
        sep = "_".join(_camel_split(tag))
        return rng.choice((sep, sep.lower()))
    if r < 0.75:
        table = _LATIN_LOOKALIKE
    else:
        table = _LEET
    spots = [i for i, ch in enumerate(tag) if ch.lower() in table]
    if not spots:
        return tag.lower()
    out = list(tag)
    for i in rng.sample(spots, min(len(spots), rng.choice((1, 1, 2)))):
        out[i] = table[out[i].lower()]
    return "".join(out)


def movement_tag(rng: random.Random, lang: str, variant_prob: float) -> str:
    tag = T.movement_tag(rng, lang)
    return tag_variant(rng, tag) if rng.random() < variant_prob else tag


# -- surface noise ----------------------------------------------------------------------------------

def typos(rng: random.Random, s: str, rate: float = 0.05) -> str:
    """Drop, double or swap letters in a few words (never inside #tags, @mentions or URLs)."""
    words = s.split(" ")
    for k, w in enumerate(words):
        if len(w) < 4 or w[0] in "#@" or w.startswith("http") or rng.random() >= rate:
            continue
        i = rng.randrange(1, len(w) - 1)
        op = rng.randrange(3)
        words[k] = (w[:i] + w[i + 1:] if op == 0 else w[:i] + w[i] + w[i:] if op == 1
                    else w[:i - 1] + w[i] + w[i - 1] + w[i + 1:])
    return " ".join(words)


def finish(rng: random.Random, s: str, lang: str) -> str:
    """Typos, emoji, casing and the odd code-switched word."""
    if rng.random() < 0.4:
        s = typos(rng, s)
    r = rng.random()
    if r < 0.12:
        s = s.lower()
    elif r < 0.16 and lang != "ar":
        s = s.upper()
    if rng.random() < 0.15:
        s = f"{s} {rng.choice(_SWITCH[lang])}"
    if rng.random() < 0.35:
        s = f"{s} {''.join(rng.choice(EMOJI) for _ in range(rng.choice((1, 1, 2, 3))))}"
    return s.strip()


def _pick(rng: random.Random, seq) -> str:
    return rng.choice(seq)


# -- what each kind of account writes ------------------------------------------------------------------

def everyday(rng: random.Random, lang: str, faith: float = 0.0) -> str:
    """Everyday post, one to three clauses; ``faith`` is the chance of a faith phrase."""
    inv = _DAY[lang]
    parts = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        bits = [_pick(rng, inv["open"]), _pick(rng, inv["subj"]), _pick(rng, inv["verb"]), _pick(rng, inv["tail"])]
        if rng.random() < 0.3:
            bits[0] = ""
        parts.append(" ".join(b for b in bits if b))
    if rng.random() < 0.4:
        parts.append(_pick(rng, inv["extra"]))
    if rng.random() < faith:
        pool = _FAITH_AR if lang == "ar" else _FAITH_EN if lang == "en" else _FAITH_FR
        parts.insert(rng.randrange(len(parts) + 1), _pick(rng, pool))
    return finish(rng, ". ".join(parts), lang)


def movement_text(rng: random.Random, lang: str, tag_prob: float, variant_prob: float) -> str:
    """A member's own movement post: recombined phrases, a slogan in about half, hashtags in
    ``tag_prob`` of them."""
    inv = _MV[lang]
    parts = [" ".join(b for b in (_pick(rng, inv["open"]), _pick(rng, inv["core"])) if b)]
    if rng.random() < 0.5:
        parts.append(rng.choice(T.SLOGANS[lang]))
    if rng.random() < 0.4:
        parts.append(_pick(rng, inv["core"]))
    if rng.random() < 0.45:
        pool = _FAITH_AR if lang == "ar" else _FAITH_EN if lang == "en" else _FAITH_FR
        parts.insert(rng.randrange(len(parts) + 1), _pick(rng, pool))
    close = _pick(rng, inv["close"])
    if close:
        parts.append(close)
    s = ". ".join(parts)
    if rng.random() < tag_prob:
        tags = dict.fromkeys(f"#{movement_tag(rng, lang, variant_prob)}" for _ in range(rng.choice((1, 1, 2))))
        s += " " + " ".join(tags)
    return finish(rng, s, lang)


def bulletin_text(rng: random.Random, lang: str, n: int, variant_prob: float) -> str:
    head = _pick(rng, _BULLETIN_HEAD[lang]).format(n=n)
    inv = _MV[lang]
    body = [_pick(rng, inv["core"]) for _ in range(rng.choice((1, 2, 3)))]
    if rng.random() < 0.7:
        body.insert(rng.randrange(len(body) + 1), rng.choice(T.SLOGANS[lang]))
    s = f"{head}: {'. '.join(body)}."
    tags = dict.fromkeys(f"#{movement_tag(rng, lang, variant_prob)}" for _ in range(rng.choice((0, 1, 1, 2, 2, 3))))
    if rng.random() < 0.2:
        s += f" https://{rng.choice(T.MOVEMENT_DOMAINS)}/b/{n}"
    return finish(rng, f"{s} {' '.join(tags)}".strip(), lang)


def strip_tags(s: str) -> str:
    """A copy-paste of ``s`` without its hashtags."""
    for tag, _, _ in reversed(T.hashtags_in(s)):
        s = s.replace("#" + tag, "", 1)
    return " ".join(s.split())


def neutral_quote(rng: random.Random, lang: str, link_prob: float) -> str:
    s = _pick(rng, _NEUTRAL[lang])
    if rng.random() < 0.3:
        s += " " + _pick(rng, _NEUTRAL[lang])
    if rng.random() < link_prob:
        s += " " + T.news_url(rng)
    return finish(rng, s, lang)


def mockery(rng: random.Random, lang: str, variant_prob: float) -> str:
    s = _pick(rng, _MOCK[lang]).format(slogan=rng.choice(T.SLOGANS[lang]),
                                       e=rng.choice(("😂", "🙄", "🤡", "lol", "")))
    if rng.random() < 0.6:
        s += f" #{movement_tag(rng, lang, variant_prob)}"
    return finish(rng, s, lang)


def report_text(rng: random.Random, lang: str, variant_prob: float, link_prob: float) -> str:
    """A journalist's or researcher's post about the movement, recombined."""
    base = T.report_post(rng, lang, True) if rng.random() < 0.5 else T.research_post(rng, lang)
    if rng.random() >= link_prob:
        for url, _, _ in T.urls_in(base):
            base = base.replace(url, "").strip()
    if rng.random() < 0.4:
        base = f"{_pick(rng, _NEUTRAL[lang])} {base}"
    if variant_prob and rng.random() < variant_prob:
        for tag, _, _ in T.hashtags_in(base):
            base = base.replace("#" + tag, "#" + tag_variant(rng, tag), 1)
    return finish(rng, base, lang)
