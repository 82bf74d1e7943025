"""The nearest page, from the real pipeline: proposed only when its confidence clears the unmatched threshold."""

from __future__ import annotations

from search.analytics.nearest import nearest_page
from search.query.searcher import Searcher
from tests.conftest import PROJECT_ROOT

CONDITIONS = PROJECT_ROOT / "data" / "conditions"


def test_a_page_the_pipeline_answers_with_confidently_fits(clinic: Searcher) -> None:
    found = nearest_page(clinic, CONDITIONS, "migraine")
    assert found is not None
    assert (found.slug, found.file, found.fits) == ("migraine", "data/conditions/migraine.md", True)
    assert found.score is not None and found.score >= clinic.unmatched_threshold


def test_the_nearest_of_poor_candidates_is_named_but_does_not_fit(clinic: Searcher) -> None:
    # The pipeline ranks a page first for this, far below the threshold: adding the text there would damage it.
    found = nearest_page(clinic, CONDITIONS, "hair transplant cost")
    explained = clinic.explain("hair transplant cost", depth=1)
    assert explained.confidences and explained.confidences[0] < clinic.unmatched_threshold
    assert found is not None and found.fits is False
    assert found.score == round(explained.confidences[0], 3)  # as the hit shows it


def test_a_page_found_by_meaning_alone_is_named_but_does_not_fit(clinic: Searcher) -> None:
    # No page mentions vertigo: the nearest page by meaning is shown, flagged, and never proposed.
    found = nearest_page(clinic, CONDITIONS, "vertigo")
    assert found is not None and found.fits is False


def test_nothing_comes_close_for_a_text_off_the_sites_subject(clinic: Searcher) -> None:
    assert nearest_page(clinic, CONDITIONS, "asdfgh qwerty") is None
