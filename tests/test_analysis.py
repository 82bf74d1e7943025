"""The shared analyzer: folding, compounds, codes, stop words, light stemming."""

from __future__ import annotations

import pytest

from search.analysis import analyze, fold, stem, surface_words


def test_fold_strips_accents_quotes_and_dashes() -> None:
    assert fold("Ménière’s – “Café”") == 'meniere\'s - "cafe"'


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("neuralgia", "neuralgia"),
        ("neural", "neural"),
        ("neuropathies", "neuropathy"),
        ("migraines", "migrain"),
        ("migraine", "migrain"),
        ("burning", "burn"),
        ("stabbing", "stab"),
        ("tingling", "tingl"),
        ("tingle", "tingl"),
        ("feet", "foot"),
        ("sclerosis", "sclerosis"),
        ("diagnosis", "diagnosis"),
        ("allergies", "allergy"),
    ],
)
def test_light_stem_keeps_medical_terms_apart(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_neuralgia_and_neural_never_meet() -> None:
    assert stem("neuralgia") != stem("neural")


def test_possessives_and_apostrophes() -> None:
    assert surface_words("the patient's can't") == ["the", "patient", "cant"]


@pytest.mark.parametrize("text", ["post-herpetic", "postherpetic", "post herpetic"])
def test_compounds_meet_at_index_time(text: str) -> None:
    # The index holds parts and the joined form of hyphenated words.
    assert "postherpet" in {t[:10] for t in analyze("post-herpetic neuralgia")}
    terms = set(analyze(text))
    assert terms & set(analyze("post-herpetic neuralgia"))


@pytest.mark.parametrize("code", ["MG30.5", "6A71", "8D8A.0", "MB26.A"])
def test_icd_codes_stay_whole(code: str) -> None:
    assert code.lower() in analyze(f"ICD-11 {code} (chronic)")


def test_stop_list_keeps_words_that_carry_meaning() -> None:
    terms = analyze("not responding after shingles since giving birth, no relief without pills")
    for kept in ("not", "after", "since", "no", "without"):
        assert kept in terms
    assert "the" not in analyze("the pain")
