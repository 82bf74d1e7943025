"""Rerank: the whole query against each candidate's title, phrases, aliases and symptoms."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

MIN_SIMILARITY = 0.6


def similarity(query: str, phrase: str) -> float:
    """Token-aware similarity in [0, 1]: word order free, partial cover is credited."""
    if not query or not phrase:
        return 0.0
    return (fuzz.token_set_ratio(query, phrase) + fuzz.token_sort_ratio(query, phrase)) / 200.0


def best_phrase(texts: Sequence[tuple[str, float]], phrases: Sequence[str]) -> tuple[float, str]:
    """The best weighted similarity of any query text to any of a page's phrases."""
    best, which = 0.0, ""
    for text, weight in texts:
        for phrase in phrases:
            sim = similarity(text, phrase) * weight
            if sim > best:
                best, which = sim, phrase
    return (best, which) if best >= MIN_SIMILARITY else (0.0, "")
