"""Vector models: the topic model speaks only for the corpus it was fitted on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP
from search.errors import ConfigError
from search.probe import VectorModel, load_vector_model, pages_digest, save_vector_model
from search.query.confidence import NEUTRAL_MEANING
from search.query.searcher import Searcher
from search.settings import Settings
from tests.conftest import settings_for, two_page_index


def test_pages_digest_is_the_set_not_the_order() -> None:
    assert pages_digest(["b", "a"]) == pages_digest(["a", "b"]) != pages_digest(["a"])


def test_round_trip_keeps_the_corpus_digest(tmp_path: Path) -> None:
    model = VectorModel(np.ones(512, dtype=np.float32), -1.0, 0.5, STAMP, pages_digest(["x"]))
    save_vector_model(model, tmp_path / "m.npz")
    again = load_vector_model(tmp_path / "m.npz", "topic model", "fix it")
    assert again.pages == model.pages and again.bias == -1.0 and again.stamp == STAMP


def test_wrong_shape_is_named(tmp_path: Path) -> None:
    save_vector_model(VectorModel(np.ones(3, dtype=np.float32), 0.0, 0.5, STAMP), tmp_path / "m.npz")
    with pytest.raises(ConfigError) as caught:
        load_vector_model(tmp_path / "m.npz", "topic model", "run the script")
    assert str(caught.value) == f"{tmp_path / 'm.npz'}: weights have shape (3,), expected (512,); run the script"


def test_the_shipped_topic_model_is_for_the_clinic_pages(clinic: Searcher) -> None:
    topic = load_vector_model(Settings().topic_model or Path(), "topic model", "")
    assert topic.stamp == STAMP
    assert topic.pages == clinic.snapshot.digest


def test_meaning_separates_the_clinic_topics_from_the_rest(clinic: Searcher) -> None:
    on_topic = clinic.explain("my feet burn and tingle every night").scope_features
    off_topic = clinic.explain("where do I park for my appointment").scope_features
    assert on_topic is not None and off_topic is not None
    assert on_topic.meaning > 0.5 > off_topic.meaning


def test_another_corpus_gets_a_neutral_meaning(tmp_path: Path) -> None:
    searcher = Searcher(settings_for(two_page_index(tmp_path)))
    assert searcher.topic is not None  # loaded, but fitted for other pages
    features = searcher.explain("alpha pain").scope_features
    assert features is not None and features.meaning == NEUTRAL_MEANING
