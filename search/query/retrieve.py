"""Retrieve: Plan -> Candidates, by BM25F of each clause's best alternative."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    # Three rows reused for every alternative (a long story plans ~170): no fresh 100,000-page row
    # for each sum, product and maximum. 32-bit like the term rows; the total is summed in 64.
    alt_row, best, scaled = (np.empty(bm25.size, dtype=np.float32) for _ in range(3))
    term_cache: dict[tuple[str, frozenset[str]], np.ndarray | None] = {}
    for clause in clauses:
        found = False
        for alt in clause.alts:
            count = 0
            for term in alt.terms:
                key = (term, alt.skip_fields)
                if key not in term_cache:
                    use = {f: (0.0 if f in alt.skip_fields else w) for f, w in weights.items()}
                    term_cache[key] = bm25.term_scores(term, use)
                scores = term_cache[key]
                if scores is None:
                    continue
                if alt.idf_cap is not None:
                    idf = bm25.term_idf(term) or alt.idf_cap
                    scores = np.multiply(scores, min(1.0, alt.idf_cap / idf), out=scaled)
                if count:
                    np.add(alt_row, scores, out=alt_row)
                else:
                    np.copyto(alt_row, scores)
                count += 1
            if not count:
                continue
            np.multiply(alt_row, alt.weight / len(alt.terms), out=alt_row)
            if found:
                np.maximum(best, alt_row, out=best)
            else:
                best, alt_row, found = alt_row, best, True  # swap: the first alternative is the best so far
        if found:
            total += best
    return total


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k best-scoring documents with a score above zero, best first."""
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]
