"""Per-world wording (issue 13): a randomised world words its reports, research notes,
counter-speech and re-entry shout-outs its own way, so that no detection cue can be
learned from — or copied out of — one fixed set of templates.

``TextStyle.draw(seed)`` picks, for every phrase in ``VARIANTS``, a small random subset of
its alternatives (the template's own wording is just one of them, and is often left out);
``apply(text, lang, rng)`` rewrites each occurrence with one of the world's choices.
Handles, hashtags and URLs are never touched. A world with ``text_style = 0`` (the default
and hard presets) keeps the templates as written.
"""

from __future__ import annotations

import random
import re

# (language, template phrase) -> alternatives; the first is the template's own wording.
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "New report": ("New report", "New briefing", "Our latest piece", "New write-up", "Out today",
                       "Just published"),
        "Analysis": ("Analysis", "Breakdown", "Deep dive", "Explainer", "Assessment", "Context"),
        "Our analysis": ("Our analysis", "Our breakdown", "Read it here", "Details", "More"),
        "Investigation": ("Investigation", "Inquiry", "Special report", "Exposé", "Longread"),
        "Full story": ("Full story", "Read more", "Details", "More here", "Link"),
        "our report": ("our report", "our reporting", "our piece", "our findings", "our coverage"),
        "Our new paper": ("Our new paper", "Our new article", "New preprint", "Our working paper",
                          "New open-access piece"),
        "Research note": ("Research note", "Data note", "Short note", "Working note", "Observation"),
        "Data and analysis": ("Data and analysis", "Data", "Method and data", "Notes"),
        "our study": ("our study", "our project", "our dataset", "our survey", "our mapping"),
        "Don't share them, report them.": ("Don't share them, report them.", "Block and move on.",
                                           "Mute, block, move on.", "Don't give them clicks.",
                                           "Ignore them."),
        "Nobody needs": ("Nobody needs", "No one asked for", "We don't need", "Who asked for"),
        "sad accounts": ("sad accounts", "burner accounts", "bots", "clowns", "losers"),
        "Suspended again by lunchtime.": ("Suspended again by lunchtime.", "Gone again by tonight.",
                                          "Banned again by lunch.", "See you never."),
        "Report them.": ("Report them.", "Flag them.", "Block them.", "Mute them."),
        "Imagine": ("Imagine", "Picture", "Fancy", "Can't believe people are"),
        "lol": ("lol", "lmao", "haha", "😂", "🤡"),
        "New account": ("New account", "Backup account", "New profile", "Alt account", "New page"),
        "old account": ("old account", "previous account", "former account", "main account", "old page"),
        "the old one": ("the old one", "the previous one", "our old account", "the main one"),
        "was suspended": ("was suspended", "got banned", "was taken down", "was removed", "is gone"),
        "got suspended": ("got suspended", "got banned", "was taken down", "got removed", "is gone"),
        "suspended —": ("suspended —", "banned —", "taken down —", "removed —", "gone —"),
        "Follow back!": ("Follow back!", "Follow here!", "Follow us again!", "Share this!", "Spread it."),
        "Back again.": ("Back again.", "We return.", "Here again.", "Still here.", "Moved here."),
        "this is the new one": ("this is the new one", "this is us now", "we moved here", "this is the backup"),
        "follow this one instead": ("follow this one instead", "follow here now", "this is the backup",
                                    "we continue here"),
    },
    "fr": {
        "Nouveau rapport": ("Nouveau rapport", "Nouvelle note", "Notre dernier papier", "Nouveau dossier",
                            "À lire"),
        "Analyse": ("Analyse", "Décryptage", "Éclairage", "Le point", "Contexte"),
        "Notre analyse": ("Notre analyse", "Notre décryptage", "À lire ici", "Détails"),
        "Enquête": ("Enquête", "Investigation", "Dossier", "Grand format"),
        "Notre étude": ("Notre étude", "Notre recherche", "Notre note", "Notre cartographie"),
        "Note de recherche": ("Note de recherche", "Note de travail", "Observation", "Note rapide"),
        "Personne n'y croit.": ("Personne n'y croit.", "On n'y croit pas.", "Quelle blague.", "Pitoyable."),
        "signalez-les": ("signalez-les", "bloquez-les", "ignorez-les", "masquez-les"),
        "Nouveau compte": ("Nouveau compte", "Compte de secours", "Nouveau profil", "Autre compte"),
        "a été suspendu": ("a été suspendu", "a été banni", "a été supprimé", "a sauté"),
        "suspendu —": ("suspendu —", "banni —", "supprimé —", "bloqué —"),
        "Suivez-nous !": ("Suivez-nous !", "Abonnez-vous !", "Partagez !", "Suivez ici !"),
        "De retour.": ("De retour.", "Nous revoilà.", "Toujours là.", "On continue ici."),
    },
    "ar": {
        "تقرير جديد": ("تقرير جديد", "ملف جديد", "ورقة جديدة", "قراءة جديدة", "نشرنا اليوم"),
        "تحليل": ("تحليل", "قراءة", "متابعة", "إضاءة"),
        "تحقيق صحفي": ("تحقيق صحفي", "ملف خاص", "تقصٍّ", "متابعة خاصة"),
        "ورقة بحثية جديدة": ("ورقة بحثية جديدة", "دراسة جديدة", "مقال جديد", "ملاحظات جديدة"),
        "لا أحد يصدقكم": ("لا أحد يصدقكم", "مهزلة", "كفى", "سخافة"),
        "بلّغوا عنهم": ("بلّغوا عنهم", "احظروهم", "تجاهلوهم", "لا تتابعوهم"),
        "حساب جديد": ("حساب جديد", "حساب بديل", "صفحة جديدة", "حساب احتياطي"),
        "تم تعليقه": ("تم تعليقه", "تم حظره", "تم حذفه", "أغلق"),
        "تم تعليق": ("تم تعليق", "تم حظر", "تم حذف", "أغلقوا"),
        "موقوف": ("موقوف", "محظور", "محذوف", "مغلق"),
        "عدنا": ("عدنا", "ها نحن", "مستمرون", "من جديد"),
    },
}
_PROTECTED = re.compile(r"[@#]\w+|https?://\S+")


class TextStyle:
    """One world's wording: per phrase, the alternatives this world uses."""

    def __init__(self, choices: dict[str, dict[str, tuple[str, ...]]]):
        self.choices = choices
        self._patterns = {
            lang: re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
            for lang, table in choices.items() if table}

    @classmethod
    def draw(cls, seed: int) -> "TextStyle":
        rng = random.Random(f"hydrawatch-style:{seed}")
        choices: dict[str, dict[str, tuple[str, ...]]] = {}
        for lang, table in VARIANTS.items():
            choices[lang] = {}
            for phrase, alts in table.items():
                k = rng.randint(1, min(3, len(alts)))
                choices[lang][phrase] = tuple(rng.sample(alts, k))
        return cls(choices)

    def apply(self, text: str, lang: str, rng: random.Random) -> str:
        pattern = self._patterns.get(lang)
        if pattern is None or not text:
            return text
        table = self.choices[lang]
        protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]

        def swap(m: re.Match) -> str:
            if any(a < m.end() and m.start() < b for a, b in protected):
                return m.group(0)
            return rng.choice(table[m.group(0)])

        return pattern.sub(swap, text)
