"""The postings arrays written with each generation answer exactly as whoosh's own postings do."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search.errors import IndexError_
from search.indexing.arrays import PREFIX, ArrayPostings, has_arrays
from search.indexing.postings import EMPTY, WhooshPostings
from search.indexing.schema import SCORED_FIELDS
from search.indexing.store import current_generation
from search.query.searcher import Searcher
from tests.conftest import settings_for
from tests.support.generations import without


def _opened(generation: Path) -> tuple[WhooshPostings, list[str]]:
    reader = whoosh_index.open_dir(str(generation)).reader()
    docs = list(reader.iter_docs())
    return WhooshPostings(reader, [d for d, _ in docs]), [stored["slug"] for _, stored in docs]


def test_arrays_answer_every_term_as_whoosh_does(clinic_index: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None and has_arrays(generation)
    whoosh, slugs = _opened(generation)
    arrays = ArrayPostings(generation, slugs)
    assert set(arrays.vocabulary) == set(whoosh.vocabulary) and len(arrays.vocabulary) == len(whoosh.vocabulary)
    for name in SCORED_FIELDS:
        # whoosh reads a field a page leaves empty as NaN; the arrays hold 0 (its mean is then right)
        assert np.array_equal(np.nan_to_num(whoosh.field_lengths(name)), arrays.field_lengths(name)), name
    for term in whoosh.vocabulary:
        ours, theirs = arrays.postings(term), whoosh.postings(term)
        assert np.array_equal(ours.union, theirs.union), term
        assert ours.fields.keys() == theirs.fields.keys(), term
        for name, (docs, weights) in theirs.fields.items():
            assert np.array_equal(ours.fields[name][0], docs) and np.allclose(ours.fields[name][1], weights), term
    assert arrays.postings("zzzqqq") is EMPTY and "zzzqqq" not in arrays.vocabulary
    post = arrays.postings("neuropathic")
    assert all(post.has(int(d)) for d in post.union) and not post.has(-1) and not post.has(10_000)
    for doc in range(arrays.doc_count):  # which fields of one page hold the term, by binary search
        expected = tuple(name for name, (docs, _) in post.fields.items() if doc in docs.tolist())
        assert post.fields_of(doc) == expected


def test_a_generation_without_arrays_is_served_by_whoosh(clinic_index: Path, clinic: Searcher, tmp_path: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None
    older = Searcher(settings_for(without(generation, PREFIX, tmp_path / "index")))
    assert isinstance(older.snapshot.bm25.store, WhooshPostings)
    assert isinstance(clinic.snapshot.bm25.store, ArrayPostings)
    for query in ("burning nerve pain", "nueropathy gabapentin", "cant sleep since the baby", "ptsd nightmares"):
        ours, theirs = clinic.search(query), older.search(query)
        assert [(h.slug, h.score, h.confidence) for h in ours.hits] == [
            (h.slug, h.score, h.confidence) for h in theirs.hits
        ]


def test_arrays_for_other_pages_are_refused(clinic_index: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None
    _, slugs = _opened(generation)
    with pytest.raises(IndexError_, match=r"postings arrays of .* do not match its pages; run `condsearch index`"):
        ArrayPostings(generation, list(reversed(slugs)))


def test_damaged_arrays_name_the_fix(clinic_index: Path, tmp_path: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None
    copy = tmp_path / generation.name
    shutil.copytree(generation, copy)
    (copy / f"{PREFIX}body.docs.npy").write_bytes(b"not an array")
    _, slugs = _opened(generation)
    with pytest.raises(
        IndexError_, match=r"postings arrays of .* cannot be read .*; run `condsearch index` to rebuild"
    ):
        ArrayPostings(copy, slugs)
