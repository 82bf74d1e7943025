"""The shared analyzer: folding, compounds, codes, stop words, light stemming."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.analysis import analyze, analyzer, fold, lowercase_words, spelling_variants, stem, surface_words, tokens


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


def test_tokens_carry_offsets_into_the_original_text() -> None:
    text = "Post-herpetic pain: the patient’s Ménière’s, don't — MG30.5"
    found = tokens(text)
    assert [t.word for t in found] == ["post", "herpetic", "pain", "the", "patient", "meniere", "dont", "mg30.5"]
    assert [text[t.start : t.end] for t in found] == [
        "Post",
        "herpetic",
        "pain",
        "the",
        "patient",
        "Ménière",
        "don't",
        "MG30.5",
    ]


@given(st.text(max_size=80))
def test_every_token_points_at_the_text_it_came_from(text: str) -> None:
    for token in tokens(text):
        assert 0 <= token.start < token.end <= len(text)
        # The folded span holds the word once apostrophes and hyphens are set aside.
        span = fold(text[token.start : token.end]).replace("'", "")
        assert token.word.replace(".", "") in span.replace(".", "").replace("-", "")


def test_the_whoosh_tokenizer_gives_the_analyzer_terms_with_offsets() -> None:
    text = "Burning feet, post-herpetic"
    found = [(t.text, t.startchar, t.endchar) for t in analyzer()(text, chars=True)]
    assert [t[0] for t in found] == analyze(text)
    assert [text[a:b] for _, a, b in found] == ["Burning", "feet", "post", "herpetic", "post-herpetic"]


def test_lowercase_words_tell_the_abbreviation_from_the_word() -> None:
    assert lowercase_words("SAD is seasonal; feeling sad") == {"is", "seasonal", "feeling", "sad"}


@given(st.text(alphabet=st.sampled_from("abcé É-'.’s 3\n—ñ"), max_size=60))
def test_surface_words_are_the_words_of_tokens(text: str) -> None:
    """The fast path (no offsets) reads exactly the words the tokenizer does."""
    assert surface_words(text) == [t.word for t in tokens(text)]


@pytest.mark.parametrize(
    ("typed", "other"),
    [
        ("tumor", "tumour"),
        ("behaviour", "behavior"),
        ("anesthetic", "anaesthetic"),
        ("oedema", "edema"),
        ("fiber", "fibre"),
        ("centre", "center"),
        ("counseling", "counselling"),
        ("recognise", "recognize"),
        ("diarrhea", "diarrhoea"),
        ("programme", "program"),
    ],
)
def test_spelling_variants_cross_the_atlantic(typed: str, other: str) -> None:
    assert other in spelling_variants(typed)


def test_plurals_and_final_oe_are_not_british_spellings() -> None:
    assert spelling_variants("shoes") == [] and spelling_variants("canoe") == []
