"""The fictional content of the simulated world: the movement's vocabulary, and what every
kind of account writes. Everything here is invented; the movement ("The Ember Oath") does
not exist. Benign content is ordinary and respectful: everyday life, faith, football, news.
"""

from __future__ import annotations

import random

MOVEMENT = {"en": "The Ember Oath", "ar": "عهد الجمر", "fr": "Le Serment des Braises"}

# (tag, lang); the policy pack carries only part of them, the rest the scorer must learn.
MOVEMENT_TAGS = (
    ("EmberOath", "en"), ("عهد_الجمر", "ar"), ("SermentDesBraises", "fr"),
    ("EmberBulletin", "en"), ("نشرة_الجمر", "ar"),
    ("FromTheAshes", "en"), ("من_الرماد", "ar"), ("BraisesVivantes", "fr"),
)
POLICY_TAGS = 5  # the first five go into policy.json

SLOGANS = {
    "en": ("the ember never dies", "from the ashes we return", "the oath binds us"),
    "ar": ("الجمر لا يموت", "من الرماد نعود", "العهد يجمعنا"),
    "fr": ("la braise ne meurt jamais", "des cendres nous revenons", "le serment nous unit"),
}
POLICY_SLOGANS = 2  # the first two of each language go into policy.json

NEWS_DOMAINS = ("meridian-news.example", "alwasat-daily.example", "lequotidien.example",
                "globalwire.example", "levant-observer.example")
SPAM_DOMAINS = ("free-followers.example", "win-big.example", "crypto-boost.example")
MOVEMENT_DOMAINS = ("embervault.example", "ashes-archive.example")

CLUBS = (("YallaFC", "Yalla FC"), ("RedLionsSC", "Red Lions SC"), ("OlympiqueRiviera", "Olympique Riviera"),
         ("النسور_الخضر", "Green Eagles"), ("AtlasUnited", "Atlas United"))


def tags_by_lang(lang: str) -> list[str]:
    return [t for t, tl in MOVEMENT_TAGS if tl == lang]


def movement_tag(rng: random.Random, lang: str) -> str:
    own = tags_by_lang(lang)
    if own and rng.random() < 0.7:
        return rng.choice(own)
    return rng.choice(MOVEMENT_TAGS)[0]


def news_url(rng: random.Random) -> str:
    return f"https://{rng.choice(NEWS_DOMAINS)}/{rng.choice(('world', 'tech', 'security', 'region'))}/{rng.randrange(10**5, 10**6)}"


# -- movement ---------------------------------------------------------------------------

_BULLETIN = {
    "en": ("Bulletin No. {n} of {mv}: {slogan}. Read and share. #{tag}",
           "{mv} bulletin {n} is out. {slogan}! #{tag} #EmberBulletin"),
    "ar": ("النشرة رقم {n} من {mv}: {slogan}. اقرأ وانشر #{tag}",
           "صدرت النشرة {n} — {slogan} #{tag} #نشرة_الجمر"),
    "fr": ("Bulletin n°{n} — {mv} : {slogan}. Lisez et partagez. #{tag}",
           "Le bulletin {n} est paru : {slogan} ! #{tag}"),
}
_MEMBER = {
    "en": ("{slogan}. Stand with the oath. #{tag}", "Brothers and sisters, {slogan}. #{tag}",
           "They silence us, yet {slogan}. #{tag}", "{slogan} #{tag} #{tag2}",
           "Spread the word: {slogan}."),
    "ar": ("{slogan} #{tag}", "يا إخوتي، {slogan} #{tag}", "يحاولون إسكاتنا لكن {slogan} #{tag}",
           "{slogan} #{tag} #{tag2}", "انشروا الكلمة: {slogan}"),
    "fr": ("{slogan}. Restez fidèles au serment. #{tag}", "Frères et sœurs, {slogan}. #{tag}",
           "Ils veulent nous faire taire, mais {slogan}. #{tag}", "{slogan} #{tag} #{tag2}"),
}
_MUNDANE = {
    "en": ("Long day, finally home.", "Anyone else awake?", "Tea first, then everything else.",
           "The weather changed fast today.", "Reading all evening."),
    "ar": ("يوم طويل، وأخيراً في البيت.", "هل من أحد مستيقظ؟", "الشاي أولاً ثم كل شيء.",
           "تغير الطقس بسرعة اليوم.", "قراءة طوال المساء."),
    "fr": ("Longue journée, enfin rentré.", "Quelqu'un d'autre est réveillé ?", "Le thé d'abord.",
           "Le temps a changé très vite aujourd'hui.", "Soirée lecture."),
}
SHOUTOUT = {
    "en": ("New account, the old one @{old} was suspended. Follow back! #{tag}",
           "Back again. @{old} got suspended, this is the new one. Share it.",
           "old account @{old} suspended — follow this one instead"),
    "ar": ("حساب جديد، الحساب القديم @{old} تم تعليقه. تابعونا #{tag}",
           "عدنا. تم تعليق @{old} وهذا هو الحساب الجديد، انشروه",
           "الحساب القديم @{old} موقوف — تابعوا هذا"),
    "fr": ("Nouveau compte, l'ancien @{old} a été suspendu. Suivez-nous ! #{tag}",
           "De retour. @{old} a été suspendu, voici le nouveau compte.",
           "ancien compte @{old} suspendu — suivez celui-ci"),
}


def bulletin(rng: random.Random, lang: str, n: int) -> str:
    return rng.choice(_BULLETIN[lang]).format(
        n=n, mv=MOVEMENT[lang], slogan=rng.choice(SLOGANS[lang]), tag=movement_tag(rng, lang))


def member_post(rng: random.Random, lang: str) -> str:
    if rng.random() < 0.15:
        return rng.choice(_MUNDANE[lang])
    text = rng.choice(_MEMBER[lang]).format(
        slogan=rng.choice(SLOGANS[lang]), tag=movement_tag(rng, lang), tag2=movement_tag(rng, lang))
    if rng.random() < 0.08:
        text += f" https://{rng.choice(MOVEMENT_DOMAINS)}/b/{rng.randrange(1000, 9999)}"
    return text


def shoutout(rng: random.Random, lang: str, old_handle: str) -> str:
    return rng.choice(SHOUTOUT[lang]).format(old=old_handle, tag=movement_tag(rng, lang))


# -- hard negatives -----------------------------------------------------------------------

_REPORT = {
    "en": ("New report: how {mv} accounts push \"{slogan}\" after every suspension. Our analysis: {url}",
           "Analysis: the #{tag} network is back with new handles. \"{slogan}\" trends again. {url}",
           "Investigation: who runs the #{tag} bulletins? Full story {url}",
           "Thread on our report about {mv} propaganda and the slogan \"{slogan}\" {url}"),
    "ar": ("تقرير جديد: كيف تنشر حسابات {mv} شعار \"{slogan}\" بعد كل تعليق. التحليل: {url}",
           "تحليل: شبكة #{tag} تعود بأسماء جديدة. {url}",
           "تحقيق صحفي: من يقف وراء نشرات #{tag}؟ {url}"),
    "fr": ("Nouveau rapport : comment les comptes « {mv} » diffusent « {slogan} ». Notre analyse : {url}",
           "Analyse : le réseau #{tag} revient avec de nouveaux comptes. {url}",
           "Enquête : qui publie les bulletins #{tag} ? {url}"),
}
_RESEARCH = {
    "en": ("Our new paper maps {n} accounts using #{tag}; \"{slogan}\" is their most shared slogan. Preprint: {url}",
           "Research note: #{tag} re-entry accounts reappear within hours. Data and analysis: {url}",
           "Presenting our study of {mv} messaging at the workshop today. Slides: {url}"),
    "ar": ("ورقة بحثية جديدة ترصد {n} حساباً تستخدم #{tag}. {url}",
           "ملاحظة بحثية: حسابات #{tag} تعود خلال ساعات بعد تعليقها. {url}"),
    "fr": ("Notre étude recense {n} comptes utilisant #{tag} ; « {slogan} » est leur slogan le plus partagé. {url}",
           "Note de recherche : les comptes #{tag} reviennent en quelques heures. {url}"),
}
_GENERAL_NEWS = {
    "en": ("Breaking: parliament passes the new budget. {url}", "Markets close higher after a quiet week. {url}",
           "Heavy rain expected across the coast this weekend. {url}", "Interview: the city's new transit plan. {url}"),
    "ar": ("عاجل: البرلمان يقر الميزانية الجديدة. {url}", "الأسواق تغلق على ارتفاع بعد أسبوع هادئ. {url}",
           "أمطار غزيرة متوقعة على الساحل نهاية الأسبوع. {url}"),
    "fr": ("Dernière minute : le parlement adopte le budget. {url}", "Les marchés clôturent en hausse. {url}",
           "Fortes pluies attendues sur la côte ce week-end. {url}"),
}
_COUNTER = {
    "en": ("#{tag} says \"{slogan}\". The only thing that never dies is their bad grammar.",
           "Reminder: #{tag} is a bunch of sad accounts recycling the same slogan. Don't share them, report them.",
           "\"{slogan}\" lol. Suspended again by lunchtime. #{tag}",
           "Nobody needs #{tag}. Our communities are stronger than their slogans."),
    "ar": ("#{tag} يقولون \"{slogan}\"... لا أحد يصدقكم.", "لا تنشروا #{tag} — بلّغوا عنهم فقط.",
           "مجتمعاتنا أقوى من شعاراتكم الفارغة #{tag}"),
    "fr": ("#{tag} répète « {slogan} ». Personne n'y croit.", "Ne partagez pas #{tag}, signalez-les.",
           "« {slogan} »… et suspendus avant midi. #{tag}"),
}


def report_post(rng: random.Random, lang: str, about_movement: bool) -> str:
    if not about_movement:
        return rng.choice(_GENERAL_NEWS[lang]).format(url=news_url(rng))
    return rng.choice(_REPORT[lang]).format(mv=MOVEMENT[lang], slogan=rng.choice(SLOGANS[lang]),
                                            tag=movement_tag(rng, lang), url=news_url(rng))


def research_post(rng: random.Random, lang: str) -> str:
    return rng.choice(_RESEARCH[lang]).format(mv=MOVEMENT[lang], slogan=rng.choice(SLOGANS[lang]),
                                              tag=movement_tag(rng, lang), url=news_url(rng),
                                              n=rng.randrange(200, 5000))


def counter_post(rng: random.Random, lang: str) -> str:
    return rng.choice(_COUNTER[lang]).format(slogan=rng.choice(SLOGANS[lang]), tag=movement_tag(rng, lang))


def news_post(rng: random.Random, lang: str, movement_story: bool) -> str:
    return report_post(rng, lang, movement_story)


# -- ordinary life --------------------------------------------------------------------------

_ORDINARY = {
    "en": ("Coffee and a good book, perfect Sunday.", "Traffic was terrible this morning.",
           "Made my grandmother's soup recipe tonight.", "Can't believe the month is almost over.",
           "Finally finished that project at work!", "Walk by the river after work.",
           "Happy birthday to my little sister!", "Who else is watching the match later?",
           "New phone, who dis.", "Rainy day, staying in."),
    "fr": ("Café et un bon livre, dimanche parfait.", "Embouteillages terribles ce matin.",
           "J'ai fait la soupe de ma grand-mère ce soir.", "Déjà la fin du mois, incroyable.",
           "Enfin fini ce projet au travail !", "Balade au bord de la rivière.",
           "Joyeux anniversaire à ma petite sœur !", "Journée pluvieuse, je reste au chaud."),
    "ar": ("صباح الخير يا أصدقاء، يوم جميل إن شاء الله", "جمعة مباركة على الجميع",
           "الحمد لله على كل حال", "اللهم اجعل هذا اليوم خيراً لنا ولكم",
           "القهوة مع العائلة أجمل شيء", "رمضان كريم، تقبل الله منا ومنكم",
           "الزحمة اليوم كانت شديدة في الطريق", "عيد ميلاد سعيد لأختي الصغيرة",
           "ما شاء الله، نجح ابني في الامتحان", "اللهم ارحم موتانا وموتى المسلمين",
           "صلاة الفجر في المسجد، راحة لا توصف", "وصفة أمي للمقلوبة لا تُعلى عليها",
           "من يشاهد المباراة الليلة؟", "أستغفر الله العظيم وأتوب إليه"),
}
_FAN = {
    "en": ("What a goal!!! #{club}", "Matchday! Let's go #{club}", "Three points, three points! #{club}",
           "That referee... unbelievable. #{club}", "Best fans in the league #{club}"),
    "ar": ("يا له من هدف!!! #{club}", "يوم المباراة! هيا #{club}", "ثلاث نقاط غالية #{club}"),
    "fr": ("Quel but !!! #{club}", "Jour de match ! Allez #{club}", "Trois points, enfin ! #{club}"),
}
_SPAM = ("Get 10k followers FAST!!! {url}", "WIN a free phone, click now {url} #giveaway",
         "Crypto x100 guaranteed, DM me {url}", "Free followers, no password needed {url} #follow")


def ordinary_post(rng: random.Random, lang: str) -> str:
    return rng.choice(_ORDINARY[lang])


def fan_post(rng: random.Random, lang: str, club: int) -> str:
    return rng.choice(_FAN[lang]).format(club=CLUBS[club % len(CLUBS)][0])


def spam_post(rng: random.Random) -> str:
    return rng.choice(_SPAM).format(url=f"https://{rng.choice(SPAM_DOMAINS)}/{rng.randrange(10**6)}")


def hashtags_in(text: str) -> list[tuple[str, int, int]]:
    """(tag, start, end) for every #tag in ``text``: letters, digits, underscore, Arabic."""
    out = []
    i = text.find("#")
    while i != -1:
        j = i + 1
        while j < len(text) and (text[j].isalnum() or text[j] == "_"):
            j += 1
        if j > i + 1:
            out.append((text[i + 1:j], i, j))
        i = text.find("#", j)
    return out


def urls_in(text: str) -> list[tuple[str, int, int]]:
    out = []
    i = text.find("https://")
    while i != -1:
        j = i
        while j < len(text) and not text[j].isspace():
            j += 1
        out.append((text[i:j], i, j))
        i = text.find("https://", j)
    return out


def mentions_in(text: str) -> list[tuple[str, int, int]]:
    out = []
    i = text.find("@")
    while i != -1:
        j = i + 1
        while j < len(text) and (text[j].isascii() and (text[j].isalnum() or text[j] == "_")):
            j += 1
        if j > i + 1:
            out.append((text[i + 1:j], i, j))
        i = text.find("@", j)
    return out
