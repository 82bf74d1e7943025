"""Grouping unmatched searches so that variants count together: corrected sorted words, then fuzzy clusters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.analytics.scrub import without_placeholders

# Two keys within one edit in five letters are one group ("vertigo" / "vertgo", "ecezma" / "eczema");
# "gout" / "gut" (one in four) stay apart.
SIMILARITY = 0.8
TOP_VARIANTS = 5


@dataclass(frozen=True)
class Row:
    """Unmatched searches sharing one normalized and one corrected form."""

    normalized: str
    corrected: str
    searches: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class Variant:
    """A text some searches shared, and how many."""

    text: str
    searches: int


@dataclass(frozen=True)
class Group:
    """Variants of one failed search; texts rarer than k are counted, not kept."""

    phrase: str | None
    searches: int
    variants: tuple[Variant, ...]
    hidden_variants: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class Grouping:
    """The groups at or above k, and what was left out below it."""

    groups: tuple[Group, ...]
    hidden_groups: int
    hidden_searches: int


def group_key(normalized: str, corrected: str) -> str:
    """The corrected words sorted ("pain neuropathy" = "neuropathy pain"); the normalized ones if none."""
    words = corrected.split() or without_placeholders(normalized).split() or normalized.split()
    return " ".join(sorted(words))


def clusters(counts: Counter[str]) -> dict[str, str]:
    """Each key's representative, greedily from the most searched: a key joins the first representative
    it is within SIMILARITY of, or whose words it all contains ("measles email" joins "measles")."""
    representatives: list[str] = []
    words: list[frozenset[str]] = []
    chosen: dict[str, str] = {}
    for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mine = frozenset(key.split())
        match = process.extractOne(
            key, representatives, scorer=DamerauLevenshtein.normalized_similarity, score_cutoff=SIMILARITY
        )
        if match is not None:
            chosen[key] = match[0]
            continue
        wider = next((rep for rep, its in zip(representatives, words, strict=True) if its < mine), None)
        if wider is not None:
            chosen[key] = wider
            continue
        representatives.append(key)
        words.append(mine)
        chosen[key] = key
    return chosen


def _top(texts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))


def _group(rows: Sequence[Row], k: int) -> Group:
    phrases: Counter[str] = Counter()
    variants: Counter[str] = Counter()
    for row in rows:
        phrases[row.corrected or row.normalized] += row.searches
        variants[row.normalized] += row.searches
    phrase, phrase_count = _top(phrases)[0]
    shown = [Variant(text, n) for text, n in _top(variants) if n >= k]
    return Group(
        phrase=phrase if phrase_count >= k else None,
        searches=sum(r.searches for r in rows),
        variants=tuple(shown[:TOP_VARIANTS]),
        hidden_variants=sum(n for n in variants.values() if n < k),
        first_seen=min(r.first_seen for r in rows),
        last_seen=max(r.last_seen for r in rows),
    )


def group_unmatched(rows: Iterable[Row], k: int) -> Grouping:
    """Groups of at least k searches, largest first; smaller ones only counted."""
    rows = list(rows)
    keys = [group_key(r.normalized, r.corrected) for r in rows]
    counts: Counter[str] = Counter()
    for row, key in zip(rows, keys, strict=True):
        counts[key] += row.searches
    representative = clusters(counts)
    members: dict[str, list[Row]] = {}
    for row, key in zip(rows, keys, strict=True):
        members.setdefault(representative[key], []).append(row)
    groups = [_group(sorted(m, key=lambda r: (r.normalized, r.corrected)), k) for m in members.values()]
    kept = sorted((g for g in groups if g.searches >= k), key=lambda g: (-g.searches, g.phrase or "", g.first_seen))
    hidden = [g for g in groups if g.searches < k]
    return Grouping(tuple(kept), len(hidden), sum(g.searches for g in hidden))
