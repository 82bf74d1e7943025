"""The seed page's plain-text export must parse exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.sources.textexport import parse_text_export, read_text_export, split_glued
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return read_text_export(SEED)[0]


def test_header(seed) -> None:  # type: ignore[no-untyped-def]
    assert seed.title == "Neuropathic Pain"
    assert seed.slug == "neuropathic-pain"
    assert seed.icd11 == ("MG30.5",)
    assert seed.icd11_label == "chronic neuropathic pain"
    assert seed.summary.startswith("Burning, shooting, or electric pain from nerve damage")


def test_glued_search_phrases_are_split(seed) -> None:  # type: ignore[no-untyped-def]
    assert seed.search_phrases == (
        "ketamine for nerve pain",
        "burning nerve pain treatment",
        "neuropathy not responding to gabapentin",
        "ketamine for neuropathic pain",
        "shooting electric pain",
    )


def test_sections_and_subsections(seed) -> None:  # type: ignore[no-untyped-def]
    assert [s.heading for s in seed.sections] == [
        "The short version",
        "Clinical definition",
        "How it differs from related conditions",
        "First-line treatments",
        "When standard treatments fail",
        "Where ketamine fits",
        "Where this fits with Tovani",
        "Frequently asked",
        "References",
    ]
    differs = seed.section("How it differs")
    assert [s.heading for s in differs.subsections] == [
        "vs. Nociceptive pain",
        "vs. Chronic pain",
        "vs. Complex regional pain syndrome",
        "vs. Fibromyalgia",
    ]
    treatments = seed.section("First-line treatments")
    assert [s.heading for s in treatments.subsections][1] == "Gabapentinoids (gabapentin, pregabalin)"
    assert len(seed.section("The short version").text.splitlines()) == 6


def test_faq_pairs(seed) -> None:  # type: ignore[no-untyped-def]
    assert [f.question for f in seed.faq] == [
        "Why don't normal painkillers work for nerve pain?",
        "Is ketamine proven for neuropathic pain?",
        "I have nerve pain and I'm depressed — is that connected?",
        "Will ketamine cure my neuropathy?",
    ]
    assert seed.faq[3].answer.startswith("No. Ketamine can reduce refractory neuropathic pain")


def test_references_review_and_reviewer(seed) -> None:  # type: ignore[no-untyped-def]
    assert [r.pmid for r in seed.references] == ["25575710", "29870458", "23982301"]
    assert seed.references[0].text.startswith("Finnerup NB et al. 2015")
    assert seed.reviewed == "2026-05-31"
    assert seed.reviewer == "Dr. Ben Soffer, DO"


def test_split_glued_uses_case_changes_and_known_words() -> None:
    vocabulary = frozenset({"pain", "burning", "nerve", "numb", "feet"})
    assert split_glued("nerve painburning feet", vocabulary) == ["nerve pain", "burning feet"]
    assert split_glued("nerve painBurning feet", frozenset()) == ["nerve pain", "Burning feet"]
    assert split_glued("numb feet", vocabulary) == ["numb feet"]


def test_export_without_title_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(Exception) as info:
        parse_text_export("The short version\n\n  • x\n", tmp_path / "x.txt")
    assert str(info.value) == (
        f"{tmp_path / 'x.txt'}:1: field 'title': no title found before the first section. "
        "Fix: the export must start with the page heading (and ICD-11 line) before 'The short version'"
    )
