"""The crisis classifier: asked when the rules are silent, never over a figure of speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP, load_encoder
from search.errors import ConfigError
from search.probe import NGRAM_BUCKETS, char_ngrams
from search.query.searcher import Searcher
from search.safety import detect
from search.safety.classify import CATEGORY, CrisisClassifier, load_classifier, save_classifier
from search.settings import Settings


def test_the_shipped_classifier_reads_this_model_and_keeps_a_high_bar() -> None:
    model = load_classifier(Settings().crisis_classifier or Path())
    assert model.stamp == STAMP
    assert 0.9 <= model.threshold < 1.0


def test_what_the_rules_miss_is_caught_by_meaning(clinic: Searcher) -> None:
    query = "everything feels pointless and i want it to end"
    assert detect(query, clinic.rules).crisis is None
    result = clinic.search(query, limit=3)
    assert result.safety is not None and result.safety.category == CATEGORY
    assert result.hits[0].slug == "suicidal-ideation"


@pytest.mark.parametrize("query", ["me muero de sueño", "my back pain is killing me"])
def test_a_recognised_figure_of_speech_is_never_second_guessed(clinic: Searcher, query: str) -> None:
    assert detect(query, clinic.rules).figure is not None
    assert clinic.search(query).safety is None


def test_without_the_classifier_only_the_rules_speak(clinic: Searcher) -> None:
    rules_only = Searcher(clinic.settings.model_copy(update={"crisis_classifier": None}))
    assert rules_only.classifier is None
    assert rules_only.search("everything feels pointless and i want it to end").safety is None


def test_round_trip_and_probability(tmp_path: Path) -> None:
    weights = np.zeros(512, dtype=np.float32)
    weights[0] = 4.0
    model = CrisisClassifier(weights, -2.0, 0.5, STAMP)
    save_classifier(model, tmp_path / "c.npz")
    again = load_classifier(tmp_path / "c.npz")
    assert again.stamp == STAMP and again.threshold == 0.5
    vector = np.zeros(512, dtype=np.float32)
    assert again.probability(vector) == pytest.approx(1 / (1 + np.exp(2.0)))
    vector[0] = 1.0
    assert again.flags(vector)


def test_char_ngrams_are_folded_hashed_and_normalised() -> None:
    buckets, values = char_ngrams("Quiero MORIRME")
    again, same = char_ngrams("quiero morírme")
    assert buckets.tolist() == again.tolist() and values.tolist() == pytest.approx(same.tolist())
    assert float(np.linalg.norm(values)) == pytest.approx(1.0)
    assert buckets.min() >= 0 and buckets.max() < NGRAM_BUCKETS and len(set(buckets.tolist())) == buckets.size
    # " quiero " (8 characters) has 6 + 5 + 4 grams of 3, 4 and 5; " morirme " (9) has 7 + 6 + 5
    assert buckets.size == 15 + 18
    empty, nothing = char_ngrams("?!")
    assert empty.size == 0 and nothing.size == 0


def test_ngram_weights_round_trip_and_read_the_text(tmp_path: Path) -> None:
    ngrams = np.zeros(NGRAM_BUCKETS, dtype=np.float32)
    buckets, _ = char_ngrams("kms")
    ngrams[buckets] = 3.0
    model = CrisisClassifier(np.zeros(512, dtype=np.float32), -2.0, 0.5, STAMP, ngrams=ngrams)
    save_classifier(model, tmp_path / "c.npz")
    again = load_classifier(tmp_path / "c.npz")
    assert again.ngrams is not None and np.array_equal(again.ngrams, ngrams)
    vector = np.zeros(512, dtype=np.float32)
    assert again.flags(vector, "kms") and not again.flags(vector, "knees")
    assert again.probability(vector) == pytest.approx(1 / (1 + np.exp(2.0)))  # no text: the vector alone


def test_a_missing_file_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "missing.npz"
    with pytest.raises(ConfigError) as caught:
        load_classifier(path)
    assert str(caught.value).startswith(f"{path}: cannot read the crisis classifier (")
    assert str(caught.value).endswith("); run `python scripts/fit_crisis.py --write` to write it again")


def test_a_classifier_for_another_model_is_refused(tmp_path: Path, clinic: Searcher) -> None:
    other = STAMP.__class__("another-model", "9", 512)
    save_classifier(CrisisClassifier(np.zeros(512, dtype=np.float32), 0.0, 0.9, other), tmp_path / "c.npz")
    with pytest.raises(ConfigError, match=r"c\.npz: fitted on vectors of .*another-model.*fit_crisis\.py --write"):
        Searcher(clinic.settings.model_copy(update={"crisis_classifier": tmp_path / "c.npz"}))
    assert load_encoder().stamp == STAMP
