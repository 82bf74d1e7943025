"""BM25F over a postings store: per-field weights and length normalisation, a flat idf."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import numpy as np

from search.indexing.postings import PostingsStore, TermPostings
from search.indexing.schema import SCORED_FIELDS
from search.query.config import RetrieveRules


class Bm25F:
    """Scores terms for every document; field norms computed once per generation."""

    def __init__(self, store: PostingsStore, rules: RetrieveRules) -> None:
        self.store = store
        self.rules = rules
        self.size = store.doc_count
        self.norm: dict[str, np.ndarray] = {}
        for name in SCORED_FIELDS:
            lengths = store.field_lengths(name)
            avg = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
            b = rules.field_b[name]
            self.norm[name] = 1.0 - b + b * lengths / avg

    @property
    def vocabulary(self) -> Collection[str]:
        """Every indexed term."""
        return self.store.vocabulary

    def postings(self, term: str) -> TermPostings:
        """A term's postings (cached by the store)."""
        return self.store.postings(term)

    def contains(self, term: str, doc: int) -> bool:
        """Whether the document has the term in any field."""
        return self.store.postings(term).has(doc)

    def term_idf(self, term: str) -> float | None:
        """The idf of a term, or None when no document has it."""
        df = self.store.postings(term).df
        return self.idf(df) if df else None

    def idf(self, df: int) -> float:
        """A flat idf, log(1 + N/df): a word on every page still counts (log 2), never zero.

        BM25's usual idf drops to ~0 for a word on most pages. In a small, single-topic corpus
        (29 pages, most about mood or pain) that silences the word the user cared about
        ("depression") and lets an incidental rare word decide (docs/relevance.md).
        """
        return math.log(1.0 + self.size / df)

    def term_scores(self, term: str, weights: Mapping[str, float]) -> np.ndarray | None:
        """BM25F score of one term for every document (None when it occurs nowhere)."""
        post = self.store.postings(term)
        if not post.df:
            return None
        k1 = self.rules.k1
        tf = np.zeros(self.size)
        for name, (docs, freqs) in post.fields.items():
            tf[docs] += weights[name] * freqs / self.norm[name][docs]
        # Saturate only where the term is: the rest of a 100,000-page row stays zero untouched.
        held = tf[post.union]
        # Rows in 32 bits: a long story sums and compares ~170 alternatives' rows, and at 100,000
        # pages that arithmetic is bound by memory; half the bytes halves it (every clinic and
        # MedlinePlus answer, confidence and correction was checked unchanged).
        scores = np.zeros(self.size, dtype=np.float32)
        scores[post.union] = self.idf(post.df) * (k1 + 1.0) * held / (k1 + held)
        return scores

    def in_fields(self, doc: int, terms: Collection[str], names: Collection[str]) -> bool:
        """Whether any of the terms is in any of the named fields of one document."""
        return any(self.store.postings(t).in_field(doc, name) for t in terms for name in names)

    def matched_fields(self, doc: int, terms: list[str]) -> dict[str, list[str]]:
        """For one document: which fields each of the given terms occurs in."""
        out: dict[str, list[str]] = {}
        for term in terms:
            for name in self.store.postings(term).fields_of(doc):
                out.setdefault(name, []).append(term)
        return out
