"""BM25F retrieval over the whoosh index's postings: clauses of weighted alternatives."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from whoosh.reading import IndexReader

from search.errors import IndexError_
from search.indexing.schema import SCORED_FIELDS

# Field weights and length normalisation, chosen by measurement (docs/relevance.md).
FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "phrases": 2.0,
    "aliases": 2.0,
    "symptoms": 1.8,
    "summary": 1.2,
    "faq": 1.0,
    "body": 0.6,
    "icd": 3.0,
}
FIELD_B: Mapping[str, float] = {
    "title": 0.5,
    "phrases": 0.6,
    "aliases": 0.6,
    "symptoms": 0.6,
    "summary": 0.75,
    "faq": 0.75,
    "body": 0.8,
    "icd": 0.0,
}
# A pasted description names many symptoms: one of them in a title must not outweigh a page
# whose text explains several (measured on the long dev sets, docs/relevance.md).
LONG_FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 1.5,
    "phrases": 1.5,
    "aliases": 1.5,
    "symptoms": 1.8,
    "summary": 1.5,
    "faq": 0.8,
    "body": 0.6,
    "icd": 3.0,
}
K1 = 1.2


@dataclass(frozen=True)
class Alt:
    """One way to satisfy a clause: terms (all wanted), a weight, and why it is there."""

    terms: tuple[str, ...]
    weight: float
    origin: str  # "typed", "corrected", "prefix", "joined", "split", "synonym"
    label: str  # what to show in the explanation, e.g. "nueropathy -> neuropathy"
    # A synonym never counts for more than the typed words it came from: its idf is capped at theirs.
    idf_cap: float | None = None
    skip_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Clause:
    """A slot of the query; a document scores the best of its alternatives."""

    alts: tuple[Alt, ...]
    word: str = ""


@dataclass
class Postings:
    """Per-field postings of one term, plus its document frequency over all fields."""

    fields: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    df: int = 0
    docs: frozenset[int] = frozenset()


class FieldStats:
    """Document lengths and postings read from a whoosh reader, cached per term."""

    def __init__(self, reader: IndexReader, docnums: Sequence[int]) -> None:
        self.reader = reader
        self.size = len(docnums)
        # whoosh doc numbers -> dense positions 0..size-1 (deleted documents have none)
        top = max(docnums, default=-1) + 1
        self.position = np.full(top, -1, dtype=np.int64)
        self.position[np.asarray(docnums, dtype=np.int64)] = np.arange(self.size)
        self.norm: dict[str, np.ndarray] = {}
        for name in SCORED_FIELDS:
            lengths = np.array([reader.doc_field_length(d, name, 0) for d in docnums], dtype=np.float64)
            avg = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
            b = FIELD_B[name]
            self.norm[name] = 1.0 - b + b * lengths / avg
        self._cache: dict[str, Postings] = {}
        self.vocabulary: frozenset[str] = frozenset(
            term for name in SCORED_FIELDS for term in _field_terms(reader, name)
        )

    def postings(self, term: str) -> Postings:
        """Cached postings of a term in every text field."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        result = Postings()
        seen: list[np.ndarray] = []
        if term in self.vocabulary:
            for name in SCORED_FIELDS:
                if (name, term) not in self.reader:
                    continue
                ids: list[int] = []
                weights: list[float] = []
                try:
                    matcher = self.reader.postings(name, term)
                    while matcher.is_active():
                        ids.append(matcher.id())
                        weights.append(matcher.weight())
                        matcher.next()
                except Exception as exc:  # whoosh raises many types for damaged files
                    raise IndexError_(
                        f"the index cannot be read ({type(exc).__name__}: {exc}); run `condsearch index` to rebuild it"
                    ) from None
                pos = self.position[np.asarray(ids, dtype=np.int64)]
                keep = pos >= 0
                docs = pos[keep]
                result.fields[name] = (docs, np.asarray(weights, dtype=np.float64)[keep])
                seen.append(docs)
        union = np.unique(np.concatenate(seen)) if seen else np.empty(0, dtype=np.int64)
        result.df = int(union.size)
        result.docs = frozenset(int(d) for d in union)
        self._cache[term] = result
        return result

    def contains(self, term: str, doc: int) -> bool:
        """Whether the document has the term in any text field."""
        return doc in self.postings(term).docs

    def term_idf(self, term: str) -> float | None:
        """The idf of a term, or None when no document has it."""
        post = self.postings(term)
        return self.idf(post.df) if post.df else None

    def idf(self, df: int) -> float:
        """A flat idf, log(1 + N/df): a word on every page still counts (log 2), never zero.

        BM25's usual idf drops to ~0 for a word on most pages. In a small, single-topic corpus
        (29 pages, most about mood or pain) that silences the word the user cared about
        ("depression") and lets an incidental rare word decide (docs/relevance.md).
        """
        return math.log(1.0 + self.size / df)

    def term_scores(self, term: str, weights: Mapping[str, float] = FIELD_WEIGHTS) -> np.ndarray | None:
        """BM25F score of one term for every document (None when it occurs nowhere)."""
        post = self.postings(term)
        if not post.df:
            return None
        tf = np.zeros(self.size)
        for name, (docs, freqs) in post.fields.items():
            tf[docs] += weights[name] * freqs / self.norm[name][docs]
        scores: np.ndarray = self.idf(post.df) * tf * (K1 + 1.0) / (K1 + tf)
        return scores


def _field_terms(reader: IndexReader, name: str) -> list[str]:
    if name not in reader.indexed_field_names():
        return []
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(name)]


def score_clauses(
    stats: FieldStats,
    clauses: Sequence[Clause],
    weights: Mapping[str, float] = FIELD_WEIGHTS,
) -> np.ndarray:
    """Sum over clauses of the best alternative's weighted BM25F score, per document."""
    total = np.zeros(stats.size)
    term_cache: dict[tuple[str, frozenset[str]], np.ndarray | None] = {}
    for clause in clauses:
        best: np.ndarray | None = None
        for alt in clause.alts:
            parts = []
            for term in alt.terms:
                key = (term, alt.skip_fields)
                if key not in term_cache:
                    use = {f: (0.0 if f in alt.skip_fields else w) for f, w in weights.items()}
                    term_cache[key] = stats.term_scores(term, use)
                scores = term_cache[key]
                if scores is not None:
                    if alt.idf_cap is not None:
                        idf = stats.term_idf(term) or alt.idf_cap
                        scores = scores * min(1.0, alt.idf_cap / idf)
                    parts.append(scores)
            if not parts:
                continue
            alt_scores: np.ndarray = alt.weight * (np.sum(parts, axis=0) / len(alt.terms))
            best = alt_scores if best is None else np.maximum(best, alt_scores)
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


def matched_fields(stats: FieldStats, doc: int, terms: Sequence[str]) -> dict[str, list[str]]:
    """For one document: which fields each of the given terms occurs in."""
    out: dict[str, list[str]] = {}
    for term in terms:
        for name, (docs, _) in stats.postings(term).fields.items():
            i = np.searchsorted(docs, doc)
            if i < docs.size and docs[i] == doc:
                out.setdefault(name, []).append(term)
    return out
