"""Grouping unmatched searches so that variants count together: corrected sorted words, then fuzzy clusters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.analytics.script import script_label, script_of
from search.analytics.scrub import without_placeholders

# Two keys within one edit in five letters are one group ("vertigo" / "vertgo", "ecezma" / "eczema");
# "gout" / "gut" (one in four) stay apart.
SIMILARITY = 0.8
TOP_VARIANTS = 5


@dataclass(frozen=True)
class Row:
    """Unmatched searches sharing one text as typed (scrubbed), one normalized and one corrected form."""

    query: str
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
    """Variants of one failed search; texts rarer than k are counted, not kept.

    `label` is the text patients typed most (scrubbed), or "Cyrillic text (4)" for texts the analyzer cannot
    read; `corrected` is the form the corrector read, as secondary information; either is None when fewer than
    k searches share it. `script` is set only for a group of texts that normalize to nothing.
    """

    label: str | None
    corrected: str | None
    script: str | None
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


def is_wordless(row: Row) -> bool:
    """True for a text that normalizes to nothing (another script, only symbols): it has no words to group by."""
    return not row.normalized.split() and not row.corrected.split()


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
        # An empty word set is a subset of every other: a wordless key must never be a representative here.
        wider = next((rep for rep, its in zip(representatives, words, strict=True) if its and its < mine), None)
        if wider is not None:
            chosen[key] = wider
            continue
        representatives.append(key)
        words.append(mine)
        chosen[key] = key
    return chosen


def _top(texts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))


def _common(texts: Counter[str], k: int) -> str | None:
    """The most frequent non-empty text, if at least k searches share it."""
    ranked = [(text, n) for text, n in _top(texts) if text.strip()]
    return ranked[0][0] if ranked and ranked[0][1] >= k else None


def _group(rows: Sequence[Row], k: int, script: str | None) -> Group:
    typed: Counter[str] = Counter()
    corrected: Counter[str] = Counter()
    variants: Counter[str] = Counter()
    for row in rows:
        typed[row.query] += row.searches
        corrected[row.corrected or row.normalized] += row.searches
        # A wordless text's normalized form is empty: its variants are the texts as typed.
        variants[row.query if script else row.normalized] += row.searches
    searches = sum(r.searches for r in rows)
    if script is not None:
        label: str | None = script_label(script, searches)
    else:
        # What patients typed, else the folded form, else the corrected one: the first that k searches share.
        label = _common(typed, k) or _common(variants, k) or _common(corrected, k)
    shown = [Variant(text, n) for text, n in _top(variants) if n >= k and text.strip()]
    return Group(
        label=label,
        corrected=None if script else _common(corrected, k),
        script=script,
        searches=searches,
        variants=tuple(shown[:TOP_VARIANTS]),
        hidden_variants=sum(n for text, n in variants.items() if n < k or not text.strip()),
        first_seen=min(r.first_seen for r in rows),
        last_seen=max(r.last_seen for r in rows),
    )


def group_unmatched(rows: Iterable[Row], k: int) -> Grouping:
    """Groups of at least k searches, largest first; smaller ones only counted; wordless texts by script."""
    rows = list(rows)
    worded = [r for r in rows if not is_wordless(r)]
    keys = [group_key(r.normalized, r.corrected) for r in worded]
    counts: Counter[str] = Counter()
    for row, key in zip(worded, keys, strict=True):
        counts[key] += row.searches
    representative = clusters(counts)
    members: dict[str, list[Row]] = {}
    for row, key in zip(worded, keys, strict=True):
        members.setdefault(representative[key], []).append(row)
    by_script: dict[str, list[Row]] = {}
    for row in rows:
        if is_wordless(row):
            by_script.setdefault(script_of(row.query), []).append(row)

    def ordered(m: list[Row]) -> list[Row]:
        return sorted(m, key=lambda r: (r.normalized, r.corrected, r.query))

    groups = [_group(ordered(m), k, None) for m in members.values()]
    groups += [_group(ordered(m), k, script) for script, m in by_script.items()]
    kept = sorted((g for g in groups if g.searches >= k), key=lambda g: (-g.searches, g.label or "", g.first_seen))
    hidden = [g for g in groups if g.searches < k]
    return Grouping(tuple(kept), len(hidden), sum(g.searches for g in hidden))
