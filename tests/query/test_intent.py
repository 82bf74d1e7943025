"""The intent stage: a page model over the query's vector, fitted for one corpus, reordering the hits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP
from search.errors import ConfigError
from search.probe import pages_digest
from search.query.config import IntentRules
from search.query.intent import IntentModel, intent_weight, load_intent_model, reorder, save_intent_model
from search.query.rerank import Ranked, RankedHit
from search.query.searcher import Searcher
from search.settings import Settings
from tests.conftest import settings_for, two_page_index


def _model(slugs: tuple[str, ...], rows: list[list[float]], bias: list[float]) -> IntentModel:
    weights = np.zeros((len(slugs), STAMP.dimensions), dtype=np.float32)
    weights[:, : len(rows[0])] = rows
    return IntentModel(slugs, weights, np.array(bias, dtype=np.float32), STAMP, pages_digest(slugs))


def test_probabilities_sum_to_one_and_follow_the_rows() -> None:
    model = _model(("a", "b", "c"), [[2.0], [0.0], [-2.0]], [0.0, 0.0, 0.0])
    vector = np.zeros(STAMP.dimensions, dtype=np.float32)
    vector[0] = 1.0
    p = model.probabilities(vector)
    assert float(p.sum()) == pytest.approx(1.0) and p[0] > p[1] > p[2]
    by_doc = model.by_doc(vector, {"c": 0, "a": 2, "z": 1}, 3)  # a generation's own order; "b" is not in it
    assert by_doc[2] == pytest.approx(p[0]) and by_doc[0] == pytest.approx(p[2]) and by_doc[1] == 0.0


def test_reorder_adds_the_weighted_probability_to_each_score_over_the_best() -> None:
    ranked = Ranked((RankedHit(0, 2.0, 0.0, "", 2.0, 0.2), RankedHit(1, 1.6, 0.0, "", 1.6)))
    out = reorder(ranked, np.array([0.1, 0.6], dtype=np.float32), 1.0)
    assert [h.doc for h in out.hits] == [1, 0]  # 0.8 + 0.6 beats 1.0 + 0.1
    assert out.hits[0].score == pytest.approx(1.4) and out.hits[0].semantic == pytest.approx(0.6)
    assert out.hits[1].semantic == pytest.approx(0.1 + 0.1)  # its earlier meaning share, over the best, kept
    assert reorder(ranked, np.array([0.1, 0.6], dtype=np.float32), 0.0) is ranked


def test_the_weight_grows_as_the_words_match_less_from_its_floor() -> None:
    rules = IntentRules(weight=1.0, floor=0.5, skip_scope=1.01)
    assert intent_weight(1.0, rules) == pytest.approx(0.5)
    assert intent_weight(0.0, rules) == pytest.approx(1.0)
    assert intent_weight(0.5, IntentRules(weight=2.0, floor=0.0, skip_scope=1.01)) == pytest.approx(1.0)
    assert intent_weight(0.95, IntentRules(weight=1.0, floor=0.5, skip_scope=0.95)) == 0.0  # trusted as it is


def test_round_trip_and_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    model = _model(("a", "b"), [[1.0], [0.0]], [0.5, -0.5])
    save_intent_model(model, tmp_path / "m.npz")
    again = load_intent_model(tmp_path / "m.npz")
    assert again.slugs == ("a", "b") and again.pages == model.pages and again.stamp == STAMP
    assert np.array_equal(again.weights, model.weights) and np.array_equal(again.bias, model.bias)
    bad = IntentModel(("a", "b"), np.zeros((2, 3), dtype=np.float32), np.zeros(2, dtype=np.float32), STAMP, "")
    save_intent_model(bad, tmp_path / "bad.npz")
    with pytest.raises(ConfigError) as caught:
        load_intent_model(tmp_path / "bad.npz")
    assert str(caught.value) == (
        f"{tmp_path / 'bad.npz'}: weights have shape (2, 3) and bias (2,), expected (2, 512) and (2,); "
        "run `python scripts/fit_intent.py --write` to write it again"
    )
    with pytest.raises(ConfigError, match=r"missing\.npz: cannot read the intent model .*fit_intent\.py --write"):
        load_intent_model(tmp_path / "missing.npz")


def test_the_shipped_model_is_for_the_clinic_pages(clinic: Searcher) -> None:
    """A page added or removed needs a refit: the model would otherwise stay silent on the site."""
    model = load_intent_model(Settings().intent_model or Path())
    assert model.stamp == STAMP and model.pages == clinic.snapshot.digest
    assert set(model.slugs) == {page.slug for page in clinic.pages()}


# Paraphrases written for this test (none is in a dev set): the words lean to a neighbour, the meaning does not.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("up for days spending like crazy then flat in bed for weeks", "bipolar-depression"),
        ("cant get over my wife passing three years ago, still set her place at dinner", "prolonged-grief-disorder"),
        ("he locks the door five times and still goes back to check", "ocd"),
    ],
)
def test_meaning_that_past_queries_taught_puts_the_right_page_first(
    clinic: Searcher, query: str, expected: str
) -> None:
    assert clinic.search(query).hits[0].slug == expected


def test_the_stage_moves_hits_only_where_it_was_fitted(clinic: Searcher, tmp_path: Path) -> None:
    query = "up for days spending like crazy then flat in bed for weeks"
    served = clinic.explain(query).ranked.hits
    off = Searcher(settings_for(Path(clinic.settings.index_dir)).model_copy(update={"intent_model": None}))
    assert off.intent is None and [h.doc for h in served] != [h.doc for h in off.explain(query).ranked.hits]
    index_dir = two_page_index(tmp_path)
    other = Searcher(settings_for(index_dir))
    assert other.intent is not None and other.intent.pages != other.snapshot.digest
    without = Searcher(settings_for(index_dir).model_copy(update={"intent_model": None}))
    assert other.explain("alpha pain").ranked == without.explain("alpha pain").ranked
