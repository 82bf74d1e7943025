"""The Searcher on the clinic index: explanation, confidence, did-you-mean, safety, odd input."""

from __future__ import annotations

import pytest

from search.query.searcher import Searcher


def test_explanation_names_fields_phrase_corrections_and_synonyms(clinic: Searcher) -> None:
    result = clinic.search("nueropathy not responding to lyrica")
    top = result.hits[0]
    assert top.slug in ("neuropathic-pain", "diabetic-neuropathy")
    assert "nueropathy -> neuropathy" in top.matched.corrections
    assert any("pregabalin" in s for s in top.matched.synonyms)
    assert top.matched.fields
    assert result.corrected_query == "neuropathy not responding to lyrica"  # every typed word kept


def test_exact_words_need_no_correction(clinic: Searcher) -> None:
    result = clinic.search("neuropathic pain")
    assert result.corrected_query is None
    assert result.hits[0].matched.corrections == ()


def test_hits_come_best_first_with_confidence_as_a_probability(clinic: Searcher) -> None:
    result = clinic.search("cluster headache")
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    assert all(0.0 <= h.confidence <= 1.0 for h in result.hits)
    assert result.hits[0].slug == "cluster-headache" and result.hits[0].confidence > 0.8
    assert not result.unmatched


def test_explain_shows_every_stage_and_agrees_with_search(clinic: Searcher) -> None:
    explained = clinic.explain("nueropathy pain")
    result = clinic.search("nueropathy pain")
    assert [clinic.pages()[h.doc].slug for h in explained.ranked.hits][:3] == [h.slug for h in result.hits][:3]
    assert [round(c, 3) for c in explained.confidences][:3] == [h.confidence for h in result.hits][:3]
    assert explained.plan.corrections and len(explained.features) == len(explained.ranked.hits)


def test_nonsense_is_unmatched(clinic: Searcher) -> None:
    result = clinic.search("qwzx vbnm")
    assert result.hits == () and result.total == 0 and result.unmatched


def test_snippets_mark_matched_words_and_escape_text(clinic: Searcher) -> None:
    hit = clinic.search("burning feet at night").hits[0]
    assert "<mark>" in hit.snippet
    assert "<script" not in clinic.search("<script>alert(1)</script> pain").hits[0].snippet


def test_safety_notice_sits_above_results_without_hiding_them(clinic: Searcher) -> None:
    result = clinic.search("i want to kill myself depression")
    assert result.safety is not None and result.safety.language == "en"
    links = [href for line in result.safety.lines for _, href in line.links]
    assert "tel:988" in links and "sms:988" in links and "tel:911" in links
    assert result.hits, "the notice must not hide results"
    assert clinic.search("suicide headache").safety is None


@pytest.mark.parametrize(
    "raw",
    ["I'm just a burden on my kids", "been stockpiling my sleeping pills", "ya no aguanto, me quiero morir"],
)
def test_a_crisis_message_puts_the_suicidal_thoughts_page_first(clinic: Searcher, raw: str) -> None:
    result = clinic.search(raw)
    assert result.safety is not None
    assert result.hits[0].slug == "suicidal-ideation" and not result.unmatched


def test_a_query_naming_both_pages_keeps_the_other_first(clinic: Searcher) -> None:
    result = clinic.search("ptsd and suicidal thoughts")
    assert result.safety is not None
    assert [h.slug for h in result.hits[:2]] == ["ptsd", "suicidal-ideation"]


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("bipolar depression and i keep thinking about ending my life", "bipolar-depression"),
        ("fibromyalgia for 10 years and i'd rather be dead than live like this", "fibromyalgia"),
        # "si" is Spanish for "if", not the page's short name "SI"
        ("si nadie me ayuda con el ptsd me voy a matar", "ptsd"),
    ],
)
def test_a_crisis_told_beside_a_condition_leads_with_the_crisis_page(clinic: Searcher, raw: str, named: str) -> None:
    """The condition is context: the writer is at risk now, so the crisis page leads and the named page follows."""
    result = clinic.search(raw)
    assert result.safety is not None
    slugs = [h.slug for h in result.hits]
    assert slugs[0] == "suicidal-ideation" and named in slugs[1:3], slugs


def test_a_spanish_crisis_message_gets_the_spanish_notice(clinic: Searcher) -> None:
    result = clinic.search("pienso en quitarme la vida")
    assert result.safety is not None and result.safety.language == "es"
    assert "marca 2" in result.safety.lines[0].text and ("Llamar al 988", "tel:988") in result.safety.lines[0].links


@pytest.mark.parametrize("raw", ["my back is killing me", "cefalea suicida", "suicide headache every night"])
def test_a_figure_of_speech_never_ranks_the_crisis_page(clinic: Searcher, raw: str) -> None:
    result = clinic.search(raw)
    assert result.safety is None
    assert "suicidal-ideation" not in [h.slug for h in result.hits]


@pytest.mark.parametrize("raw", ["i could murder a burger right now lol", "the price of ketamine treatment killed me"])
def test_idiom_words_alone_do_not_lead_with_the_crisis_page(clinic: Searcher, raw: str) -> None:
    """No crisis and no figure recognised: "murder", "killed" alone leave the page second, not first."""
    result = clinic.search(raw, limit=3)
    slugs = [h.slug for h in result.hits]
    assert result.safety is None and len(slugs) > 1 and slugs[0] != "suicidal-ideation"


@pytest.mark.parametrize("raw", ["thoughts of killing mys", "passive death wish"])
def test_words_that_name_the_crisis_page_keep_it_first(clinic: Searcher, raw: str) -> None:
    """An idiom word beside a word of the page's title or phrases ("thoughts", "wish") is not an idiom."""
    assert clinic.search(raw, limit=3).hits[0].slug == "suicidal-ideation"


@pytest.mark.parametrize(
    ("raw", "finds"),
    [("", False), ("   ", False), ("?!", False), ("\x00", False), ("é" * 5000, False), ("😀 pain", True)],
)
def test_odd_input_answers_without_raising(clinic: Searcher, raw: str, finds: bool) -> None:
    result = clinic.search(raw)
    assert bool(result.hits) == finds
    assert result.unmatched or finds
    slugs = {p.slug for p in clinic.pages()}
    assert all(h.slug in slugs and 0.0 <= h.confidence <= 1.0 for h in result.hits)


def test_paging(clinic: Searcher) -> None:
    first = clinic.search("pain", limit=3)
    second = clinic.search("pain", limit=3, offset=3)
    assert len(first.hits) == 3 and first.total > 6
    assert not {h.slug for h in first.hits} & {h.slug for h in second.hits}
