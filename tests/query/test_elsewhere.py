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
