"""Nearby: how much nearer past in-scope queries are than out-of-scope ones, for the corpus it was written for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP
from search.errors import ConfigError
from search.probe import pages_digest
from search.query.nearby import NEUTRAL_NEARBY, ScopeNeighbours, load_scope_neighbours, save_scope_neighbours
from search.query.searcher import Searcher
from search.settings import Settings
from tests.conftest import settings_for, two_page_index


def _unit(*hot: float) -> np.ndarray:
    vector = np.zeros(STAMP.dimensions, dtype=np.float32)
    vector[: len(hot)] = hot
    return vector / np.linalg.norm(vector)


def _model() -> ScopeNeighbours:
    rows = np.stack([_unit(1.0, 0.0), _unit(1.0, 0.5), _unit(0.0, 1.0)])
    return ScopeNeighbours(rows, np.array([True, True, False]), STAMP, pages_digest(["a", "b"]))


def test_the_lead_is_the_nearest_inside_row_over_the_nearest_outside_one() -> None:
    model = _model()
    assert model.reading(_unit(1.0, 0.0)) == pytest.approx((1.0 + 1.0 - 0.0) / 2)
    assert model.reading(_unit(0.0, 1.0)) == pytest.approx((1.0 + float(_unit(1.0, 0.5)[1]) - 1.0) / 2)
    # A row left out (a tuning file reading the others, as scripts/calibrate.py does) is never the nearest.
    keep = np.array([False, True, True])
    lead = model.leads(_unit(1.0, 0.0)[None, :], keep=keep)[0]
    assert lead == pytest.approx(float(_unit(1.0, 0.5)[0]))


def test_round_trip_in_half_precision_and_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    save_scope_neighbours(_model(), tmp_path / "n.npz")
    again = load_scope_neighbours(tmp_path / "n.npz")
    assert again.inside.tolist() == [True, True, False] and again.stamp == STAMP and again.pages == _model().pages
    assert again.vectors.dtype == np.float32
    one_sided = ScopeNeighbours(_model().vectors, np.array([True, True, True]), STAMP, "")
    save_scope_neighbours(one_sided, tmp_path / "bad.npz")
    with pytest.raises(ConfigError) as caught:
        load_scope_neighbours(tmp_path / "bad.npz")
    assert str(caught.value) == (
        f"{tmp_path / 'bad.npz'}: expected rows of 512 dimensions, some answered by a page and some not; got "
        "vectors (3, 512) and labels (3,); run `python scripts/calibrate.py --write` to write it again"
    )
    with pytest.raises(ConfigError, match=r"missing\.npz: cannot read the scope neighbours .*calibrate\.py --write"):
        load_scope_neighbours(tmp_path / "missing.npz")


def test_the_shipped_neighbours_are_for_the_clinic_pages(clinic: Searcher) -> None:
    """A page added or removed needs them written again: they would otherwise stay neutral on the site."""
    model = load_scope_neighbours(Settings().scope_neighbours or Path())
    assert model.stamp == STAMP and model.pages == clinic.snapshot.digest
    assert model.inside.any() and not model.inside.all()


# Queries of my own (none is in a dev set): everyday detail around a symptom, and a site question.
@pytest.mark.parametrize(
    ("inside", "outside"),
    [
        ("karaoke night with coworkers makes me sweat and blush", "do you take tricare"),
        ("the drill press at work jolts my elbow and my fingers tingle for hours", "gift shop opening hours"),
    ],
)
def test_a_symptom_in_everyday_words_reads_nearer_than_a_site_question(
    clinic: Searcher, inside: str, outside: str
) -> None:
    near, far = clinic.explain(inside).scope_features, clinic.explain(outside).scope_features
    assert near is not None and far is not None
    assert near.nearby > NEUTRAL_NEARBY > far.nearby


def test_off_or_on_another_corpus_it_reads_neutral(clinic: Searcher, tmp_path: Path) -> None:
    off = Searcher(settings_for(Path(clinic.settings.index_dir)).model_copy(update={"scope_neighbours": None}))
    features = off.explain("karaoke night with coworkers makes me sweat and blush").scope_features
    assert off.nearby is None and features is not None and features.nearby == NEUTRAL_NEARBY
    other = Searcher(settings_for(two_page_index(tmp_path)))
    assert other.nearby is not None and other.nearby.pages != other.snapshot.digest
    features = other.explain("alpha pain").scope_features
    assert features is not None and features.nearby == NEUTRAL_NEARBY


def test_neighbours_for_another_model_are_refused(tmp_path: Path, clinic: Searcher) -> None:
    model = _model()
    other = STAMP.__class__("another-model", "9", 512)
    save_scope_neighbours(ScopeNeighbours(model.vectors, model.inside, other, model.pages), tmp_path / "n.npz")
    with pytest.raises(ConfigError, match=r"n\.npz: fitted on vectors of .*another-model.*calibrate\.py --write"):
        Searcher(clinic.settings.model_copy(update={"scope_neighbours": tmp_path / "n.npz"}))
