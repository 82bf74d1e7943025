"""Which language a query is in."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.language import detect_language, spelling_words, zipf
from tests.support.scripts import load_script


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


def test_the_spelling_list_holds_rare_real_words_and_not_web_misspellings() -> None:
    words = spelling_words()
    assert {"naturopathy", "nephropathy", "reflexology"} <= words
    assert not {"persistant", "alchohol", "withdrawl", "migrane"} & words


def test_the_word_list_script_names_a_missing_dictionary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-such-words"
    assert load_script("make_wordlist").main(["--dict", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"error: no word list at {missing}; apt-get install wamerican-large wbritish-large\n"
    )
