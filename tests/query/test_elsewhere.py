"""Conditions with no page here: their names are read, never a page's name, and answer nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import ConfigError
from search.lexicon import key_of
from search.query.elsewhere import load_elsewhere
from search.query.searcher import Searcher
from search.settings import Settings

ELSEWHERE = load_elsewhere(Settings().elsewhere_file)


def test_no_name_is_a_page_of_this_site(clinic: Searcher) -> None:
    """A page's title or alias listed here would turn its own queries away."""
    clashes = [
        (page.slug, name)
        for page in clinic.pages()
        for name in (page.title, *page.aliases)
        if key_of(name) in ELSEWHERE.names
    ]
    assert clashes == []


def test_names_are_matched_as_phrases_longest_first() -> None:
    assert ELSEWHERE.covered(["menopause", "hot", "flashes", "at", "night"]) == {0, 1, 2}
    assert ELSEWHERE.covered(["eating", "disorders"]) == {0, 1}  # stemmed like queries
    assert ELSEWHERE.covered(["eating", "at", "night"]) == frozenset()  # "eating" alone names nothing
    assert ELSEWHERE.covered(["diabetes", "foot", "pain"]) == frozenset()  # a page treats its pain


@pytest.mark.parametrize("raw", ["eating disorder treatment", "menopause hot flashes", "broken wrist"])
def test_a_query_naming_a_condition_with_no_page_fits_no_page(clinic: Searcher, raw: str) -> None:
    assert clinic.search(raw).unmatched


def test_a_page_named_beside_it_still_answers(clinic: Searcher) -> None:
    result = clinic.search("adhd and postpartum depression")
    assert result.hits[0].slug == "postpartum-depression"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("conditions: adhd\n", r"expected a `conditions:` list of name lists"),
        ("conditions:\n  - adhd\n", r"condition 1 must be a list of names"),
        ("conditions:\n  - [adhd, 'the of']\n", r"condition 1 has 'the of', which is not a name"),
    ],
)
def test_errors_name_the_entry_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_elsewhere(path)


def test_treatment_questions_are_phrases_over_every_treatment_word() -> None:
    assert ELSEWHERE.about_treatment(["throwing", "up", "after", "ketamine"])
    assert ELSEWHERE.about_treatment(["spravato", "side", "effects"])
    assert ELSEWHERE.about_treatment(["side", "effects", "infusions"])  # stemmed like queries
    assert not ELSEWHERE.about_treatment(["ketamine", "for", "migraine"])
    assert not ELSEWHERE.about_treatment(["after", "six", "infusions"])  # a phrase is contiguous


@pytest.mark.parametrize(
    "raw", ["dizzy the day after my infusion", "is ketamine addictive", "can i eat before my infusion"]
)
def test_a_question_about_the_treatment_itself_fits_no_page(clinic: Searcher, raw: str) -> None:
    assert clinic.search(raw).unmatched


@pytest.mark.parametrize(
    ("raw", "slug"),
    [("migraine came back after ketamine", "migraine"), ("ptsd nightmares after ketamine", "ptsd")],
)
def test_a_treatment_question_that_names_a_condition_still_finds_its_page(
    clinic: Searcher, raw: str, slug: str
) -> None:
    result = clinic.search(raw)
    assert result.hits[0].slug == slug and not result.unmatched


def test_an_everyday_title_word_names_no_condition(clinic: Searcher) -> None:
    """ "back" is in Chronic Low Back Pain's title but names nothing in "back to work after an infusion"."""
    assert clinic.search("when can i go back to work after ketamine").unmatched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("conditions: [[adhd]]\ntreatment_words: ketamine\n", r"`treatment_words:` must be a list of words"),
        ("conditions: [[adhd]]\ntreatment_questions: after\n", r"`treatment_questions:` must be a list of phrases"),
        ("conditions: [[adhd]]\ntreatment_questions: ['after {treatment}']\n", r"question 1 uses \{treatment\}"),
        (
            "conditions: [[adhd]]\ntreatment_words: [ketamine]\ntreatment_questions: ['{drug} safe']\n",
            r"treatment question 1 is '\{drug\} safe'; write words and at most \{treatment\}",
        ),
    ],
)
def test_treatment_question_errors_name_the_entry_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_elsewhere(path)


@pytest.mark.parametrize("raw", ["tropical depression forecast", "great depression unemployment"])
def test_a_pages_word_in_another_sense_fits_no_page(clinic: Searcher, raw: str) -> None:
    assert clinic.search(raw).unmatched


@pytest.mark.parametrize(
    ("raw", "slug"), [("depression", "major-depressive-disorder"), ("shingles pain", "post-herpetic-neuralgia")]
)
def test_the_word_alone_keeps_its_medical_sense(clinic: Searcher, raw: str, slug: str) -> None:
    result = clinic.search(raw)
    assert not result.unmatched and slug in [h.slug for h in result.hits[:3]]


def test_other_senses_errors_name_the_entry_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text("conditions: [[adhd]]\nother_senses: great depression\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"`other_senses:` must be a list of phrase lists"):
        load_elsewhere(path)
    path.write_text("conditions: [[adhd]]\nother_senses: [great depression]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"other sense 1 must be a list of names"):
        load_elsewhere(path)
