"""The semantic stage: meaning reorders the lexical hits, more as the word match weakens."""

from __future__ import annotations

import numpy as np
import pytest

from search.query.config import SemanticRules, load_config
from search.query.rerank import Ranked, RankedHit
from search.query.searcher import Searcher
from search.query.semantic import fuse, nearest, scale_sample, semantic_weight, similarities

RULES = SemanticRules(max_weight=0.5, gamma=1.0, skip_scope=0.95, fallback_hits=10, fallback_meaning=0.5)


def test_weight_falls_as_scope_rises_and_stops_above_the_skip() -> None:
    assert semantic_weight(0.0, RULES) == 0.5
    assert semantic_weight(0.5, RULES) == pytest.approx(0.25)
    assert semantic_weight(0.95, RULES) == 0.0
    assert semantic_weight(0.94, RULES) > 0.0


def test_similarities_are_scaled_over_the_pages() -> None:
    pages = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    scaled = similarities(np.array([1.0, 0.0], dtype=np.float32), pages)
    assert scaled.tolist() == pytest.approx([1.0, 0.0, 0.6])


def test_a_large_corpus_is_compared_only_at_its_hits_on_a_sampled_scale() -> None:
    rng = np.random.default_rng(0)
    pages = rng.normal(size=(40, 8)).astype(np.float32)
    pages /= np.linalg.norm(pages, axis=1, keepdims=True)
    query = pages[3]
    assert scale_sample(pages, size=40) is None  # small enough: every page is compared
    sample = scale_sample(pages, size=10)
    assert sample is not None and len(sample) == 10 and sample.flags["C_CONTIGUOUS"]
    scaled = similarities(query, pages, [3, 17], sample)
    cos = pages @ query
    low, high = min(cos[::4].min(), cos[[3, 17]].min()), max(cos[::4].max(), cos[[3, 17]].max())
    assert scaled[3] == pytest.approx(1.0) and scaled[17] == pytest.approx((cos[17] - low) / (high - low))
    assert np.count_nonzero(scaled) == 2  # pages that are not hits are never compared
    # With every page as the sample, the hits read what comparing every page gives.
    assert similarities(query, pages, [3, 17], pages)[[3, 17]].tolist() == pytest.approx(
        similarities(query, pages)[[3, 17]].tolist()
    )


def _ranked(*scores: float) -> Ranked:
    return Ranked(tuple(RankedHit(doc, s, 0.0, "", s) for doc, s in enumerate(scores)))


def test_fuse_reorders_close_hits_by_meaning_and_records_its_share() -> None:
    ranked = _ranked(1.0, 0.9, 0.2)
    scaled = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    fused = fuse(ranked, scaled, 0.4)
    assert [h.doc for h in fused.hits] == [1, 0, 2]
    assert [h.semantic for h in fused.hits] == pytest.approx([0.4, 0.0, 0.2])
    assert fused.hits[0].score == pytest.approx(0.6 * 0.9 + 0.4)


def test_fuse_keeps_a_far_better_word_match_first() -> None:
    fused = fuse(_ranked(1.0, 0.3), np.array([0.0, 1.0], dtype=np.float32), 0.3)
    assert [h.doc for h in fused.hits] == [0, 1]


def test_zero_weight_changes_nothing() -> None:
    ranked = _ranked(1.0, 0.9)
    assert fuse(ranked, np.array([0.0, 1.0], dtype=np.float32), 0.0) is ranked


def test_the_shipped_rules_are_read_from_the_ranking_file() -> None:
    assert load_config().semantic == RULES


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("no puedo dormir", "insomnia"),
        ("failed five antidepressants", "treatment-resistant-depression"),
    ],
)
def test_meaning_reaches_the_page_words_miss(clinic: Searcher, query: str, expected: str) -> None:
    explained = clinic.explain(query)
    assert explained.semantic_weight > 0.0
    assert clinic.pages()[explained.ranked.hits[0].doc].slug == expected


def test_explain_shows_what_meaning_added(clinic: Searcher) -> None:
    result = clinic.search("no puedo dormir", limit=3)
    assert result.hits[0].matched.semantic > 0.0


def test_a_confident_word_match_is_not_encoded(clinic: Searcher) -> None:
    explained = clinic.explain("trigeminal neuralgia")
    assert explained.scope >= load_config().semantic.skip_scope
    assert explained.semantic_weight == 0.0
    assert all(h.semantic == 0.0 for h in explained.ranked.hits)


def test_semantic_off_in_settings_is_words_only(clinic: Searcher) -> None:
    words_only = Searcher(clinic.settings.model_copy(update={"semantic": False}))
    assert words_only.encoder is None
    explained = words_only.explain("no puedo dormir")
    assert explained.semantic_weight == 0.0


def test_nearest_ranks_every_page_by_cosine_alone() -> None:
    pages = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    ranked = nearest(np.array([0.0, 1.0], dtype=np.float32), pages, 2)
    assert [h.doc for h in ranked.hits] == [2, 1]
    assert all(h.bm25 == 0.0 and h.semantic == h.score for h in ranked.hits)
    assert nearest(np.array([0.0, 1.0], dtype=np.float32), pages, 0).hits == ()


def test_meaning_answers_when_no_word_matched_a_page(clinic: Searcher) -> None:
    # Every word is Spanish the pages and lexicon lack: the nearest pages by meaning, flagged unmatched.
    query = "mi esposo ya no disfruta nada y no quiere salir de la cama"
    assert not clinic.plan(query).clauses or not clinic.explain(query).candidates.docs
    result = clinic.search(query, limit=3)
    assert result.unmatched and result.kind == "uncertain"
    assert "major-depressive-disorder" in [h.slug for h in result.hits]


def test_a_query_off_the_sites_subject_still_gets_nothing(clinic: Searcher) -> None:
    result = clinic.search("asdfgh qwerty", limit=3)
    assert result.hits == () and result.kind == "none"
