"""Precedents: the nearest past queries vote for their pages, for the corpus they were written for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedding import STAMP
from search.errors import ConfigError
from search.probe import pages_digest
from search.query.precedent import Precedents, load_precedents, save_precedents
from search.query.searcher import Searcher
from search.settings import Settings
from tests.conftest import settings_for, two_page_index


def _unit(*hot: float) -> np.ndarray:
    vector = np.zeros(STAMP.dimensions, dtype=np.float32)
    vector[: len(hot)] = hot
    return vector / np.linalg.norm(vector)


def _model() -> Precedents:
    rows = np.stack([_unit(1.0, 0.0), _unit(1.0, 0.2), _unit(0.0, 1.0), _unit(-1.0, 0.0)])
    slugs = ("a", "b", "c")
    return Precedents(slugs, rows, np.array([0, 1, 2, 2]), STAMP, pages_digest(slugs))


def test_the_k_nearest_vote_by_cosine_and_the_shares_sum_to_one() -> None:
    model = _model()
    votes = model.votes(_unit(1.0, 0.0), 2)
    cos_b = float(_unit(1.0, 0.2) @ _unit(1.0, 0.0))
    assert votes.tolist() == pytest.approx([1 / (1 + cos_b), cos_b / (1 + cos_b), 0.0])
    assert float(model.votes(_unit(1.0, 0.0), 4).sum()) == pytest.approx(1.0)  # a negative cosine votes nothing
    by_doc = model.by_doc(_unit(0.0, 1.0), {"c": 0, "a": 2, "z": 1}, 3, 1)  # a generation's own order
    assert by_doc.tolist() == pytest.approx([1.0, 0.0, 0.0])


def test_round_trip_in_half_precision_and_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    save_precedents(_model(), tmp_path / "p.npz")
    again = load_precedents(tmp_path / "p.npz")
    assert again.slugs == ("a", "b", "c") and again.stamp == STAMP and again.pages == _model().pages
    assert again.labels.tolist() == [0, 1, 2, 2] and again.vectors.dtype == np.float32
    bad = Precedents(("a",), _model().vectors, np.array([0, 1, 2, 2]), STAMP, "")
    save_precedents(bad, tmp_path / "bad.npz")
    with pytest.raises(ConfigError) as caught:
        load_precedents(tmp_path / "bad.npz")
    assert str(caught.value) == (
        f"{tmp_path / 'bad.npz'}: expected rows of 512 dimensions, each labelled with one of 1 pages; got vectors "
        "(4, 512) and labels (4,); run `python scripts/fit_precedents.py --write` to write it again"
    )
    with pytest.raises(ConfigError, match=r"missing\.npz: cannot read the precedents .*fit_precedents\.py --write"):
        load_precedents(tmp_path / "missing.npz")


def test_the_shipped_precedents_are_for_the_clinic_pages(clinic: Searcher) -> None:
    """A page added or removed needs them written again: they would otherwise stay silent on the site."""
    model = load_precedents(Settings().precedents or Path())
    assert model.stamp == STAMP and model.pages == clinic.snapshot.digest
    assert set(model.slugs) == {page.slug for page in clinic.pages()}


def test_the_vote_moves_hits_only_where_it_was_written(clinic: Searcher, tmp_path: Path) -> None:
    query = "my mood goes up and down for weeks"  # a query of my own the vote reorders (round 16)
    served = clinic.explain(query).ranked.hits
    off = Searcher(settings_for(Path(clinic.settings.index_dir)).model_copy(update={"precedents": None}))
    assert off.precedents is None and [h.doc for h in served] != [h.doc for h in off.explain(query).ranked.hits]
    index_dir = two_page_index(tmp_path)
    other = Searcher(settings_for(index_dir))
    assert other.precedents is not None and other.precedents.pages != other.snapshot.digest
    without = Searcher(settings_for(index_dir).model_copy(update={"precedents": None}))
    assert other.explain("alpha pain").ranked == without.explain("alpha pain").ranked


def test_precedents_for_another_model_are_refused(tmp_path: Path, clinic: Searcher) -> None:
    model = _model()
    other = STAMP.__class__("another-model", "9", 512)
    save_precedents(Precedents(model.slugs, model.vectors, model.labels, other, model.pages), tmp_path / "p.npz")
    with pytest.raises(ConfigError, match=r"p\.npz: fitted on vectors of .*another-model.*fit_precedents\.py --write"):
        Searcher(clinic.settings.model_copy(update={"precedents": tmp_path / "p.npz"}))
