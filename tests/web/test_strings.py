"""The search page's language: the query's, else the browser's; every word has both languages."""

from __future__ import annotations

import pytest

from search.web.strings import STRINGS, browser_language, page_language


def test_both_languages_have_the_same_words() -> None:
    assert STRINGS["en"].keys() == STRINGS["es"].keys()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "en"),
        ("es-US,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,es;q=0.5", "es"),
        ("fr-FR,de;q=0.5", "en"),
        ("en;q=0.4,es;q=0.6", "es"),
        ("es;q=abc,en", "en"),
    ],
)
def test_browser_language(header: str, expected: str) -> None:
    assert browser_language(header) == expected


def test_a_spanish_query_gets_spanish_words_whatever_the_browser() -> None:
    assert page_language("me duelen los pies en la noche", "en-US") == "es"
    assert page_language("burning feet at night", "en-US") == "en"
    # An English query from a browser that asks for Spanish: the visitor reads Spanish.
    assert page_language("burning feet at night", "es-MX") == "es"
