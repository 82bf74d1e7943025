"""Crisis detection: does a query match a crisis pattern that no figure of speech cancels?

The query is read through the shared tokenizer (`search.analysis.tokens`), then: digits written
for letters are read as letters ("k1ll"), neighbours that make one pattern word also read as that
word ("kill my self", "sui cide", starred-out "s*icidal"), Spanish verbs shed their enclitic
pronouns ("matarme" -> "me matar") and joined-up phrases are cut ("killmyself", "mequiero"). Each word is mapped to the
pattern words it can stand for (see rules.py), and patterns are matched in order with small gaps.
A figure of speech or condition name cancels only the crisis match whose words it overlaps, so
"my back is killing me and I want to die" is still a crisis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search.analysis import tokens
from search.safety.morphology import unleet
from search.safety.rules import Pattern, SafetyRules


@dataclass(frozen=True)
class Match:
    """A pattern that matched: its category, language, the pattern as written, and the words it spans.

    `words` is a half-open span over `surface_words(text)`: `surface_words(text)[start:stop]`.
    """

    category: str
    language: str  # "en", "es" or "any"
    phrase: str
    words: tuple[int, int]


@dataclass(frozen=True)
class Detection:
    """The crisis match (None: no crisis) and the figure of speech or condition name recognised, if any.

    `figure` is the one that cancelled a crisis match when there was one, else the first recognised.
    """

    crisis: Match | None
    figure: Match | None


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    first: int  # span in surface_words(text), inclusive
    last: int
    also: tuple[str, ...] = ()  # a word it makes with a neighbour: "my" and "self" both also read "myself"
    object: bool = False  # a Spanish me/te/nos that its verb shows is not reflexive ("me mata")


_CLITICS = frozenset(["lo", "la", "le", "los", "las", "les"])
_CENSOR = frozenset("*!@#$%^&?+=~")


def _words(text: str, rules: SafetyRules) -> list[_Word]:
    """The query as matching sees it: normalised words, each with its span in the query's words."""
    found = tokens(text)
    raw = [unleet(t.word) for t in found]
    also: list[tuple[str, ...]] = [() for _ in raw]
    for i in range(len(raw) - 1):
        between = text[found[i].end : found[i + 1].start]
        whole = None
        if between and set(between) <= _CENSOR:
            whole = rules.uncensor(raw[i], raw[i + 1], len(between))  # "s*icidal", "k!ll"
        if whole is None and rules.joins(raw[i], raw[i + 1]):
            whole = raw[i] + raw[i + 1]  # "kill my self", "sui cide"
        if whole:
            also[i] += (whole,)
            also[i + 1] += (whole,)
    out: list[_Word] = []
    for i, text in enumerate(raw):
        parts = rules.split(text)
        if parts is None:  # a word read joined with a neighbour spans both ("my self" -> "myself")
            joined_left = i > 0 and bool(set(also[i]) & set(also[i - 1]))
            joined_right = i + 1 < len(raw) and bool(set(also[i]) & set(also[i + 1]))
            out.append(_Word(text, i - joined_left, i + joined_right, also[i]))
        else:
            out.extend(_Word(part, i, i) for part in parts)
    for n, word in enumerate(out):
        verb = n + 1 + (n + 1 < len(out) and out[n + 1].text in _CLITICS)
        if verb < len(out) and rules.morphology.disagrees(word.text, out[verb].text):
            out[n] = _Word(word.text, word.first, word.last, word.also, object=True)
    if out:
        out.append(_Word("$", out[-1].last, out[-1].last))  # the end of the query, for patterns ending in $
    return out


def _ids(word: _Word, rules: SafetyRules) -> frozenset[int]:
    ids = rules.ids(word.text)
    for other in word.also:
        ids |= rules.ids(other)
    return ids - rules.reflexive if word.object else ids


def _spans(pattern: Pattern, ids: Sequence[frozenset[int]]) -> list[tuple[int, int]]:
    """Every (first, last) position span where the pattern matches, one per starting word."""
    slots = pattern.slots
    n = len(ids)

    def rest(k: int, prev: int) -> int:
        """The last position of slots[k:] matched after position prev, or -1."""
        if k == len(slots):
            return prev
        slot = slots[k]
        for pos in range(prev + 1, min(n, prev + 2 + slot.gap)):
            if slot.ids & ids[pos]:
                end = rest(k + 1, pos)
                if end >= 0:
                    return end
        return rest(k + 1, prev) if slot.optional else -1

    first = slots[0].ids
    return [(start, end) for start in range(n) if first & ids[start] and (end := rest(1, start)) >= 0]


def _candidates(
    patterns: Sequence[Pattern], anchor: Mapping[int, tuple[int, ...]], present: frozenset[int]
) -> list[int]:
    found = {n for wid in present for n in anchor.get(wid, ())}
    return sorted(n for n in found if all(req & present for req in patterns[n].required))


def detect(text: str, rules: SafetyRules) -> Detection:
    """The crisis a query signals, if any, and the figure of speech or condition name it contains."""
    words = _words(text, rules)
    ids = [_ids(w, rules) for w in words]
    present = frozenset().union(*ids)
    if not present:
        return Detection(None, None)

    def match(pattern: Pattern, span: tuple[int, int]) -> Match:
        return Match(
            pattern.category, pattern.language, pattern.phrase, (words[span[0]].first, words[span[1]].last + 1)
        )

    figures: list[tuple[Pattern, tuple[int, int]]] = []
    for n in _candidates(rules.figures, rules.figure_anchor, present):
        figures.extend((rules.figures[n], span) for span in _spans(rules.figures[n], ids))
    cancelled_by: tuple[Pattern, tuple[int, int]] | None = None
    for n in _candidates(rules.crisis, rules.crisis_anchor, present):
        pattern = rules.crisis[n]
        for a, b in _spans(pattern, ids):
            blocker = next(((f, (c, d)) for f, (c, d) in figures if c <= b and a <= d), None)
            if blocker is None:
                shown = cancelled_by or (figures[0] if figures else None)
                return Detection(match(pattern, (a, b)), match(*shown) if shown else None)
            cancelled_by = cancelled_by or blocker
    shown = cancelled_by or (figures[0] if figures else None)
    return Detection(None, match(*shown) if shown else None)


def check(text: str, rules: SafetyRules) -> str | None:
    """The crisis pattern a query matches, as written in the rules (None: no crisis, or only a figure of speech)."""
    found = detect(text, rules).crisis
    return found.phrase if found else None
