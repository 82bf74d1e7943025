"""Retrieve: Plan -> Candidates, by BM25F of each clause's best alternative."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from search.query.bm25 import Bm25F
from search.query.clauses import Clause
from search.query.config import RetrieveRules
from search.query.expand import Plan


@dataclass(frozen=True)
class Candidates:
    """Every document's BM25F score, and the best few in order."""

    scores: np.ndarray
    docs: tuple[int, ...]  # best first, at most `depth`
    total: int  # documents with any score

    @property
    def top(self) -> float:
        """The best score (0 when nothing matched)."""
        return float(self.scores[self.docs[0]]) if self.docs else 0.0


def retrieve(plan: Plan, bm25: Bm25F, rules: RetrieveRules, depth: int = 0) -> Candidates:
    """Score every document, cut the tail only weak synonyms reach, keep the best candidates."""
    weights = rules.long_field_weights if plan.long else rules.field_weights
    scores = score_clauses(bm25, plan.clauses, weights)
    if scores.size and scores.max() > 0:
        scores = np.where(scores >= rules.min_relative_score * scores.max(), scores, 0.0)
    docs = top_k(scores, max(rules.candidates, depth))
    return Candidates(scores, tuple(docs), int(np.count_nonzero(scores > 0)))


def score_clauses(bm25: Bm25F, clauses: Sequence[Clause], weights: Mapping[str, float]) -> np.ndarray:
    """Sum over clauses of the best alternative's weighted BM25F score, per document."""
    total = np.zeros(bm25.size)
    term_cache: dict[tuple[str, frozenset[str]], np.ndarray | None] = {}
    for clause in clauses:
        best: np.ndarray | None = None
        for alt in clause.alts:
            parts = []
            for term in alt.terms:
                key = (term, alt.skip_fields)
                if key not in term_cache:
                    use = {f: (0.0 if f in alt.skip_fields else w) for f, w in weights.items()}
                    term_cache[key] = bm25.term_scores(term, use)
                scores = term_cache[key]
                if scores is not None:
                    if alt.idf_cap is not None:
                        idf = bm25.term_idf(term) or alt.idf_cap
                        scores = scores * min(1.0, alt.idf_cap / idf)
                    parts.append(scores)
            if not parts:
                continue
            # One term is the common case: np.sum over a list would copy it into a 2-D array first.
            summed = parts[0] if len(parts) == 1 else reduce(np.add, parts)
            alt_scores: np.ndarray = summed * (alt.weight / len(alt.terms))  # a new row: safe to write into
            best = alt_scores if best is None else np.maximum(best, alt_scores, out=best)
        if best is not None:
            total += best
    return total


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k best-scoring documents with a score above zero, best first."""
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]
