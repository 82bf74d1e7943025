"""The lexicon: validation errors, one- and two-way entries, page aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import LexiconError
from search.language import zipf
from search.lexicon import generic_entries, key_of, load_lexicon, parse_entries, read_triples
from search.pages import Page
from search.settings import Settings
from search.sources import load_pages
from tests.conftest import PROJECT_ROOT


def test_the_shipped_lexicon_loads_and_is_large() -> None:
    lexicon = load_lexicon(Settings().lexicon_dir)
    assert lexicon.size >= 300
    for lay, clinical in [
        ("pins and needles", "paresthesia"),
        ("shingles", "herpes zoster"),
        ("baby blues", "postpartum depression"),
        ("lyrica", "pregabalin"),
        ("pregabalin", "lyrica"),
        ("crps", "complex regional pain syndrome"),
    ]:
        assert clinical in {e.text for e in lexicon.lookup(key_of(lay))}, lay


def test_one_way_does_not_go_back(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("entries:\n  - from: [sugar]\n    to: [diabetes]\n", encoding="utf-8")
    lexicon = load_lexicon(tmp_path)
    assert [e.text for e in lexicon.lookup(key_of("sugar"))] == ["diabetes"]
    assert lexicon.lookup(key_of("diabetes")) == ()


def test_two_way_and_multiword(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("entries:\n  - synonyms: [pins and needles, paresthesia]\n", encoding="utf-8")
    lexicon = load_lexicon(tmp_path)
    assert [e.text for e in lexicon.lookup(key_of("pins and needles"))] == ["paresthesia"]
    assert [e.text for e in lexicon.lookup(key_of("paresthesia"))] == ["pins and needles"]
    assert lexicon.longest == 2


def test_page_aliases_feed_the_lexicon(tmp_path: Path) -> None:
    lexicon = load_lexicon(tmp_path, [Page(slug="x", title="Neuropathic Pain", aliases=("nerve pain",))])
    assert [e.text for e in lexicon.lookup(key_of("nerve pain"))] == ["neuropathic pain"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, "x.yaml: expected a mapping with an `entries:` list at the top"),
        ({"entries": [{"synonyms": ["a b"]}]}, "x.yaml entry 1: `synonyms` needs at least two different terms"),
        ({"entries": [{"from": ["x"]}]}, "x.yaml entry 1: `to` must be a non-empty list of terms, got None"),
        (
            {"entries": [{"from": ["the"], "to": ["x"]}]},
            "x.yaml entry 1 `from`: 'the' has only stop words; use a meaningful word or phrase",
        ),
        (
            {"entries": [{"synonym": ["a", "b"]}]},
            "x.yaml entry 1: unknown key(s) ['synonym']; use synonyms, from, to or note",
        ),
        (
            {"entries": [{"synonyms": ["ache", 3]}]},
            "x.yaml entry 1 `synonyms`: 3 is not a term; write a word or phrase as text",
        ),
    ],
)
def test_validation_messages(data: object, message: str) -> None:
    with pytest.raises(LexiconError) as info:
        parse_entries(data, "x.yaml")
    assert str(info.value) == message


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("entries:\n  - synonyms: [a, b\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'bad.yaml'}:")
    assert str(info.value).endswith("not valid YAML; check indentation and quoting")


def test_no_everyday_word_is_widened_to_one_page() -> None:
    # "pain all over" -> fibromyalgia reads as "pain" alone once stop words go: every query with
    # "pain" would lean to one page. An entry needs a second meaningful word to be that specific.
    pages = list(load_pages([PROJECT_ROOT / "data" / "conditions"]).pages)
    triples = read_triples(Settings().lexicon_dir, pages)
    assert generic_entries(triples, pages, lambda word: zipf(word, "en") >= 4.0) == []


def test_the_generic_word_check_finds_a_bad_entry(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("entries:\n  - from: [pain all over]\n    to: [fibromyalgia]\n", encoding="utf-8")
    pages = list(load_pages([PROJECT_ROOT / "data" / "conditions"]).pages)
    found = generic_entries(read_triples(tmp_path, pages), pages, lambda word: zipf(word, "en") >= 4.0)
    assert found == ["x.yaml: 'pain all over' (read as 'pain') -> 'fibromyalgia' names one page"]


def test_medicines_are_the_one_word_names_of_medicine_files(tmp_path: Path) -> None:
    (tmp_path / "drugs.yaml").write_text(
        "kind: medicines\nentries:\n"
        "  - synonyms: [ambien, zolpidem]\n"
        "  - synonyms: [lidocaine patch, lidoderm]\n"
        "  - from: [ice pack]\n    to: [ice]\n",
        encoding="utf-8",
    )
    (tmp_path / "symptoms.yaml").write_text("entries:\n  - synonyms: [tingling, paresthesia]\n", encoding="utf-8")
    # two-word names and everyday words ("ice") are not medicines; other files are not read for them
    assert load_lexicon(tmp_path).medicines == {"ambien", "zolpidem", "lidoderm"}


def test_the_shipped_medicines() -> None:
    medicines = load_lexicon(Settings().lexicon_dir).medicines
    assert {"zolpidem", "lurasidon", "pregabalin"} <= medicines
    assert not {"patch", "spray", "pain"} & medicines
