"""The postings interface the ranker reads, and the whoosh store behind it.

Ranking sees only `PostingsStore`: vocabulary, document count, field lengths and a term's postings
per field, with documents as dense positions 0..doc_count-1. Another store (memory-mapped arrays,
another engine's reader) can replace whoosh here without touching ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
from whoosh.reading import IndexReader

from search.errors import IndexError_
from search.indexing.schema import SCORED_FIELDS

# Postings this short are asked through a set as well: a lookup, not a numpy binary search per
# question (a clinic query asks some 300 of them); longer ones stay arrays only, as at 100,000 pages.
SMALL = 64


@dataclass(frozen=True)
class TermPostings:
    """One term's postings: per field, (document positions ascending, term frequencies).

    The arrays may be 32-bit views of a generation's files (ArrayPostings) or 64-bit (whoosh).
    """

    fields: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    union: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # ascending positions

    @property
    def df(self) -> int:
        """Documents holding the term in any field."""
        return int(self.union.size)

    def has(self, doc: int) -> bool:
        """Whether the document holds the term in any field."""
        if self.union.size <= SMALL:
            return doc in self._held
        return _holds(self.union, doc)

    @cached_property
    def _held(self) -> frozenset[int]:
        return frozenset(self.union.tolist())

    @cached_property
    def _held_by_field(self) -> dict[str, frozenset[int]]:
        return {name: frozenset(docs.tolist()) for name, (docs, _) in self.fields.items() if docs.size <= SMALL}

    def fields_of(self, doc: int) -> tuple[str, ...]:
        """The fields of one document that hold the term: a binary search per field.

        A common term at 100,000 pages is on tens of thousands of them; a table of all its
        documents, built to answer one, cost a second per query.
        """
        return tuple(name for name in self.fields if self.in_field(doc, name))

    def in_field(self, doc: int, name: str) -> bool:
        """Whether one field of the document holds the term (a binary search)."""
        small = self._held_by_field.get(name)
        if small is not None:
            return doc in small
        held = self.fields.get(name)
        return held is not None and _holds(held[0], doc)


def _holds(docs: np.ndarray, doc: int) -> bool:
    """Whether ascending positions hold a document: a binary search with a key of the array's own
    width (a Python int would make numpy convert the whole 32-bit array first)."""
    i = int(docs.searchsorted(docs.dtype.type(doc)))
    return i < docs.size and int(docs[i]) == doc


EMPTY = TermPostings()


class PostingsStore(Protocol):
    """What ranking needs from an index."""

    @property
    def vocabulary(self) -> Collection[str]:
        """Every term some live document holds in a scored field."""

    @property
    def doc_count(self) -> int:
        """Documents in the index (positions run 0..doc_count-1)."""

    def field_lengths(self, name: str) -> np.ndarray:
        """Terms per document in one field, by position."""

    def postings(self, term: str) -> TermPostings:
        """A term's postings in every scored field (EMPTY when no document has it)."""


class WhooshPostings:
    """Postings read from a whoosh reader, decoded once per term and cached."""

    def __init__(self, reader: IndexReader, docnums: Sequence[int]) -> None:
        self._reader = reader
        self._docnums = list(docnums)
        # whoosh doc numbers -> dense positions (deleted documents have none)
        top = max(self._docnums, default=-1) + 1
        self._position = np.full(top, -1, dtype=np.int64)
        self._position[np.asarray(self._docnums, dtype=np.int64)] = np.arange(len(self._docnums))
        self._cache: dict[str, TermPostings] = {}
        self._terms = frozenset(term for name in SCORED_FIELDS for term in _field_terms(reader, name))
        # Deleted documents stay in whoosh's segments (and their words in its lexicon) until a merge;
        # a word only a deleted page held must not count as known, or an incrementally built index
        # answers differently from a fresh build of the same pages.
        self._vocabulary = LiveTerms(self._terms, self.postings, exact=not reader.has_deletions())

    @property
    def vocabulary(self) -> Collection[str]:
        """Every term some live document holds in a scored field."""
        return self._vocabulary

    @property
    def doc_count(self) -> int:
        """Live documents."""
        return len(self._docnums)

    def field_lengths(self, name: str) -> np.ndarray:
        """Terms per document in one field."""
        return np.array([self._reader.doc_field_length(d, name, 0) for d in self._docnums], dtype=np.float64)

    def postings(self, term: str) -> TermPostings:
        """Cached postings of a term in every scored field."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        result = self._read(term) if term in self._terms else EMPTY
        self._cache[term] = result
        return result

    def _read(self, term: str) -> TermPostings:
        per_field: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in SCORED_FIELDS:
            if (name, term) not in self._reader:
                continue
            ids: list[int] = []
            weights: list[float] = []
            try:
                matcher = self._reader.postings(name, term)
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
            except Exception as exc:  # whoosh raises many types for damaged files
                raise IndexError_(
                    f"the index cannot be read ({type(exc).__name__}: {exc}); run `condsearch index` to rebuild it"
                ) from None
            pos = self._position[np.asarray(ids, dtype=np.int64)]
            keep = pos >= 0
            if keep.any():  # a field only deleted documents used says nothing about live ones
                per_field[name] = (pos[keep], np.asarray(weights, dtype=np.float64)[keep])
        seen = [docs for docs, _ in per_field.values()]
        union = np.unique(np.concatenate(seen)) if seen else np.empty(0, dtype=np.int64)
        return TermPostings(per_field, union)


class LiveTerms(Collection[str]):
    """Indexed terms, less those only deleted documents hold (checked per term, when asked)."""

    def __init__(self, terms: frozenset[str], postings: Callable[[str], TermPostings], exact: bool) -> None:
        self._terms = terms
        self._postings = postings
        self._exact = exact  # no deletions: every indexed term is live

    def __contains__(self, term: object) -> bool:
        if term not in self._terms:
            return False
        return self._exact or self._postings(str(term)).df > 0

    def __iter__(self) -> Iterator[str]:
        return (t for t in self._terms if t in self)

    def __len__(self) -> int:
        return len(self._terms) if self._exact else sum(1 for _ in self)


def _field_terms(reader: IndexReader, name: str) -> list[str]:
    if name not in reader.indexed_field_names():
        return []
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(name)]
