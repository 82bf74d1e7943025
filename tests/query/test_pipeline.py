"""The whole pipeline on the clinic index: explanation, confidence, did-you-mean, safety."""

from __future__ import annotations

import pytest

from search.query.pipeline import Searcher
from search.query.rerank import phrase_scores, similarity


def test_phrase_similarity_credits_partial_cover() -> None:
    assert similarity("burning nerve pain", "burning nerve pain treatment") > 0.85
    assert similarity("burning nerve pain", "treatment of sleep") < 0.6
    [(score, phrase)] = phrase_scores(
        [("burning nerve pain", 1.0)], [["sleep problems", "burning nerve pain treatment"]]
    )
    assert phrase == "burning nerve pain treatment" and score > 0.85


def test_explanation_names_fields_phrase_corrections_and_synonyms(clinic: Searcher) -> None:
    result = clinic.search("nueropathy not responding to lyrica")
    top = result.hits[0]
    assert top.slug in ("neuropathic-pain", "diabetic-neuropathy")
    assert "nueropathy -> neuropathy" in top.matched.corrections
    assert any("pregabalin" in s for s in top.matched.synonyms)
    assert top.matched.fields
    assert result.corrected_query == "neuropathy not responding lyrica"


def test_exact_words_need_no_correction(clinic: Searcher) -> None:
    result = clinic.search("neuropathic pain")
    assert result.corrected_query is None
    assert result.hits[0].matched.corrections == ()


def test_confidence_is_a_probability_and_orders_hits(clinic: Searcher) -> None:
    result = clinic.search("cluster headache")
    assert all(0.0 <= h.confidence <= 1.0 for h in result.hits)
    assert result.hits[0].confidence > 0.8
    assert not result.unmatched


def test_nonsense_is_unmatched(clinic: Searcher) -> None:
    result = clinic.search("qwzx vbnm")
    assert result.hits == () and result.total == 0 and result.unmatched


def test_snippets_mark_matched_words_and_escape_text(clinic: Searcher) -> None:
    hit = clinic.search("burning feet at night").hits[0]
    assert "<mark>" in hit.snippet
    assert "<script" not in clinic.search("<script>alert(1)</script> pain").hits[0].snippet


def test_safety_notice_sits_above_results_without_hiding_them(clinic: Searcher) -> None:
    result = clinic.search("i want to kill myself depression")
    assert result.safety is not None and "988" in " ".join(result.safety.lines)
    assert result.hits, "the notice must not hide results"
    assert clinic.search("suicide headache").safety is None


@pytest.mark.parametrize("raw", ["", "   ", "?!", "\x00", "é" * 5000, "title:x OR y~ *", "😀 pain"])
def test_odd_input_never_raises(clinic: Searcher, raw: str) -> None:
    result = clinic.search(raw)
    assert result.took_ms >= 0


def test_paging(clinic: Searcher) -> None:
    first = clinic.search("pain", limit=3)
    second = clinic.search("pain", limit=3, offset=3)
    assert len(first.hits) == 3 and first.total > 6
    assert not {h.slug for h in first.hits} & {h.slug for h in second.hits}
