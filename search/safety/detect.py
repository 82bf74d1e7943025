"""Crisis detection: does a query match a crisis pattern that no figure of speech cancels?

The query is read through the shared tokenizer (`search.analysis.tokens`), then: digits written
for letters are read as letters ("k1ll"), neighbours that make one pattern word also read as that
word ("kill my self", "sui cide", starred-out "s*icidal"), Spanish verbs shed their enclitic
pronouns ("matarme" -> "me matar") and joined-up phrases are cut ("killmyself", "mequiero"). Each word is mapped to the
pattern words it can stand for (see rules.py), and patterns are matched in order with small gaps.
A figure of speech or condition name cancels only a crisis match one of whose matched words it
covers, so "my back is killing me and I want to die" is still a crisis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from search.analysis import fold, spans
from search.safety.morphology import OBJECT_PRONOUNS, unleet
from search.safety.rules import Pattern, PatternIndex, SafetyRules


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


# A NamedTuple, not a frozen dataclass: one is built per word on every check, and a frozen
# dataclass's __init__ costs about three times as much.
class _Word(NamedTuple):
    """A query word as matching reads it."""

    text: str
    first: int  # span in surface_words(text), inclusive
    last: int
    also: tuple[str, ...] = ()  # a word it makes with a neighbour: "my" and "self" both also read "myself"
    object: bool = False  # a Spanish me/te/nos that its verb shows is not reflexive ("me mata")


_CLITICS = frozenset(["lo", "la", "le", "los", "las", "les"])
_SPLIT_OFF = frozenset(["me", "te", "se", "nos"])  # reflexive pronouns a verb carries at its end
_CENSOR = frozenset("*!@#$%^&?+=~")


_FOLDED: dict[int, str] = {}  # a non-ASCII character -> its folded letter, where that is one ASCII letter


def _plain(text: str) -> str:
    """The text with each accented letter folded in place ("ñ" -> "n"), so the tokenizer takes its fast path.

    Only one-for-one replacements, so every offset stays the same; other characters are kept.
    """
    if text.isascii():
        return text
    if len(_FOLDED) > 10_000:
        _FOLDED.clear()
    for char in set(text):
        if not char.isascii() and ord(char) not in _FOLDED:
            folded = fold(char)
            _FOLDED[ord(char)] = folded if len(folded) == 1 and folded.isascii() else char
    return text.translate(_FOLDED)


def _words(text: str, rules: SafetyRules) -> list[_Word]:
    """The query as matching sees it: normalised words, each with its span in the query's words."""
    found = spans(_plain(text))
    raw = [word if word.isalpha() else unleet(word) for word, _, _ in found]
    gaps = [text[a[2] : b[1]] for a, b in pairwise(found)]
    also: list[tuple[str, ...]] = [()] * len(raw)
    for i, between in enumerate(gaps):
        whole = None
        if between != " ":  # most words are parted by one space: no censored or shorthand word
            if between and set(between) <= _CENSOR:
                whole = rules.uncensor(raw[i], raw[i + 1], len(between))  # "s*icidal", "k!ll"
            if whole is None and between == "/":
                whole = rules.shorthand.get(f"{raw[i]}/{raw[i + 1]}")  # "w/o" = "without"
        # (a pair shorter than five letters never makes a pattern word: no call for "i am", "to be")
        if whole is None and len(raw[i]) + len(raw[i + 1]) >= 5 and rules.joins(raw[i], raw[i + 1]):
            whole = raw[i] + raw[i + 1]  # "kill my self", "sui cide"
        if whole:
            also[i] += (whole,)
            also[i + 1] += (whole,)
    out: list[_Word] = []
    skip = -1
    last = len(raw) - 1
    for i, piece in enumerate(raw):
        if i == skip:
            continue
        if i < last and raw[i + 1] in _SPLIT_OFF and gaps[i].isspace():
            # A verb with its pronoun typed apart ("matar me") is the joined word ("matarme").
            pronoun = raw[i + 1]
            apart = rules.morphology.split_enclitics(piece + pronoun)
            if apart is not None and apart[0] == pronoun:
                out.extend(_Word(part, i, i + 1) for part in apart)
                skip = i + 1
                continue
        parts = rules.split(piece)
        if parts is not None:
            out.extend(_Word(part, i, i) for part in parts)
        elif not also[i]:
            out.append(_Word(piece, i, i))
        else:  # a word read joined with a neighbour spans both ("my self" -> "myself")
            mine = set(also[i])
            joined_left = i > 0 and not mine.isdisjoint(also[i - 1])
            joined_right = i < last and not mine.isdisjoint(also[i + 1])
            out.append(_Word(piece, i - joined_left, i + joined_right, also[i]))
    disagrees = rules.morphology.disagrees
    for n in range(len(out) - 1):
        if out[n].text not in OBJECT_PRONOUNS:  # most words: no call to make
            continue
        verb = n + 1 + (out[n + 1].text in _CLITICS)
        if verb < len(out) and disagrees(out[n].text, out[verb].text):
            out[n] = out[n]._replace(object=True)
    if out:
        out.append(_Word("$", out[-1].last, out[-1].last))  # the end of the query, for patterns ending in $
    return out


def _ids(word: _Word, rules: SafetyRules) -> frozenset[int]:
    ids = rules.ids(word.text)
    if not word.also and not word.object:  # most words
        return ids
    for other in word.also:
        ids |= rules.ids(other)
    return ids - rules.reflexive if word.object else ids


def _spans(pattern: Pattern, ids: Sequence[frozenset[int]]) -> list[tuple[int, ...]]:
    """Every match of the pattern, one per starting word: the positions of the words it matched, in order."""
    slots = pattern.slots
    n = len(ids)
    # rest(k, prev) depends on nothing else: remembered, a pattern with wide gaps ("..") tries each
    # (slot, position) once instead of once per way of reaching it
    known: dict[tuple[int, int], tuple[int, ...] | None] = {}

    def rest(k: int, prev: int) -> tuple[int, ...] | None:
        """The positions of slots[k:] matched after position prev, or None."""
        if k == len(slots):
            return ()
        if (k, prev) in known:
            return known[k, prev]
        slot = slots[k]
        found = None
        for pos in range(prev + 1, min(n, prev + 2 + slot.gap)):
            if not slot.ids.isdisjoint(ids[pos]):  # isdisjoint: no intersection set built per word
                tail = rest(k + 1, pos)
                if tail is not None:
                    found = (pos, *tail)
                    break
        else:
            found = rest(k + 1, prev) if slot.optional else None
        known[k, prev] = found
        return found

    first = slots[0].ids
    return [
        (start, *tail)
        for start in range(n)
        if not first.isdisjoint(ids[start]) and (tail := rest(1, start)) is not None
    ]


def _candidates(index: PatternIndex, present: frozenset[int]) -> list[int]:
    """The patterns whose every required slot has a word of the query, in rule order."""
    anchor, checks = index.anchor, index.checks
    found: set[int] = set()
    for wid in present & index.anchors:
        alone, groups = anchor[wid]
        found.update(alone)
        for second, numbers in groups:
            if not second.isdisjoint(present):
                found.update(numbers)
    out = []
    for n in found:
        for req in checks[n]:
            if req.isdisjoint(present):
                break
        else:
            out.append(n)
    out.sort()
    return out


def _covers(figure: Pattern, where: tuple[int, ...], matched: tuple[int, ...]) -> bool:
    """Whether a figure's words cover a word the crisis match matched (a loose figure: only its own words)."""
    if figure.loose:
        return not set(where).isdisjoint(matched)
    return any(where[0] <= pos <= where[-1] for pos in matched)


def detect(text: str, rules: SafetyRules) -> Detection:
    """The crisis a query signals, if any, and the figure of speech or condition name it contains."""
    words = _words(text, rules)
    ids = [_ids(w, rules) for w in words]
    present = frozenset().union(*ids)
    if not present:
        return Detection(None, None)

    def match(pattern: Pattern, at: tuple[int, ...]) -> Match:
        return Match(pattern.category, pattern.language, pattern.phrase, (words[at[0]].first, words[at[-1]].last + 1))

    # A figure cancels a crisis match when it covers one of the words that match matched ("killing me"
    # in "my back is killing me"), not merely a word in a gap of it ("hay que tomar" in "cuánto cloro
    # hay que tomar para morir"). A firm pattern (`!`) is worded so that no figure's sense can hold:
    # "what's the point of living" stays a crisis though "living with this pain" is a figure.
    numbers = _candidates(rules.figure_index, present)
    figures: list[tuple[Pattern, tuple[int, ...]]] | None = None  # found once a crisis match needs them all
    cancelled_by: tuple[Pattern, tuple[int, ...]] | None = None
    for n in _candidates(rules.crisis_index, present):
        pattern = rules.crisis[n]
        for at in _spans(pattern, ids):
            if figures is None:
                figures = _figures(rules, numbers, ids)
            overlapping = ((f, fat) for f, fat in figures if _covers(f, fat, at))
            blocker = None if pattern.firm else next(overlapping, None)
            if blocker is None:
                shown = cancelled_by or (figures[0] if figures else None)
                return Detection(match(pattern, at), match(*shown) if shown else None)
            cancelled_by = cancelled_by or blocker
    if figures is None:  # no crisis match: only the first figure is shown
        figures = _figures(rules, numbers, ids, first_only=True)
    shown = cancelled_by or (figures[0] if figures else None)
    return Detection(None, match(*shown) if shown else None)


def _figures(
    rules: SafetyRules, numbers: Sequence[int], ids: Sequence[frozenset[int]], first_only: bool = False
) -> list[tuple[Pattern, tuple[int, ...]]]:
    """The matches of the candidate figures, in rule order (`first_only`: stop at the first)."""
    found: list[tuple[Pattern, tuple[int, ...]]] = []
    for n in numbers:
        found.extend((rules.figures[n], at) for at in _spans(rules.figures[n], ids))
        if first_only and found:
            break
    return found


def check(text: str, rules: SafetyRules) -> str | None:
    """The crisis pattern a query matches, as written in the rules (None: no crisis, or only a figure of speech)."""
    found = detect(text, rules).crisis
    return found.phrase if found else None
