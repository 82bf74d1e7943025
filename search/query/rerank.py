"""Rerank: the whole query against each candidate's title, phrases, aliases and symptoms."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

MIN_SIMILARITY = 0.6


def similarity(query: str, phrase: str) -> float:
    """Token-aware similarity in [0, 1]: word order free, partial cover is credited."""
    if not query or not phrase:
        return 0.0
    return (fuzz.token_set_ratio(query, phrase) + fuzz.token_sort_ratio(query, phrase)) / 200.0


def phrase_scores(texts: Sequence[tuple[str, float]], groups: Sequence[Sequence[str]]) -> list[tuple[float, str]]:
    """For each group (a page's phrases): the best weighted similarity and that phrase."""
    flat = [p for group in groups for p in group]
    if not flat or not texts:
        return [(0.0, "")] * len(groups)
    queries = [t for t, _ in texts]
    weights = np.array([w for _, w in texts])[:, None]
    sims = (
        process.cdist(queries, flat, scorer=fuzz.token_set_ratio, dtype=np.float32)
        + process.cdist(queries, flat, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    ) / 200.0
    best_per_phrase = (sims * weights).max(axis=0)
    out: list[tuple[float, str]] = []
    start = 0
    for group in groups:
        end = start + len(group)
        if end == start:
            out.append((0.0, ""))
            continue
        i = int(np.argmax(best_per_phrase[start:end]))
        score = float(best_per_phrase[start + i])
        out.append((score, group[i]) if score >= MIN_SIMILARITY else (0.0, ""))
        start = end
    return out
