"""Crisis detection: the dev table both ways, typos, and figures of speech."""

from __future__ import annotations

import csv

import pytest

from search.safety import check, load_rules
from search.settings import Settings
from tests.conftest import RELEVANCE

RULES = load_rules(Settings().safety_file)
with (RELEVANCE / "safety.tsv").open(encoding="utf-8") as handle:
    TABLE = [tuple(row) for row in csv.reader(handle, delimiter="\t")][1:]


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_safety_table(query: str, expected: str) -> None:
    assert (check(query, RULES) is not None) == (expected == "crisis")


@pytest.mark.parametrize(
    "query",
    ["want to die", "kill myself", "how many pills to overdose", "self harm", "sucidal", "wnat to die", "kill my self"],
)
def test_crisis_including_typos(query: str) -> None:
    assert check(query, RULES)


@pytest.mark.parametrize(
    "query",
    [
        "killer headache",
        "suicide headache",
        "dying hair",
        "my back is killing me",
        "dying to try ketamine",
        "cut down drinking",
    ],
)
def test_figures_of_speech(query: str) -> None:
    assert check(query, RULES) is None
