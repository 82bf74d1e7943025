"""The crisis rules: reviewable data (search/resources/safety.yaml) compiled into word patterns.

The YAML holds categories of crisis language and of figures of speech, each with a `covers:` line
and English (`en`), Spanish (`es`) and language-neutral (`any`) patterns; the syntax is documented
at the top of the YAML. Here each pattern becomes a tuple of slots (alternative words, optional or
not, and how many other words may stand before it); every word of every pattern gets a vocabulary
id, and a query word is mapped once to the ids it can stand for (by stem or English irregular
form, by Spanish verb form, by sound, with a typo, as a number, or through chat shorthand), so
that detection only compares ints.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.analysis import KEY_POSITION, STOP_WORDS, fold, neighbouring_keys, stem, surface_words
from search.errors import ConfigError, Problem
from search.language import spelling_words, zipf
from search.safety.morphology import VERB_SPEC_KEYS, Morphology, sound_key
from search.yamltext import load_yaml

LANGUAGES = ("en", "es", "any")
KINDS = {"crisis": "crisis", "figures": "figure"}
SLOT = re.compile(r"\{([^{}]*)\}")
SLOT_REF = re.compile(r"([=~]?)\{([A-Za-z]+)\}")
_CACHE_LIMIT = 50_000
ANYWHERE = 10_000  # the gap `...` allows: any number of words
# Everyday query words that make poor anchors for a pattern (speed only: see `_index`).
_COMMON_WORDS = """
going gonna after when once before since until year years time times work take know make last want
need feel feeling day days night nights week weeks today now think thinking keep still even never
always every again pain life people help anymore back good better much many more said says tell told
long way thing things something nothing anything everything everyone someone come went give left
right first around down dont cant wont didnt doesnt isnt well able being done sure most other para
este esta estar estoy hacer tener tengo como pero porque cuando todo todos todas nada mucho muy mas
hay vaya vayan haya sea ser fue donde algo desde hasta sobre entre siempre nunca tiempo dias vida
dolor
"""
_COMMON = frozenset(_COMMON_WORDS.split())
_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|mg|s|x)?")
# Short words that may glue other words together in a joined-up query ("wanttodie", "quieromorir").
_GLUE_ES = frozenset(
    ["a", "de", "el", "la", "lo", "le", "me", "se", "te", "nos", "mi", "que", "y", "ya", "no", "yo", "en", "con"]
)


# The patterns filed under one anchor word: those with one required slot, and the others grouped by
# their second rarest required slot, which many patterns expanded from one rule share.
Anchored = tuple[tuple[int, ...], tuple[tuple[frozenset[int], tuple[int, ...]], ...]]


@dataclass(frozen=True)
class PatternIndex:
    """Patterns filed for finding the few a query can match (see `_index`)."""

    anchor: Mapping[int, Anchored]  # id -> the patterns whose rarest required slot holds it
    anchors: frozenset[int]  # the ids anchor files patterns under: a query's other words are skipped in C
    checks: tuple[tuple[frozenset[int], ...], ...]  # per pattern: its third and later required slots, rarest first


@dataclass(frozen=True)
class Slot:
    """One position of a pattern: the vocabulary ids that fill it."""

    ids: frozenset[int]
    optional: bool
    gap: int  # how many other words may stand between the previous slot and this one


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern and where it came from."""

    kind: str  # "crisis" or "figure"
    category: str
    language: str  # "en", "es" or "any"
    phrase: str  # as written in the YAML
    slots: tuple[Slot, ...]
    firm: bool = False  # written `!...`: no figure of speech cancels it
    # A figure with a `...` gap (a word anywhere later) cancels only the words it matched, never those
    # between: "bang my head ... migraine" must not cancel a "want to die" written in the middle.
    loose: bool = False
    required: tuple[frozenset[int], ...] = ()  # the ids of the slots that must match

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(s.ids for s in self.slots if not s.optional))


@dataclass(frozen=True)
class _Word:
    text: str  # folded
    exact: bool  # match the written form only (figures, `=word`), not its stem, lemma or sound
    language: str = "any"  # of its pattern: an English word is not read as a Spanish verb form


@dataclass(frozen=True)
class SafetyRules:
    """Crisis patterns, the figures of speech that cancel them, and the word lookups they need."""

    crisis: tuple[Pattern, ...]
    figures: tuple[Pattern, ...]
    words: tuple[_Word, ...]
    morphology: Morphology
    by_key: Mapping[str, frozenset[int]]  # stem/lemma/sound key -> ids of loose words
    by_form: Mapping[str, frozenset[int]]  # written form -> ids of every word written so
    by_letter: Mapping[str, tuple[tuple[str, int], ...]]  # first letter -> (word, id), for starred-out words
    swaps: Mapping[str, tuple[tuple[str, int], ...]]  # sorted letters -> four- and five-letter words
    by_length: Mapping[str, tuple[tuple[str, ...], tuple[int, ...]]]  # first letter + length -> words of 6+
    crisis_index: PatternIndex
    figure_index: PatternIndex
    reflexive: frozenset[int]  # ids of the loose pronouns me/te/nos: dropped when they are objects
    joinable: frozenset[str]  # pattern words of five letters or more, as written and by sound
    pieces: frozenset[str]  # words a joined-up query word may be cut into
    content: frozenset[str]  # the crisis words among them
    sound_pieces: frozenset[str]  # the same by sound, with the Spanish verb forms: "nokiero" = no + kiero
    sound_content: frozenset[str]
    # 6+ letter loose words by sound key, for one typo after spelling by ear
    by_sound: Mapping[str, tuple[tuple[str, ...], tuple[int, ...]]] = field(default_factory=dict)
    shorthand: Mapping[str, str] = field(default_factory=dict)  # chat shorthand -> its word ("q" -> "que")
    idioms: frozenset[str] = frozenset()  # words of figures of speech: alone, they do not lead with the crisis page
    _cache: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)
    _split_cache: dict[str, tuple[str, ...] | None] = field(default_factory=dict, compare=False, repr=False)
    _join_cache: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def ids(self, word: str) -> frozenset[int]:
        """The vocabulary ids a query word can stand for."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        found: set[int] = set(self.by_form.get(word, ()))
        if _NUMBER.fullmatch(word):  # any number written in digits stands for `#` ("30", "10th", "500mg")
            found.update(self.by_form.get("#", ()))
            # and a count of ten or more for `##` ("30", not "2" or "20mg"); by length: no int() of 5000 digits
            if word.isdigit() and len(word.lstrip("0")) >= 2:
                found.update(self.by_form.get("##", ()))
        for key in word_keys(word, self.morphology):
            found.update(self.by_key.get(key, ()))
        typo_free = word in self.by_form or self.morphology.spanish_lemmas(word) or common(word)
        if len(word) >= 4 and not typo_free:
            if len(word) <= 5:  # four and five letters: swapped letters only
                found.update(wid for text, wid in self.swaps.get("".join(sorted(word)), ()) if typo(text, word))
            if len(word) == 5 and not real_word(word):  # and a slipped finger in a non-word: "alivr", "pilld"
                for slipped in slips(word):
                    found.update(self.by_form.get(slipped, ()))
            for length in (len(word) - 1, len(word), len(word) + 1):
                texts, wids = self.by_length.get(f"{word[0]}{length}", ((), ()))
                if texts:
                    hits = process.extract(word, texts, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None)
                    found.update(wids[n] for _, _, n in hits)
            key = sound_key(word)
            if len(key) >= 7:  # one typo after spelling by ear, in long words: "desaparesr", "sisidas"
                for length in (len(key) - 1, len(key), len(key) + 1):
                    keys, wids = self.by_sound.get(f"{key[0]}{length}", ((), ()))
                    if keys:
                        hits = process.extract(
                            key, keys, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
                        )
                        found.update(wids[n] for _, _, n in hits)
        alias = self.shorthand.get(word)
        if alias is not None:  # "q" = "que", "abt" = "about"
            found.update(self.ids(alias))
        result = frozenset(found)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def joins(self, left: str, right: str) -> bool:
        """Whether two neighbours are one pattern word written apart ("my self", "sui cide", "over dose").

        Never through a glue word or a pronoun ("que me" is not "queme", "a dios" not "adios").
        """
        if len(left) < 2 or len(right) < 2 or left in _GLUE_ES or right in _GLUE_ES:
            return False
        joined = left + right
        if len(joined) < 5:
            return False
        hit = self._join_cache.get(joined)
        if hit is None:  # every neighbouring pair is asked: keying it by sound is the cost
            hit = joined in self.joinable or sound_key(joined) in self.joinable
            if len(self._join_cache) > _CACHE_LIMIT:
                self._join_cache.clear()
            self._join_cache[joined] = hit
        return hit

    def split(self, word: str) -> tuple[str, ...] | None:
        """A Spanish verb and its pronouns ("matarme"), or a joined-up phrase ("killmyself"); else None."""
        if word in self._split_cache:
            return self._split_cache[word]
        parts = self.morphology.split_enclitics(word)
        cuttable = 6 <= len(word) <= 40 and word.isalpha() and not dictionary_word(word)
        if parts is None and cuttable and not self.ids(word):
            parts = self._segment(word)
        if len(self._split_cache) > _CACHE_LIMIT:
            self._split_cache.clear()
        self._split_cache[word] = parts
        return parts

    def _segment(self, word: str) -> tuple[str, ...] | None:
        """Cut a word into pattern words and glue words ("killmyself", "mequiero"), as written or by sound."""
        return _cut(word, self.pieces, self.content) or _cut(sound_key(word), self.sound_pieces, self.sound_content)

    def uncensor(self, left: str, right: str, missing: int) -> str | None:
        """The pattern word a word with letters starred out stands for ("s*icidal", "k!ll")."""
        total = len(left) + len(right) + missing
        for text, _ in self.by_letter.get(left[:1], ()):
            if len(text) == total and text.startswith(left) and text.endswith(right):
                return text
        return None


def _cut(word: str, pieces: frozenset[str], content: frozenset[str]) -> tuple[str, ...] | None:
    """The fewest known pieces that make up a word, if they are crisis words rather than the syllables of one.

    A crisis word of four letters or more must be among them, crisis words must make most of the
    word ("killmyself", "iwanttodie", "mequiero"), and a piece of one letter can only be "i" first or
    a vowel between two others: "depression" is not "de press i on", "worthless" not "worth le ss".
    """
    best: dict[int, tuple[str, ...]] = {0: ()}
    for start in range(len(word)):
        if start not in best:
            continue
        for end in range(start + 1, min(len(word), start + 14) + 1):
            piece = word[start:end]
            # Checked while cutting, not after: "yanoquierovivir" is "ya no ...", not "y ano ...".
            lone = end == start + 1 and not (piece == "i" and start == 0)
            if lone and not (piece in "aeoy" and 0 < start < len(word) - 1):
                continue
            if piece in pieces and (end not in best or len(best[end]) > len(best[start]) + 1):
                best[end] = (*best[start], piece)
    parts = best.get(len(word))
    if not parts or len(parts) < 2:
        return None
    found = [len(p) for p in parts if p in content and len(p) >= 3]
    if found and max(found) >= 4 and sum(found) * 5 >= len(word) * 3:
        return parts
    return None


def word_keys(word: str, morphology: Morphology, written: bool = False, language: str = "any") -> set[str]:
    """The lookup keys of a folded word: English stem, Spanish infinitives, sound, Spanish gender.

    A query word has them all and finds its Spanish verb by sound ("kiero" -> querer). A pattern
    word (`written`) finds its verb only as written, and only in a Spanish or language-neutral
    pattern: English "suicide" is not read as the Spanish subjunctive, "boy" is not "voy".
    """
    keys = {"en:" + stem(morphology.english.get(word, word))}
    if len(word) >= 3:
        keys.add("~" + sound_key(word))
    if written and language == "en":
        return keys
    # Spelling by ear is for words no one writes on purpose: a common word is itself ("ahora", now,
    # is not "ahorra", saves up; "boy" is not "voy") and finds only the verbs it is a form of.
    by_ear = not written and not common(word)
    lemmas = morphology.spanish_lemmas(word) if by_ear else morphology.written.get(word, frozenset())
    if by_ear and not lemmas and lambdacism(word):
        # Caribbean Spanish says and types a final -r as -l: "me quiero matal" is "matar".
        lemmas = morphology.written.get(word[:-1] + "r", frozenset())
    keys.update("es:" + lemma for lemma in lemmas)
    if len(word) >= 4 and word.endswith(("o", "a", "os", "as")):
        keys.add("g:" + word.rstrip("s")[:-1])  # Spanish gender and number: muerto = muertas
    return keys


# A word this common in either language is that word, not a typo of another: "ahora" is "now",
# never "ahorra" (saves up); "dye" stays rarer than this and may still be read as "die".
COMMON_ZIPF = 4.5


def frequency(word: str) -> float:
    """How often a folded word is used in English or Spanish, whichever uses it more (Zipf)."""
    return max(zipf(word, "en"), zipf(word, "es"))


def common(word: str) -> bool:
    """Whether a folded word is among the commonest words of English or Spanish (never read as a typo)."""
    return frequency(word) >= COMMON_ZIPF


# A word rarer than this in both languages may be an infinitive said with a final -l ("matal");
# "terminal", "causal" and "practical" are words of their own, not "terminar", "causar", "practicar".
LAMBDACISM_MAX_ZIPF = 1.5


def lambdacism(word: str) -> bool:
    """Whether a folded word may be a Spanish infinitive with its final -r typed as -l ("matal", "moril")."""
    return len(word) >= 5 and word.endswith(("al", "el", "il")) and frequency(word) < LAMBDACISM_MAX_ZIPF


# A Spanish word this common is a word, not two run together.
SPANISH_WORD_ZIPF = 3.0


def dictionary_word(word: str) -> bool:
    """Whether a folded word is a word of its own: never cut into pieces ("worthless" is not "worth less")."""
    return word in spelling_words() or zipf(word, "es") >= SPANISH_WORD_ZIPF


# Each letter's neighbours on the keyboard: a five-letter non-word may be a crisis word one
# slipped key away ("alivr" = "alive"); a wider net would read real words ("pulls") as others.
_NEIGHBOURS = {a: "".join(b for b in KEY_POSITION if neighbouring_keys(a, b)) for a in KEY_POSITION}

# A word this rare in both languages is no word of its own, so it may be a slip of a crisis word.
SLIP_MAX_ZIPF = 2.0


def real_word(word: str) -> bool:
    """Whether a folded word is used often enough in English or Spanish to be meant as written."""
    return frequency(word) >= SLIP_MAX_ZIPF


def slips(word: str) -> Iterable[str]:
    """The word with one letter after the first replaced by a keyboard neighbour ("alivr" -> "alive", ...)."""
    for i in range(1, len(word)):
        for other in _NEIGHBOURS.get(word[i], ""):
            yield word[:i] + other + word[i + 1 :]


def typo(pattern: str, word: str) -> bool:
    """One typo from six letters, a swapped pair at four and five; never in the first letter."""
    if pattern == word or len(pattern) < 4 or not word or word[0] != pattern[0]:
        return False
    if abs(len(pattern) - len(word)) > 1:
        return False
    if len(pattern) <= 5 and sorted(pattern) != sorted(word):
        return False  # short words: only swapped letters ("wnat"), never another word ("nose" for "noose")
    return DamerauLevenshtein.distance(pattern, word, score_cutoff=1) <= 1


class _Compiler:
    """Parses the YAML into patterns, with errors that name the file, the place and the fix."""

    def __init__(self, path: Path, text: str, data: Mapping[str, object]) -> None:
        self.path, self.text, self.data = path, text, data
        self.words: list[_Word] = []
        self.word_id: dict[_Word, int] = {}
        self.folded: dict[str, list[str]] = {}
        self.compiled: dict[tuple[str, str, str], frozenset[int]] = {}
        self.slots = self._slots()
        self.max_gap = self._int("max_gap", 3)
        self.wide_gap = self._int("wide_gap", 8)

    def fail(self, where: str, message: str, fix: str, needle: str = "") -> ConfigError:
        """The error for `where` (section.category.language), at the line of `needle` within that category."""
        line = None
        if needle:
            parts = where.split(".")
            start = 0
            for part in parts[:2] if len(parts) > 1 else ():
                found = re.search(rf"^\s*{re.escape(part)}:", self.text[start:], re.MULTILINE)
                start += found.start() if found else 0
            at = self.text.find(needle, start)
            at = at if at >= 0 else self.text.find(needle)
            line = self.text.count("\n", 0, at) + 1 if at >= 0 else None
        return ConfigError(str(Problem(str(self.path), message, fix, line, where)))

    def _int(self, name: str, default: int) -> int:
        value = self.data.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
            raise self.fail(name, f"must be a whole number of words from 0 to 20, got {value!r}", f"e.g. {default}")
        return value

    def _slots(self) -> dict[str, tuple[str, ...]]:
        raw = self.data.get("slots") or {}
        if not isinstance(raw, dict):
            raise self.fail("slots", "must map slot names to alternatives", "write `name: word|word|word`")
        slots: dict[str, tuple[str, ...]] = {}

        def expand(name: str, trail: tuple[str, ...]) -> tuple[str, ...]:
            if name in slots:
                return slots[name]
            if name in trail:
                raise self.fail(
                    f"slots.{name}", f"refers to itself through {' -> '.join((*trail, name))}", "break the loop"
                )
            value = raw.get(name)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"slots.{name}", "must be alternatives written a|b|c", "e.g. `self: myself|himself`")
            out: list[str] = []
            for alt in _top_level(value):
                alt = alt.strip()
                ref = SLOT.fullmatch(alt)
                if ref:
                    if ref.group(1) not in raw:
                        raise self.fail(f"slots.{name}", f"unknown slot {alt}", "define it under `slots:`", f"{name}:")
                    out.extend(expand(ref.group(1), (*trail, name)))
                else:
                    out.append(alt[1:-1] if alt.startswith("(") and alt.endswith(")") else alt)
            slots[name] = tuple(dict.fromkeys(out))
            return slots[name]

        for name in raw:
            expand(str(name), ())
        return slots

    def word(self, text: str, exact: bool, language: str = "any") -> int:
        key = _Word(text, exact, "any" if exact else language)
        if key not in self.word_id:
            self.word_id[key] = len(self.words)
            self.words.append(key)
        return self.word_id[key]

    def patterns(self, kind: str, category: str, language: str, phrase: str) -> list[Pattern]:
        """The patterns a phrase stands for: one per choice of its ( | ) groups."""
        where = f"{'crisis' if kind == 'crisis' else 'figures'}.{category}.{language}"
        quoted = f'"{phrase}"'
        firm = phrase.startswith("!")
        if firm and kind != "crisis":
            raise self.fail(where, f"{quoted} starts with !, which only a crisis pattern can", "remove the !", phrase)
        groups: list[tuple[int, list[list[tuple[str, bool]]]]] = []
        gap = 0

        def substitute(ref: re.Match[str]) -> str:
            mark, name = ref.group(1), ref.group(2)
            if name not in self.slots:
                known = ", ".join("{" + s + "}" for s in self.slots)
                raise self.fail(
                    where,
                    f'unknown slot {{{name}}} in "{phrase}"',
                    f"define it under `slots:` or use one of {known}",
                    phrase,
                )
            return "(" + "|".join(mark + alt for alt in self.slots[name]) + ")"

        loose = False
        for group in SLOT_REF.sub(substitute, phrase.removeprefix("!")).split():
            if group == "...":
                if kind == "crisis" or not groups or gap != self.max_gap:
                    message = f"... must stand between two words of a figure in {quoted}"
                    raise self.fail(where, message, "remove it or write ..", phrase)
                gap, loose = ANYWHERE, True
                continue
            if group == "..":
                if not groups or gap == self.wide_gap:
                    raise self.fail(where, f".. must stand between two words in {quoted}", "remove it", phrase)
                gap = self.wide_gap
                continue
            try:
                groups.append((gap, _expand(group)))
            except _SyntaxProblem as exc:
                raise self.fail(
                    where, f"{exc} in {group!r} of {quoted}", "write word, a|b, [optional], (a_b|c) or {slot}", phrase
                ) from None
            gap = self.max_gap
        if not groups:
            raise self.fail(where, "an empty pattern", "remove it", phrase)
        if gap in (self.wide_gap, ANYWHERE):
            raise self.fail(where, f".. must stand between two words in {quoted}", "remove it", phrase)
        choices: list[list[tuple[int, str, bool]]] = [[]]
        for gap, sequences in groups:
            choices = [
                c + [(gap if n == 0 else 0, w, o) for n, (w, o) in enumerate(q)] for c in choices for q in sequences
            ]
            if len(choices) > 256:
                raise self.fail(where, f"{quoted} stands for more than 256 patterns", "split it in two", phrase)
        out: list[Pattern] = []
        for choice in choices:
            if not choice or choice[0][2] or choice[-1][2]:
                raise self.fail(
                    where,
                    f"{quoted} starts or ends with an optional word",
                    "drop the brackets or the word: an optional word at either end changes nothing",
                    phrase,
                )
            if any("$" in word.split("|") for _, word, _ in choice[:-1]):
                raise self.fail(
                    where, f"$ (the end of the query) must come last in {quoted}", "move it to the end", phrase
                )
            slots = tuple(
                Slot(self.alternatives(word, kind, where, phrase, language), optional, gap if n else 0)
                for n, (gap, word, optional) in enumerate(choice)
            )
            out.append(Pattern(kind, category, language, phrase, slots, firm, loose))
        return out

    def alternatives(self, body: str, kind: str, where: str, phrase: str, language: str = "any") -> frozenset[int]:
        """The vocabulary ids of one slot's alternatives ({slots} are already written out)."""
        key = (body, kind, language)
        known = self.compiled.get(key)
        if known is not None:  # the same slot in another expansion of the phrase
            return known
        ids: set[int] = set()
        for text in body.split("|"):
            if not text:
                raise self.fail(where, f'an empty alternative in "{phrase}"', "remove the extra |", phrase)
            if "{" in text or "}" in text:
                fix = "write {name} with a letters-only name"
                raise self.fail(where, f'cannot read the slot "{text}" in "{phrase}"', fix, phrase)
            if text in ("$", "#", "##"):  # the end of the query; a number written in digits (of 10 or more)
                ids.add(self.word(text, True))
                continue
            exact = text.startswith("=") or (kind == "figure" and not text.startswith("~"))
            written = text.lstrip("=~")
            folded = self.folded.get(written)
            if folded is None:
                folded = self.folded[written] = surface_words(written)
            if len(folded) != 1 or (written and not written[0].isalnum() and written[0] != "'"):
                raise self.fail(
                    where,
                    f'"{written}" in "{phrase}" is {len(folded)} words',
                    'join adjacent words with _ ("self_harm"), alternatives with |',
                    phrase,
                )
            ids.add(self.word(folded[0], exact, language))
        self.compiled[key] = frozenset(ids)
        return self.compiled[key]

    def section(self, name: str) -> list[Pattern]:
        kind = KINDS[name]
        raw = self.data.get(name)
        if not isinstance(raw, dict) or not raw:
            raise self.fail(name, "must map category names to their patterns", "see the syntax at the top of the file")
        patterns: list[Pattern] = []
        seen: dict[str, str] = {}
        for category, body in raw.items():
            where = f"{name}.{category}"
            if not isinstance(body, dict):
                raise self.fail(where, "must be a mapping with `covers:` and en/es/any lists", "indent the patterns")
            covers = body.get("covers")
            if not isinstance(covers, str) or not covers.strip():
                raise self.fail(
                    where, "has no `covers:` text", "say in a line what the category covers", f"{category}:"
                )
            for key in body:
                if key != "covers" and key not in LANGUAGES:
                    raise self.fail(
                        where,
                        f"unknown key `{key}`",
                        "use en, es or any for patterns and covers for the description",
                        f"{key}:",
                    )
            for language in LANGUAGES:
                items = body.get(language) or []
                if not isinstance(items, list):
                    raise self.fail(f"{where}.{language}", "must be a list of patterns", "start each with `- `")
                for item in items:
                    phrase = " ".join(str(item).split())
                    if phrase in seen:
                        raise self.fail(
                            f"{where}.{language}",
                            f'"{phrase}" is listed twice (also in {seen[phrase]})',
                            "keep one",
                            phrase,
                        )
                    seen[phrase] = f"{where}.{language}"
                    patterns.extend(self.patterns(kind, str(category), language, phrase))
        return patterns

    def shorthand(self) -> dict[str, str]:
        """Chat shorthand read as the word it stands for: `shorthand: {q: que, abt: about}`."""
        raw = self.data.get("shorthand") or {}
        if not isinstance(raw, dict):
            raise self.fail("shorthand", "must map a short form to the word it stands for", "e.g. `q: que`")
        out: dict[str, str] = {}
        for short, word in raw.items():
            short_words, long_words = surface_words(str(short)), surface_words(str(word))
            if len(short_words) == 2 and str(short).count("/") == 1 and len(long_words) == 1:
                out["/".join(short_words)] = long_words[0]  # "w/o": two letters on either side of a slash
                continue
            if len(short_words) != 1 or len(long_words) != 1:
                raise self.fail(
                    f"shorthand.{short}",
                    f"`{short}: {word}` must be one word (or two around a slash) for one word",
                    "e.g. `q: que` or `w/o: without`",
                    f"{short}:",
                )
            out[short_words[0]] = long_words[0]
        return out

    def idioms(self) -> frozenset[str]:
        """Idiom words, folded as queries are: `idioms: [dead, kill, muerto]`."""
        raw = self.data.get("idioms") or []
        if not isinstance(raw, list) or not all(isinstance(w, str) and len(surface_words(w)) == 1 for w in raw):
            raise self.fail("idioms", "must be a list of single words", "e.g. `idioms: [dead, kill, muerto]`")
        return frozenset(surface_words(w)[0] for w in raw)

    def morphology(self) -> Morphology:
        english = self.data.get("english") or {}
        spanish = self.data.get("spanish") or {}
        if not isinstance(english, dict) or not isinstance(spanish, dict):
            raise self.fail("english", "`english:` and `spanish:` must be mappings", "see the top of the file")
        forms = english.get("forms") or {}
        verbs = spanish.get("verbs") or {}
        pronouns = spanish.get("pronouns") or "me|te|se|nos|lo|la|le|los|las|les"
        if not isinstance(forms, dict) or not isinstance(verbs, dict) or not isinstance(pronouns, str):
            raise self.fail("spanish", "`forms`, `verbs` must be mappings, `pronouns` a|b|c", "see the top of the file")
        english_forms = {fold(str(k)): [fold(f.strip()) for f in str(v).split("|")] for k, v in forms.items()}
        specs: dict[str, Mapping[str, object] | None] = {}
        for verb, spec in verbs.items():
            infinitive = fold(str(verb))
            if not re.fullmatch(r"[a-z]*(ar|er|ir)(se)?", infinitive):
                raise self.fail(
                    f"spanish.verbs.{verb}", "is not an infinitive", "write the -ar/-er/-ir form", f"{verb}:"
                )
            if spec is not None and (not isinstance(spec, dict) or set(spec) - VERB_SPEC_KEYS):
                allowed = ", ".join(sorted(VERB_SPEC_KEYS))
                raise self.fail(f"spanish.verbs.{verb}", "has unknown irregular keys", f"use {allowed}", f"{verb}:")
            specs[infinitive] = {k: v if isinstance(v, bool) else fold(str(v)) for k, v in (spec or {}).items()}
        return Morphology.build(english_forms, specs, [fold(p.strip()) for p in pronouns.split("|")])


def _top_level(value: str) -> list[str]:
    """Alternatives split on the | that stand outside parentheses."""
    out, depth, start = [], 0, 0
    for n, char in enumerate(value):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            out.append(value[start:n])
            start = n + 1
    return [*out, value[start:]]


class _SyntaxProblem(ValueError):
    """A group of a pattern that cannot be read."""


def _expand(group: str) -> list[list[tuple[str, bool]]]:
    """The word sequences a `_`-joined group stands for, each word with whether it is optional.

    "a_[b]_c": a, optional b, c. "[volver_a]": two optional words. "a|b_c": a or b, then c.
    "(not_being_here|dying)": whole alternatives; "dying|(not_being_here)" mixes both.
    """
    pos = 0

    def peek() -> str:
        return group[pos] if pos < len(group) else ""

    def paren() -> list[list[tuple[str, bool]]]:
        nonlocal pos
        pos += 1  # (
        found: list[list[tuple[str, bool]]] = []
        while True:
            found.extend(sequence(paren_level=True))
            char = peek()
            if not char:
                raise _SyntaxProblem("an unclosed (")
            pos += 1
            if char == ")":
                return found

    def word() -> str:
        nonlocal pos
        match = re.match(r"[^_\[\]()|]*", group[pos:])
        text = match.group() if match else ""
        if not text:
            raise _SyntaxProblem(f"a missing word at {peek() or 'the end'!r}")
        pos += len(text)
        return text

    def unit(paren_level: bool) -> list[list[tuple[str, bool]]]:
        nonlocal pos
        if peek() == "[":
            pos += 1
            inner = sequence(paren_level=False, closing="]")
            if peek() != "]" or len(inner) != 1:
                raise _SyntaxProblem("an unclosed [ or a ( ) inside [ ]")
            pos += 1
            return [[(w, True) for w, _ in inner[0]]]
        words: list[str] = []
        found: list[list[tuple[str, bool]]] = []
        while True:
            if peek() == "(":
                found.extend(paren())
            else:
                words.append(word())
            if paren_level or peek() != "|":
                break
            pos += 1
        words += [seq[0][0] for seq in found if len(seq) == 1 and not seq[0][1]]
        longer = [seq for seq in found if len(seq) != 1 or seq[0][1]]
        return ([[("|".join(words), False)]] if words else []) + longer  # single words share one slot

    def sequence(paren_level: bool, closing: str = "") -> list[list[tuple[str, bool]]]:
        nonlocal pos
        out: list[list[tuple[str, bool]]] = [[]]
        while True:
            found = unit(paren_level)
            out = [a + b for a in out for b in found]
            char = peek()
            if char == "_":
                pos += 1
            elif (paren_level and char in ("|", ")")) or (closing and char == closing) or not char:
                return out
            else:
                raise _SyntaxProblem(f"an unexpected {char!r}")

    result = sequence(paren_level=False)
    if pos != len(group):
        raise _SyntaxProblem(f"an unexpected {peek()!r}")
    return result


def _index(patterns: Iterable[Pattern], words: tuple[_Word, ...]) -> PatternIndex:
    """Each pattern under the words of its rarest required slot and grouped by its second rarest, so
    that few patterns are tried, and the later required slots of each pattern, rarest first, to rule a
    pattern out early.

    Short and function words ("a", "to", "me", "$") are common in queries: a slot of them costs more,
    and so does a slot of everyday words ("going", "after", "para"), which speed alone is about.
    Grouping by the second slot tests that slot once for all the patterns an alternation expanded
    into (about half as many tests as patterns filed: docs/relevance.md, round 20), which a long
    query's many anchor words make count.
    """

    def cost(slot: frozenset[int]) -> int:
        return sum(
            100 if len(words[w].text) <= 3 or words[w].text in STOP_WORDS else 60 if words[w].text in _COMMON else 1
            for w in slot
        )

    single: dict[int, list[int]] = {}
    grouped: dict[int, dict[frozenset[int], list[int]]] = {}
    checks: list[tuple[frozenset[int], ...]] = []
    for n, pattern in enumerate(patterns):
        ranked = sorted(pattern.required, key=cost)
        for wid in ranked[0]:
            if len(ranked) == 1:
                single.setdefault(wid, []).append(n)
            else:
                grouped.setdefault(wid, {}).setdefault(ranked[1], []).append(n)
        checks.append(tuple(ranked[2:]))
    anchor = {
        wid: (tuple(single.get(wid, ())), tuple((slot, tuple(ns)) for slot, ns in grouped.get(wid, {}).items()))
        for wid in single.keys() | grouped.keys()
    }
    return PatternIndex(anchor, frozenset(anchor), tuple(checks))


def load_rules(path: Path) -> SafetyRules:
    """Read and compile the safety rules; errors name the file, the category and what to fix."""
    try:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the safety rules ({exc}); fix or restore the file") from None
    if not isinstance(data, dict) or not isinstance(data.get("crisis"), dict):
        raise ConfigError(f"{path}: expected a `crisis:` mapping of categories (and `figures:`, `slots:`)")
    compiler = _Compiler(path, text, data)
    morphology = compiler.morphology()
    crisis = compiler.section("crisis")
    figures = compiler.section("figures") if data.get("figures") is not None else []
    words = tuple(compiler.words)
    rules = _assemble(crisis, figures, words, morphology)
    return dataclasses.replace(rules, shorthand=compiler.shorthand(), idioms=compiler.idioms())


def _assemble(
    crisis: list[Pattern], figures: list[Pattern], words: tuple[_Word, ...], morphology: Morphology
) -> SafetyRules:
    crisis_index, figure_index = _index(crisis, words), _index(figures, words)
    by_key: dict[str, set[int]] = {}
    by_form: dict[str, set[int]] = {}
    by_letter: dict[str, list[tuple[str, int]]] = {}
    swaps: dict[str, list[tuple[str, int]]] = {}
    by_length: dict[str, list[tuple[str, int]]] = {}
    by_sound: dict[str, list[tuple[str, int]]] = {}
    for wid, word in enumerate(words):
        by_form.setdefault(word.text, set()).add(wid)
        if not word.exact:
            for key in word_keys(word.text, morphology, written=True, language=word.language):
                by_key.setdefault(key, set()).add(wid)
            for form in _inflections(word.text):  # by ear through its forms too: "cuting" = cutting
                by_key.setdefault("~" + sound_key(form), set()).add(wid)
        if len(word.text) >= 4:
            by_letter.setdefault(word.text[0], []).append((word.text, wid))
        if 4 <= len(word.text) <= 5:
            swaps.setdefault("".join(sorted(word.text)), []).append((word.text, wid))
        elif len(word.text) >= 6:
            by_length.setdefault(f"{word.text[0]}{len(word.text)}", []).append((word.text, wid))
        if len(word.text) >= 6 and not word.exact:
            key = sound_key(word.text)
            by_sound.setdefault(f"{key[0]}{len(key)}", []).append((key, wid))
    crisis_words = {words[w].text for p in crisis for s in p.slots for w in s.ids}
    crisis_words |= {w + end for w in crisis_words for end in ("s", "ing", "ed", "d")}
    crisis_words |= {w[:-1] + "ing" for w in crisis_words if w.endswith("e")}
    crisis_words |= set(morphology.english)
    content = frozenset(
        w
        for w in crisis_words
        if len(w) >= 3 and w not in STOP_WORDS and w not in _GLUE_ES and w not in morphology.split_pronouns
    )
    lemmas = {lemma for w in crisis_words for lemma in morphology.spanish_lemmas(w)}
    verb_forms = {key for key, of in morphology.spanish.items() if of & lemmas}
    sound_content = frozenset({sound_key(w) for w in content} | verb_forms)
    return SafetyRules(
        tuple(crisis),
        tuple(figures),
        words,
        morphology,
        {k: frozenset(v) for k, v in by_key.items()},
        {k: frozenset(v) for k, v in by_form.items()},
        {k: tuple(v) for k, v in by_letter.items()},
        {k: tuple(v) for k, v in swaps.items()},
        {k: (tuple(t for t, _ in v), tuple(w for _, w in v)) for k, v in by_length.items()},
        crisis_index,
        figure_index,
        frozenset(wid for wid, w in enumerate(words) if not w.exact and w.text in ("me", "te", "nos")),
        frozenset(k for w in words if len(w.text) >= 5 for k in (w.text, sound_key(w.text))),
        frozenset(crisis_words | STOP_WORDS | _GLUE_ES),
        content,
        frozenset(sound_content | {sound_key(w) for w in STOP_WORDS | _GLUE_ES}),
        sound_content,
        {k: (tuple(t for t, _ in v), tuple(w for _, w in v)) for k, v in by_sound.items()},
    )


def _inflections(word: str) -> set[str]:
    """English inflections of a pattern word, for matching misspelt forms by sound."""
    if len(word) < 3 or not word.isalpha():
        return set()
    forms = {word + "s", word + "es", word + "ing", word + "ed", word + word[-1] + "ing", word + word[-1] + "ed"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word + "d"}
    return forms
