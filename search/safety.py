"""Crisis detection: queries that signal risk get a notice above (never instead of) results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from rapidfuzz.distance import DamerauLevenshtein

from search.analysis import stem, surface_words
from search.errors import CondSearchError

MAX_GAP = 3


@dataclass(frozen=True)
class SafetyRules:
    """Crisis patterns and the figures of speech that cancel them, as word tuples."""

    crisis: tuple[tuple[str, ...], ...]
    exceptions: tuple[tuple[str, ...], ...]

    @cached_property
    def by_first_letter(self) -> dict[str, tuple[str, ...]]:
        """Every word of every pattern, by first letter: a match (exact, stem or typo) shares it."""
        index: dict[str, set[str]] = {}
        for word in {w for p in (*self.crisis, *self.exceptions) for w in p}:
            index.setdefault(word[:1], set()).add(word)
        return {letter: tuple(words) for letter, words in index.items()}


@dataclass(frozen=True)
class SafetyNotice:
    """What the user sees above the results."""

    message: str
    lines: tuple[str, ...]
    matched: str


def load_rules(path: Path) -> SafetyRules:
    """Read data/safety.yaml; errors name the file and what to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CondSearchError(f"{path}: cannot read the safety rules ({exc}); fix or restore the file") from None
    if not isinstance(data, dict) or not isinstance(data.get("crisis"), list):
        raise CondSearchError(f"{path}: expected a `crisis:` list (and optional `exceptions:`)")

    def words(items: object) -> tuple[tuple[str, ...], ...]:
        if not isinstance(items, list):
            raise CondSearchError(f"{path}: `exceptions` must be a list of phrases")
        return tuple(tuple(surface_words(str(item))) for item in items if surface_words(str(item)))

    return SafetyRules(words(data["crisis"]), words(data.get("exceptions") or []))


def _same(pattern: str, word: str, stems: bool) -> bool:
    if pattern == word or (stems and stem(pattern) == stem(word)):
        return True
    if len(pattern) < 4 or not word or word[0] != pattern[0]:
        return False
    if len(pattern) == 4 and sorted(pattern) != sorted(word):
        return False  # short words: only swapped letters ("wnat"), never another word ("what")
    return DamerauLevenshtein.distance(pattern, word, score_cutoff=1) <= 1


def find(pattern: Sequence[str], words: Sequence[str], stems: bool = True) -> tuple[int, int] | None:
    """The span of words matching the pattern in order with small gaps, or None."""
    for start, word in enumerate(words):
        if not _same(pattern[0], word, stems):
            continue
        pos, ok = start, True
        for token in pattern[1:]:
            window = words[pos + 1 : pos + 2 + MAX_GAP]
            hit = next((k for k, w in enumerate(window) if _same(token, w, stems)), None)
            if hit is None:
                ok = False
                break
            pos += hit + 1
        if ok:
            return start, pos
    return None


def _join_split(words: list[str], rules: SafetyRules) -> list[str]:
    """Join neighbours that form one pattern word ("my self" -> "myself")."""
    vocabulary = {w for p in rules.crisis for w in p}
    out: list[str] = []
    for word in words:
        if out and out[-1] + word in vocabulary:
            out[-1] += word
        else:
            out.append(word)
    return out


def check(text: str, rules: SafetyRules) -> str | None:
    """The crisis phrase a query matches (None when it matches none, or only an exception)."""
    words = _join_split(surface_words(text), rules)
    # Only patterns whose every word occurs (give or take a typo) can match: check those alone.
    present = {v for w in set(words) for v in rules.by_first_letter.get(w[:1], ()) if _same(v, w, True)}
    exceptions = [span for p in rules.exceptions if set(p) <= present and (span := find(p, words, stems=False))]
    for pattern in rules.crisis:
        if not set(pattern) <= present:
            continue
        span = find(pattern, words)
        if span is None:
            continue
        if any(a <= span[1] and span[0] <= b for a, b in exceptions):
            continue
        return " ".join(pattern)
    return None


def notice(text: str, rules: SafetyRules, message: str, lines: Sequence[str]) -> SafetyNotice | None:
    """The safety notice for a query, or None."""
    matched = check(text, rules)
    return SafetyNotice(message, tuple(lines), matched) if matched else None
