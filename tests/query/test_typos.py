"""The typo model: length rules, first-letter cost, sound-alikes, splits, prefixes."""

from __future__ import annotations

import pytest

from search.query.config import load_config
from search.query.typos import Corrector, build_corrector, deletes, edits1, english_guess, phonetic_key

RULES = load_config().typos

VOCAB = {
    "neuropathy": 50,
    "neuralgia": 30,
    "fibromyalgia": 20,
    "sciatica": 10,
    "pneumonia": 15,
    "hemorrhoids": 5,
    "nerve": 40,
    "pain": 200,
    "migraine": 25,
    "insomnia": 12,
    "sleep": 30,
    "depression": 60,
    "needles": 8,
    "needling": 1,
    "cat": 3,
    "hat": 3,
    "enteropathy": 2,
}


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return build_corrector(VOCAB, RULES)


@pytest.mark.parametrize(("word", "allowed"), [("cat", 0), ("pain", 1), ("migrane", 1), ("nueropathy", 2)])
def test_length_rules(word: str, allowed: int) -> None:
    assert RULES.max_typos(word) == allowed


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nueropathy", "neuropathy"),  # transposition
        ("nuralgia", "neuralgia"),  # sound-alike / dropped letter
        ("fibromyalga", "fibromyalgia"),
        ("sciatika", "sciatica"),
        ("numonia", "pneumonia"),  # silent first letter
        ("hemroids", "hemorrhoids"),
        ("migrane", "migraine"),
        ("insomina", "insomnia"),
        ("depresison", "depression"),
        ("slerp", "sleep"),  # keyboard slip
    ],
)
def test_corrections(corrector: Corrector, typed: str, meant: str) -> None:
    assert corrector.correct(typed)[0].word == meant


def test_no_typos_on_short_words_and_known_words(corrector: Corrector) -> None:
    assert corrector.correct("cst") == []
    assert corrector.correct("pain") == []


def test_one_typo_ranks_above_two_and_first_letter_costs_more(corrector: Corrector) -> None:
    fixes = corrector.correct("nueropathy")
    assert fixes[0].word == "neuropathy" and fixes[0].distance == 1
    assert corrector.correct("oain")[0].cost > corrector.correct("paun")[0].cost


def test_two_typos_never_change_the_first_letter(corrector: Corrector) -> None:
    # "enteropathy" is two edits from "nueropathy" and starts with another letter: another word.
    assert "enteropathy" not in [f.word for f in corrector.correct("nueropathy")]
    assert [f.word for f in corrector.correct("fibromylgai")] == ["fibromyalgia"]  # two typos, same first letter
    assert [f.word for f in corrector.correct("ssciatica")] == ["sciatica"]  # one typo may touch it


def test_a_listed_name_keeps_its_first_letter() -> None:
    # wordfreq lists "cigna" (Zipf 2.3): written on purpose, so "signs" is no correction of it.
    corrector = build_corrector({"signs": 40, "sigma": 2, "phantom": 5}, RULES)
    assert corrector.correct("cigna") == []
    assert [f.word for f in corrector.correct("fantom")] == ["phantom"]  # a sound-alike wordfreq barely lists


def test_glued_words_split(corrector: Corrector) -> None:
    assert corrector.correct("nervepain")[0].word == "nerve pain"


def test_completions_by_frequency(corrector: Corrector) -> None:
    assert corrector.completions("need") == ["needles", "needling"]
    assert corrector.completions("zzz") == []


def test_candidates_come_from_the_delete_map(corrector: Corrector) -> None:
    # Every correction is reachable through precomputed deletes, not a vocabulary scan.
    assert "neuropathy" in corrector.delete_map["neuropa"]
    assert deletes("abc", 1) == {"abc", "ab", "ac", "bc"}
    assert phonetic_key("pneumonia") == phonetic_key("numonia")


def test_a_dropped_letter_beats_a_far_key() -> None:
    # "worring": a dropped "y" (worrying), not "r" struck for the far-off "k" (working), however common.
    corrector = build_corrector({"working": 90, "worrying": 5}, RULES)
    assert corrector.correct("worring")[0].word == "worrying"


def test_swapped_letters_count_as_a_slip() -> None:
    corrector = build_corrector({"pain": 10, "pin": 10}, RULES)
    fixes = {f.word: f.cost for f in corrector.correct("pian")}
    assert fixes["pain"] < fixes["pin"]  # both one edit: the swap is the likelier typo


@pytest.mark.parametrize(
    ("typed", "meant"), [("cancle", "cancel"), ("recipt", "receipt"), ("worring", "worrying"), ("abouut", "about")]
)
def test_english_guess(typed: str, meant: str) -> None:
    assert english_guess(typed, RULES) == meant


def test_edits1_are_one_edit_away() -> None:
    found = edits1("pian")
    assert {"pain", "plan", "pan", "piano"} <= found and "pian" not in found
