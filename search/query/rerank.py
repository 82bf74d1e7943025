"""Rerank: Candidates -> Ranked, adding the whole query's similarity to each page's phrases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from search.query.config import RerankRules
from search.query.expand import Plan
from search.query.retrieve import Candidates


@dataclass(frozen=True)
class RankedHit:
    """One candidate after reranking."""

    doc: int
    score: float  # normalised BM25F plus the phrase stage: the order
    phrase_score: float  # best weighted phrase similarity
    phrase: str  # the page phrase it was
    bm25: float  # raw BM25F, what confidence reads
    semantic: float = 0.0  # what the semantic and intent stages added to `score` (0 when neither ran)


@dataclass(frozen=True)
class Ranked:
    """Candidates in final order."""

    hits: tuple[RankedHit, ...]

    def __len__(self) -> int:
        return len(self.hits)


def rerank(candidates: Candidates, plan: Plan, phrases: Sequence[Sequence[str]], rules: RerankRules) -> Ranked:
    """Order candidates by normalised BM25F plus the weighted square of their phrase similarity."""
    docs = list(candidates.docs)
    if not docs:
        return Ranked(())
    top = candidates.top
    weight = rules.long_phrase_weight if plan.long else rules.phrase_weight
    if plan.long:
        # A description is compared with phrases only to break near-ties among the best few.
        docs = docs[: rules.long_phrase_candidates]
    sims = phrase_scores(plan.phrase_texts, [phrases[d] for d in docs], rules.min_similarity)
    rows = [
        RankedHit(
            doc, float(candidates.scores[doc]) / top + weight * sim * sim, sim, which, float(candidates.scores[doc])
        )
        for doc, (sim, which) in zip(docs, sims, strict=True)
    ]
    rows.sort(key=lambda r: -r.score)
    return Ranked(tuple(rows))


def phrase_scores(
    texts: Sequence[tuple[str, float]], groups: Sequence[Sequence[str]], min_similarity: float
) -> list[tuple[float, str]]:
    """For each group (a page's phrases): the best weighted similarity and that phrase.

    Similarity is token-aware (word order free, partial cover credited): the mean of rapidfuzz's
    token-set and token-sort ratios.
    """
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
        out.append((score, group[i]) if score >= min_similarity else (0.0, ""))
        start = end
    return out
