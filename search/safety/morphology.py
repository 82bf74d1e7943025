"""Word forms for crisis matching: Spanish conjugations and enclitics, English irregulars, sound-alike spellings.

Nothing here is a list of sentences. Spanish verbs are conjugated from their infinitive by the
regular endings (every person, the common tenses and moods, gerund, participle, imperative), with
the few irregular stems a verb needs given as data in safety.yaml (`spanish: verbs:`). A folded
query word is then mapped back to its infinitive ("muriera" -> morir, "quiero" -> querer), and an
infinitive, gerund or imperative carrying pronouns is split ("matarme" -> "me" + "matar",
"cortandome" -> "me" + "cortando"): the pronoun goes before the verb, where it stands in
"me quiero matar", so one pattern covers both word orders.

`sound_key` is a spelling-insensitive key used for typos by ear ("suiside", "kiero", "bida",
"kil", "pastiyas", "rists"): qu/k/hard c, soft c/z/s, b/v and ll/y between vowels fall together,
a silent w or k before r or n at the start is dropped and doubled consonants collapse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

_PRESENT = {
    "ar": ("o", "as", "a", "amos", "ais", "an"),
    "er": ("o", "es", "e", "emos", "eis", "en"),
    "ir": ("o", "es", "e", "imos", "is", "en"),
}
_PRETERITE = {
    "ar": ("e", "aste", "o", "amos", "asteis", "aron"),
    "er": ("i", "iste", "io", "imos", "isteis", "ieron"),
    "ir": ("i", "iste", "io", "imos", "isteis", "ieron"),
}
_IMPERFECT = {
    "ar": ("aba", "abas", "aba", "abamos", "abais", "aban"),
    "er": ("ia", "ias", "ia", "iamos", "iais", "ian"),
    "ir": ("ia", "ias", "ia", "iamos", "iais", "ian"),
}
_SUBJUNCTIVE = {
    "ar": ("e", "es", "e", "emos", "eis", "en"),
    "er": ("a", "as", "a", "amos", "ais", "an"),
    "ir": ("a", "as", "a", "amos", "ais", "an"),
}
_PAST_SUBJUNCTIVE = {
    "ar": ("ara", "aras", "ara", "aramos", "arais", "aran", "ase", "ases", "ase", "asemos", "aseis", "asen"),
    "er": (
        "iera",
        "ieras",
        "iera",
        "ieramos",
        "ierais",
        "ieran",
        "iese",
        "ieses",
        "iese",
        "iesemos",
        "ieseis",
        "iesen",
    ),
}
_PAST_SUBJUNCTIVE["ir"] = _PAST_SUBJUNCTIVE["er"]
_FUTURE = ("e", "as", "a", "emos", "eis", "an")
_CONDITIONAL = ("ia", "ias", "ia", "iamos", "iais", "ian")
_STRONG_PRETERITE = ("e", "iste", "o", "imos", "isteis", "ieron")
_STRONG_PAST_SUBJUNCTIVE = (
    *("iera", "ieras", "iera", "ieramos", "ierais", "ieran"),
    *("iese", "ieses", "iese", "iesemos", "ieseis", "iesen"),
)
_GERUND = {"ar": "ando", "er": "iendo", "ir": "iendo"}
_PARTICIPLE = {"ar": "ado", "er": "ido", "ir": "ido"}
_STRESSED = (0, 1, 2, 5)  # yo, tu, el, ellos: the persons whose stem vowel carries the stress
VERB_SPEC_KEYS = frozenset(["change", "weak", "yo", "preterite", "future", "participle", "forms", "regular"])


def _respell(stem: str, ending: str, ar: bool = True) -> str:
    """Keep the sound of -car/-gar/-zar stems before e ("ahorque", "colgue", "lance")."""
    if ar and ending[:1] in ("e", "i") and stem:
        if stem.endswith("c"):
            return stem[:-1] + "qu" + ending
        if stem.endswith("g"):
            return stem + "u" + ending
        if stem.endswith("z"):
            return stem[:-1] + "c" + ending
    return stem + ending


def _change(stem: str, change: str) -> str:
    """The stressed stem: the last e or o of the stem becomes ie, ue or i."""
    vowel = "o" if change == "ue" else "e"
    at = stem.rfind(vowel)
    if change == "ie" and at < 0:
        at = stem.rfind("i")  # adquirir-type: i -> ie
        return stem if at < 0 else stem[:at] + "ie" + stem[at + 1 :]
    return stem if at < 0 else stem[:at] + change + stem[at + 1 :]


def _gendered(word: str) -> tuple[str, ...]:
    base = word[:-1] if word.endswith(("o", "a")) else word
    return (base + "o", base + "a", base + "os", base + "as")


@dataclass(frozen=True)
class VerbForms:
    """Every form of one verb, the persons each finite form can be, and which carry enclitics."""

    lemma: str
    persons: Mapping[str, frozenset[int]]  # form -> persons 0-5 (yo ... ellos); NONFINITE for the rest
    hosts: frozenset[str]  # infinitive, gerund, imperative: "matar-me", "cortando-me", "mata-te"

    @property
    def forms(self) -> frozenset[str]:
        return frozenset(self.persons)


NONFINITE = -1  # infinitive, gerund, participle, listed irregular forms: any person


def conjugate(infinitive: str, spec: Mapping[str, object] | None = None) -> VerbForms:
    """The folded forms of a Spanish verb from its infinitive and its irregular stems.

    spec keys: `change` (ie, ue or i: the stressed stem vowel), `weak` (the -ir stem of murio,
    muriendo, muramos), `yo` (the first-person present stem: desaparezc-o, teng-o, also the whole
    present subjunctive), `preterite` (a strong preterite stem: quis-e, tuv-o), `future` (querr-e),
    `participle` (muerto) and `forms` (anything else, listed); `regular: false` takes the listed
    forms only (ir, ser, dar: their stems are too short to conjugate).
    """
    spec = dict(spec or {})
    ending = infinitive[-2:]
    if ending == "se":
        infinitive, ending = infinitive[:-2], infinitive[-4:-2]
    if ending not in _PRESENT:
        raise ValueError(f"{infinitive!r} is not a Spanish infinitive (-ar, -er, -ir)")
    persons: dict[str, set[int]] = {}

    def add(form: str, person: int) -> None:
        persons.setdefault(form, set()).add(person)

    def tense(stem: str, endings: tuple[str, ...], respell: bool = True) -> None:
        for n, end in enumerate(endings):
            add(_respell(stem, end, ar) if respell else stem + end, n % 6)

    add(infinitive, NONFINITE)
    extra = spec.get("forms") or ()
    for form in extra.split("|") if isinstance(extra, str) else ():
        add(form.strip(), NONFINITE)
    if spec.get("regular") is False:
        hosts = {f for f in persons if f.endswith(("ar", "er", "ir", "ando", "iendo", "yendo"))}
        return VerbForms(infinitive, {f: frozenset(p) for f, p in persons.items()}, frozenset(hosts))
    stem = infinitive[:-2]
    change = str(spec.get("change") or "")
    strong = _change(stem, change) if change else stem
    weak = str(spec.get("weak") or stem)
    yo = str(spec.get("yo") or "")
    ir, ar = ending == "ir", ending == "ar"
    for n, end in enumerate(_PRESENT[ending]):
        add(_respell(strong if n in _STRESSED else stem, end, ar), n)
    for n, end in enumerate(_SUBJUNCTIVE[ending]):
        base = yo or (strong if n in _STRESSED else weak if ir else stem)
        add(_respell(base, end, ar), n)
    if yo:
        add(yo + "o", 0)
    for n, end in enumerate(_PRETERITE[ending]):
        add(_respell(weak if ir and n in (2, 5) else stem, end, ar), n)
    tense(stem, _IMPERFECT[ending], respell=False)
    tense(weak if ir else stem, _PAST_SUBJUNCTIVE[ending], respell=False)
    if preterite := str(spec.get("preterite") or ""):
        tense(preterite, _STRONG_PRETERITE, respell=False)
        tense(preterite, _STRONG_PAST_SUBJUNCTIVE, respell=False)
    future = str(spec.get("future") or infinitive)
    tense(future, _FUTURE, respell=False)
    tense(future, _CONDITIONAL, respell=False)
    gerund = (weak if ir else stem) + _GERUND[ending]
    add(gerund, NONFINITE)
    for form in _gendered(str(spec.get("participle") or stem + _PARTICIPLE[ending])):
        add(form, NONFINITE)
    imperative = strong + ("a" if ending == "ar" else "e")  # a host only: "me mata" is never an imperative
    hosts = {infinitive, gerund, imperative}
    hosts.update(f for f in persons if f.endswith(("ar", "er", "ir", "ando", "iendo", "yendo")))
    return VerbForms(infinitive, {f: frozenset(p) for f, p in persons.items()}, frozenset(hosts))


_PRONOUN_PERSON = {"me": 0, "te": 1, "nos": 3}
OBJECT_PRONOUNS = frozenset(_PRONOUN_PERSON)  # the words `Morphology.disagrees` can say anything of
_QU = re.compile(r"qu(?=[eiy])")
_Q = re.compile(r"q(?!u)")  # "qiero" = "quiero"
_SOFT_C = re.compile(r"c(?=[eiy])")
_HARD_C = re.compile(r"c(?!h)")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1+")  # consonants only: "noose" is not "nose"
_YEISMO = re.compile(r"(?<=[aeiou])y(?=[aeiou])")  # "pastiyas" = "pastillas", "cabayo" = "caballo"
_SILENT = re.compile(r"^(?:w(?=r)|k(?=n))")  # "rists" = "wrists", "nife" = "knife"
_EX = re.compile(r"^ex(?=[bcdfgjklmnpqrstvwz])")  # "estrañar" = "extrañar", "esplicar" = "explicar"


@lru_cache(maxsize=100_000)
def sound_key(word: str) -> str:
    """A spelling-insensitive key: "suiside" = "suicide", "qiero" = "quiero", "bida" = "vida", "estraño" = "extraño"."""
    key = _Q.sub("k", _QU.sub("k", _EX.sub("es", word)))
    key = _SOFT_C.sub("s", key)
    key = _HARD_C.sub("k", key)
    key = key.replace("z", "s").replace("v", "b").replace("ph", "f").replace("ck", "k")
    key = key.replace("oo", "u")  # English spells the sound both ways: "sooicidal" = "suicidal", "noose" = "nuse"
    key = _SILENT.sub("", _YEISMO.sub("l", key))
    key = key.replace("np", "mp").replace("nb", "mb")  # "conpre" = "compre", "enbolsar" = "embolsar"
    return _DOUBLE.sub(r"\1", key)


_UNIT = re.compile(r"\d+[a-z]{1,3}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s"})


def unleet(word: str) -> str:
    """Digits written for letters in a word that has letters ("k1ll" -> "kill", "su1c1d3" -> "suicide").

    Not in a number with its unit ("3am", "20mg", "10th") nor a word of one letter and digits
    ("f4", "x10"): a time, a dose, a floor, a key name.
    """
    if word.isalpha() or word.isdigit() or "." in word or sum(c.isalpha() for c in word) < 2:
        return word
    if _UNIT.fullmatch(word):
        return word
    return word.translate(_LEET)


@dataclass
class Morphology:
    """English irregular forms and Spanish verb forms, as lookups from a folded word."""

    english: dict[str, str] = field(default_factory=dict)  # form -> lemma (dying -> die, took -> take)
    spanish: dict[str, frozenset[str]] = field(default_factory=dict)  # sound key of a form -> infinitives
    persons: dict[str, frozenset[int]] = field(default_factory=dict)  # sound key of a form -> its persons
    written: dict[str, frozenset[str]] = field(default_factory=dict)  # a form as written -> infinitives
    hosts: dict[str, str] = field(default_factory=dict)  # sound key of a pronoun-carrying form -> its form
    infinitives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first letter -> infinitives
    enclitics: tuple[str, ...] = ()  # longest first: "melo" before "me"
    split_pronouns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "melo" -> ("me", "lo")

    @classmethod
    def build(
        cls,
        english: Mapping[str, Iterable[str]],
        verbs: Mapping[str, Mapping[str, object] | None],
        pronouns: Iterable[str],
    ) -> Morphology:
        morph = cls()
        for lemma, forms in english.items():
            for form in forms:
                morph.english[form] = lemma
        spanish: dict[str, set[str]] = {}
        written: dict[str, set[str]] = {}
        persons: dict[str, set[int]] = {}
        for infinitive, spec in verbs.items():
            verb = conjugate(infinitive, spec)
            for form, who in verb.persons.items():
                spanish.setdefault(sound_key(form), set()).add(verb.lemma)
                written.setdefault(form, set()).add(verb.lemma)
                persons.setdefault(sound_key(form), set()).update(who)
            for form in verb.hosts:
                morph.hosts[sound_key(form)] = form
            morph.infinitives[verb.lemma[0]] = (*morph.infinitives.get(verb.lemma[0], ()), verb.lemma)
        morph.spanish = {k: frozenset(v) for k, v in spanish.items()}
        morph.written = {k: frozenset(v) for k, v in written.items()}
        morph.persons = {k: frozenset(v) for k, v in persons.items()}
        morph.split_pronouns = {p: (p,) for p in pronouns}
        for first in ("me", "te", "se", "nos"):  # two pronouns: "quitarselo" -> se + lo + quitar
            for second in ("lo", "la", "los", "las", "le", "les"):
                morph.split_pronouns[first + second] = (first, second)
        morph.enclitics = tuple(sorted(morph.split_pronouns, key=len, reverse=True))
        return morph

    def spanish_lemmas(self, word: str) -> frozenset[str]:
        """The infinitives a folded word is a form of (spelling by ear: "kiero" -> querer)."""
        return self.spanish.get(sound_key(word), frozenset())

    def disagrees(self, pronoun: str, verb: str) -> bool:
        """Whether me/te/nos before a finite verb of another person is its object, not a reflexive.

        "me mata" (it kills me), "me golpea" (he hits me), "me quiere matar" (he wants to kill me);
        but "me mato", "me estoy", "me quiero matar". An infinitive or gerund says nothing.
        """
        person = _PRONOUN_PERSON.get(pronoun)
        if person is None:  # most words are not me/te/nos: no need to key the next one by sound
            return False
        who = self.persons.get(sound_key(verb), frozenset())
        return bool(who) and NONFINITE not in who and person not in who

    def split_enclitics(self, word: str) -> tuple[str, ...] | None:
        """("me", "matar") for "matarme", ("se", "lo", "hacer")... ; None when the word is not a verb + pronouns."""
        if len(word) < 5 or sound_key(word) in self.spanish:
            return None
        if word.endswith(("ce", "ze")) and not word.endswith(("ece", "ice")):
            word = word[:-2] + "se"  # spelt by ear: "matarce", "quitarze" are "matarse", "quitarse"
        for suffix in self.enclitics:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                host = self.hosts.get(sound_key(word[: -len(suffix)]))
                if host is not None:
                    return (*self.split_pronouns[suffix], word[: -len(suffix)])
        for suffix in ("me", "te", "se", "nos"):  # a misspelt infinitive: "sucidarme", "matarrme", "matrme"
            rest = word[: -len(suffix)]
            # "matarrme", or the infinitive's vowel dropped: "matrme"
            if word.endswith(suffix) and len(rest) >= 4 and rest.endswith("r"):
                for infinitive in self.infinitives.get(rest[0], ()):
                    if abs(len(infinitive) - len(rest)) <= 1 and DamerauLevenshtein.distance(infinitive, rest) <= 1:
                        return (suffix, infinitive)
        return None
