"""The postings interface: ranking reads only it, so a second store ranks exactly as whoosh does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from search.indexing.postings import EMPTY, PostingsStore, TermPostings
from search.indexing.schema import SCORED_FIELDS
from search.query.bm25 import Bm25F
from search.query.searcher import Searcher


class CopiedPostings:
    """A second store: every term's postings copied into plain dicts of arrays up front."""

    def __init__(self, source: PostingsStore) -> None:
        self._vocabulary = frozenset(source.vocabulary)
        self._count = source.doc_count
        self._lengths = {name: source.field_lengths(name).copy() for name in SCORED_FIELDS}
        self._terms: Mapping[str, TermPostings] = {t: source.postings(t) for t in source.vocabulary}

    @property
    def vocabulary(self) -> frozenset[str]:
        return self._vocabulary

    @property
    def doc_count(self) -> int:
        return self._count

    def field_lengths(self, name: str) -> np.ndarray:
        return self._lengths[name]

    def postings(self, term: str) -> TermPostings:
        return self._terms.get(term, EMPTY)


def test_the_served_store_answers_the_interface(clinic: Searcher) -> None:
    store = clinic.snapshot.bm25.store
    assert store.doc_count == len(clinic.pages())
    post = store.postings("neuropathic")
    assert post.df > 0 and set(post.fields) <= set(SCORED_FIELDS)
    for docs, freqs in post.fields.values():
        assert list(docs) == sorted(docs) and (freqs > 0).all()
    assert store.postings("zzzqqq") is EMPTY and store.field_lengths("title").shape == (store.doc_count,)


def test_another_store_ranks_identically(clinic: Searcher) -> None:
    snap = clinic.snapshot
    other = replace(snap, bm25=Bm25F(CopiedPostings(snap.bm25.store), clinic.config.retrieve), sentence_cache={})
    for query in ("burning nerve pain", "nueropathy gabapentin", "cant sleep since the baby", "migrane aura"):
        ours = clinic._search(snap, query, 10, 0)
        theirs = clinic._search(other, query, 10, 0)
        assert [(h.slug, h.score, h.confidence) for h in ours.hits] == [
            (h.slug, h.score, h.confidence) for h in theirs.hits
        ]
