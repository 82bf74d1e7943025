"""Which language a query is in."""

from __future__ import annotations

import pytest

from search.language import detect_language, zipf


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("me duelen los pies y me arden en la noche", "es"),
        ("tengo anxiety todo el tiempo", "es"),
        ("depresión", "es"),  # an accent is enough
        ("burning feet at night", "en"),
        ("no energy and no motivation", "en"),
        ("migran", "en"),  # one unmarked word: most likely an unfinished English word
        ("", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_real_rare_words_and_typos_sit_either_side_of_the_threshold() -> None:
    assert zipf("birdhouse", "en") >= 2.3 > zipf("nerv", "en")
    assert zipf("quiero", "es") > 5 and zipf("nueropathy", "en") == 0.0
