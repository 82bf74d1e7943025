"""The one analyzer shared by index and query: fold, tokenize, compounds, stop words, stem."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Composable, Tokenizer
from whoosh.analysis import Token as WhooshToken

# Bump whenever tokens change: an index built with another version must be rebuilt.
ANALYZER_VERSION = "6"

_PUNCT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": " ",
        "\u2212": "-",
    }
)
TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*(?:-[a-z0-9]+(?:[.'][a-z0-9]+)*)*")
CODE = re.compile(r"^(?=.*\d)[a-z0-9]{2,}(?:\.[a-z0-9]+)*$")

# Small on purpose: negations, time and place words carry meaning in health queries.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "im",
        "ive",
        "me",
        "my",
        "mine",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "so",
        "very",
        "just",
        "really",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "about",
        "as",
        "at",
        "by",
        "from",
        "into",
        "than",
        "then",
        "there",
        "here",
        "too",
        "also",
        "get",
        "got",
        "if",
        "but",
        "because",
        "while",
        "any",
        "all",
        "for",
        "with",
        "up",
        "out",
        "like",
        "over",
        "some",
        "such",
        "s",
        "t",
    ]
)
KEEP_WORDS = frozenset(["not", "no", "nor", "never", "without", "after", "since", "before", "during", "in", "on"])
# The letter keys of a QWERTY keyboard, row by row: a slipped finger strikes a key next to the
# right one (the typo model ranks such slips first; the crisis rules read five-letter ones).
QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEY_POSITION = {c: (r, i) for r, row in enumerate(QWERTY) for i, c in enumerate(row)}


def neighbouring_keys(a: str, b: str) -> bool:
    """Whether two different letters sit next to each other on the keyboard (diagonals included)."""
    pa, pb = KEY_POSITION.get(a), KEY_POSITION.get(b)
    return pa is not None and pb is not None and a != b and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1


# Who a query is about ("my son ...", "mi esposa ..."): relatives and object pronouns. They
# say nothing of what is wrong, so when no page uses them they are not words the site fails to
# answer either: a relative's story is as much in scope as the patient's own.
PEOPLE = frozenset(
    [
        "son",
        "sons",
        "daughter",
        "daughters",
        "wife",
        "wives",
        "husband",
        "husbands",
        "boyfriend",
        "girlfriend",
        "partner",
        "spouse",
        "fiance",
        "fiancee",
        "kid",
        "kids",
        "child",
        "children",
        "baby",
        "babies",
        "toddler",
        "teen",
        "teens",
        "teenager",
        "teenagers",
        "mom",
        "mum",
        "mother",
        "dad",
        "father",
        "parents",
        "grandma",
        "grandmother",
        "grandpa",
        "grandfather",
        "granddaughter",
        "grandson",
        "grandkids",
        "brother",
        "brothers",
        "sister",
        "sisters",
        "sibling",
        "siblings",
        "uncle",
        "aunt",
        "cousin",
        "nephew",
        "niece",
        "friend",
        "friends",
        "roommate",
        "coworker",
        "coworkers",
        "boss",
        "him",
        "her",
        "them",
        "hijo",
        "hija",
        "hijos",
        "hijas",
        "esposo",
        "esposa",
        "marido",
        "novio",
        "novia",
        "pareja",
        "mama",
        "papa",
        "madre",
        "padre",
        "abuela",
        "abuelo",
        "hermano",
        "hermana",
        "tio",
        "tia",
        "primo",
        "prima",
        "sobrino",
        "sobrina",
        "amigo",
        "amiga",
        "bebe",
        "nieto",
        "nieta",
        "suegra",
        "suegro",
    ]
)


# British and American spellings of one word: "behaviour" / "behavior", "tumour" / "tumor",
# "anaesthetic" / "anesthetic", "centre" / "center", "counselling" / "counseling". The pages use
# both; a real word typed the other way is the same word, not a typo and not unanswered.
TO_AMERICAN = (
    # haem, anaes, paed, oedema, oesophagus; not a plural's "-oes" (shoes, heroes) or a final "oe" (canoe)
    (re.compile(r"(ae|oe)(?=[bcdfghjklmnpqrtvwxz]|s[a-z])"), "e"),
    (re.compile(r"oea$"), "ea"),  # diarrhoea, apnoea
    (re.compile(r"our(s|ed|ing|al|ite|able)?$"), r"or\1"),
    (re.compile(r"([bt])re(s|d)?$"), r"\1er\2"),  # centre, fibre, litre
    (re.compile(r"is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"ll(ing|ed|er|ers|or|ors)$"), r"l\1"),
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"mme$"), "m"),
)
TO_BRITISH = (
    (re.compile(r"(?<=[a-z]{2})or(s|ed|ing|al|ite|able)?$"), r"our\1"),
    (re.compile(r"(?<=[a-z]{2})([bt])er(s|ed)?$"), r"\1re\2"),  # center, fiber, liter
    (re.compile(r"iz(e|es|ed|ing|ation|ations|er|ers)$"), r"is\1"),
    (re.compile(r"yz(e|es|ed|ing)$"), r"ys\1"),
    (re.compile(r"(?<=[aeiou])l(ing|ed|er|ers|or|ors)$"), r"ll\1"),
    (re.compile(r"ense$"), "ence"),
    (re.compile(r"(?<=[a-z]{4})m$"), "mme"),
)


def spelling_variants(word: str) -> list[str]:
    """The other spellings, American or British, a word may have: each rule on its own, then all together.

    "ae" and "oe" spelt "e" ("anesthetic", "edema") may come from either: every "e" after a letter
    or at the start is tried with an "a" and an "o" before it.
    """
    out: list[str] = []

    def add(variant: str) -> None:
        if variant != word and variant not in out:
            out.append(variant)

    for rules in (TO_AMERICAN, TO_BRITISH):
        every = word
        for pattern, repl in rules:
            add(pattern.sub(repl, word))
            every = pattern.sub(repl, every)
        add(every)
    for i, char in enumerate(word[:-1]):
        if char == "e" and (i == 0 or word[i - 1] not in VOWELS) and word[i + 1] not in VOWELS:
            add(word[:i] + "a" + word[i:])
            add(word[:i] + "o" + word[i:])
    if word.endswith("ea"):
        add(word[:-2] + "oea")  # diarrhea, apnea
    return out


# Negations as typed without the apostrophe: words in their own right, never "corrected" into
# another word ("wish i wasnt alive" is not "wish i want alive").
NEGATIONS = frozenset(
    [
        "aint",
        "arent",
        "cant",
        "couldnt",
        "didnt",
        "doesnt",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "mustnt",
        "neednt",
        "shouldnt",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
    ]
)
IRREGULAR = {
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "women": "woman",
    "men": "man",
    "lice": "louse",
    "mice": "mouse",
    "geese": "goose",
    "people": "person",
}
VOWELS = frozenset("aeiou")


def fold(text: str) -> str:
    """Lower-case, strip accents and unify quotes and dashes."""
    text = text.translate(_PUNCT)
    if text.isascii():  # most text: nothing to decompose (a lexicon of 100,000 page names folds in 0.1 s, not 1)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@dataclass(frozen=True, slots=True)
class Token:
    """A folded word and where it stands in the original text (text[start:end])."""

    word: str
    start: int
    end: int


def _fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, per folded character, the original character it came from.

    Quotes and dashes map one to one, so plain text keeps its offsets (None: identity). Accented
    or decomposing characters are folded one by one so each keeps its place.
    """
    text = text.translate(_PUNCT)
    if text.isascii():
        return text.lower(), None
    pieces: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        where.extend([i] * len(folded))
    return "".join(pieces), where


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """One character folded: page prose repeats the same few accented letters and dashes."""
    return fold(char)


def _matches(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Every TOKEN match: (folded token, folded start, original start, original end)."""
    folded, where = _fold_with_offsets(text)
    for match in TOKEN.finditer(folded):
        a, b = match.span()
        if where is None:
            yield match.group(), a, a, b
        else:
            yield match.group(), a, where[a], where[b - 1] + 1


def _parts(folded: str) -> Iterator[tuple[str, int, int]]:
    """Words of folded text with their folded offsets: possessives and apostrophes dropped, hyphens split."""
    for match in TOKEN.finditer(folded):
        token, base = match.group(), match.start()
        if "-" not in token and "'" not in token and "." not in token:  # most words: nothing to drop or split
            yield token, base, base + len(token)
            continue
        if token.endswith("'s"):
            token = token[:-2]
        offset = base
        for part in token.split("-"):
            start, end = offset, offset + len(part)
            offset = end + 1
            word = part.replace("'", "").strip(".")
            if word:
                yield word, start, end


def tokens(text: str) -> list[Token]:
    """The one tokenizer: folded words with their offsets in `text`.

    Possessives and apostrophes are dropped ("patient's" -> "patient", "don't" -> "dont") and
    hyphenated words split ("post-herpetic" -> "post", "herpetic"); index, query, safety and
    snippets all read words through here.
    """
    return [Token(word, start, end) for word, start, end in spans(text)]


def spans(text: str) -> list[tuple[str, int, int]]:
    """The words of `tokens` as plain (word, start, end) tuples, for hot paths that need no Token."""
    folded, where = _fold_with_offsets(text)
    if "'" in folded or "-" in folded or "." in folded:
        found = list(_parts(folded))
    else:  # no word has anything to drop or split: the matches are the words
        found = [(match.group(), match.start(), match.end()) for match in TOKEN.finditer(folded)]
    if where is None:
        return found
    return [(word, where[start], where[end - 1] + 1) for word, start, end in found]


def surface_words(text: str) -> list[str]:
    """Folded words in order (the words of `tokens`, without building their offsets)."""
    out: list[str] = []
    for token in TOKEN.findall(_fold_with_offsets(text)[0]):
        if "-" in token or "'" in token or "." in token:
            out.extend(word for word, _, _ in _parts(token))
        else:  # most words: nothing to drop or split
            out.append(token)
    return out


def compounds(text: str) -> list[Token]:
    """Hyphenated words joined ("post-herpetic" -> "postherpetic"), for the index side."""
    joined = []
    for token, _, start, end in _matches(text):
        if "-" in token and not CODE.match(token.replace("-", "")):
            joined.append(Token(token.replace("-", "").replace("'", ""), start, end))
    return joined


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences."""
    form = "".join(
        "v" if c in VOWELS or (c == "y" and i > 0 and stem[i - 1] not in VOWELS) else "c" for i, c in enumerate(stem)
    )
    return len(re.findall(r"v+c+", form))


def _has_vowel(stem: str) -> bool:
    return any(c in VOWELS for c in stem) or "y" in stem[1:]


def _cvc(stem: str) -> bool:
    if len(stem) < 3:
        return False
    a, b, c = stem[-3], stem[-2], stem[-1]
    return a not in VOWELS and b in VOWELS and c not in VOWELS and c not in "wxy"


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Light stemming: plurals, -ed and -ing, a final e; medical roots are left alone."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha() or word in KEEP_WORDS:
        return word
    w = word
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ys", "as")):
        w = w[:-1]
    for suffix in ("ied", "eed", "ed", "ing"):
        if not w.endswith(suffix) or len(w) - len(suffix) < 3:
            continue
        base = w[: -len(suffix)]
        if suffix == "ied":
            w = base + "y"
        elif suffix == "eed":
            w = w[:-1] if _measure(base) > 0 else w
        elif _has_vowel(base):
            w = base
            if w.endswith(("at", "bl", "iz")):
                w += "e"
            elif len(w) > 2 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            elif _measure(w) == 1 and _cvc(w):
                w += "e"
        break
    if w.endswith("e") and len(w) > 4 and (_measure(w[:-1]) > 1 or not _cvc(w[:-1])):
        w = w[:-1]
    return w


def is_stop(word: str) -> bool:
    """Whether a surface word is dropped from queries and the index."""
    return word in STOP_WORDS and word not in KEEP_WORDS


def analyze_tokens(text: str) -> list[Token]:
    """The index terms of a text with their offsets: words minus stop words, stemmed, plus compounds."""
    terms = [Token(stem(t.word), t.start, t.end) for t in tokens(text) if not is_stop(t.word)]
    terms.extend(Token(stem(t.word), t.start, t.end) for t in compounds(text))
    return terms


def analyze(text: str) -> list[str]:
    """The index terms of a text."""
    return [t.word for t in analyze_tokens(text)]


def lowercase_words(text: str) -> set[str]:
    """Words written all in lower case in the original text (a capitalised "SAD" is not "sad")."""
    return {t.word for t in tokens(text) if len(t.word) >= 2 and text[t.start : t.end].islower()}


class ConditionTokenizer(Tokenizer):  # type: ignore[misc]
    """A whoosh tokenizer that yields exactly `analyze_tokens(text)`, with character offsets."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConditionTokenizer)

    def __hash__(self) -> int:
        return hash(ANALYZER_VERSION)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, term in enumerate(analyze_tokens(value)):
            token.text = term.word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def analyzer() -> Composable:
    """The whoosh analyzer for every text field."""
    return ConditionTokenizer()
