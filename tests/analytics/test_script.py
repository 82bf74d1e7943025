"""The script of a text the analyzer cannot read, for group labels."""

from __future__ import annotations

import pytest

from search.analytics.script import SYMBOLS, script_label, script_of


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("головная боль", "Cyrillic"),
        ("头痛", "Chinese/Japanese/Korean"),
        ("頭痛がする", "Chinese/Japanese/Korean"),
        ("두통", "Chinese/Japanese/Korean"),
        ("صداع", "Arabic"),
        ("πονοκέφαλος", "Greek"),
        ("כאב ראש", "Hebrew"),
        ("боль <phone>", "Cyrillic"),  # the placeholder's letters are fewer
        ("???", SYMBOLS),
        ("", SYMBOLS),
    ],
)
def test_the_script_most_letters_are_in(text: str, script: str) -> None:
    assert script_of(text) == script


def test_labels_name_the_script_and_the_count() -> None:
    assert script_label("Cyrillic", 4) == "Cyrillic text (4)"
    assert script_label("Chinese/Japanese/Korean", 2) == "Chinese/Japanese/Korean text (2)"
    assert script_label(SYMBOLS, 3) == "symbols only (3)"
