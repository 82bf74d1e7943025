"""Markdown pages with front matter; broken input is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import PageError
from search.settings import PROJECT_ROOT
from search.sources import load_pages
from search.sources.markdown import parse_markdown


def test_the_built_in_corpus_is_whole_and_valid() -> None:
    import yaml

    catalogue = yaml.safe_load((PROJECT_ROOT.parent / "shared" / "catalogue" / "conditions.yaml").read_text())
    loaded = load_pages([PROJECT_ROOT / "data" / "conditions"])
    assert loaded.problems == ()
    by_slug = {p.slug: p for p in loaded.pages}
    assert sorted(by_slug) == sorted(c["slug"] for c in catalogue["conditions"])
    for entry in catalogue["conditions"]:
        page = by_slug[entry["slug"]]
        assert page.title == entry["title"]
        assert list(page.icd11) == entry["icd11"]
        assert len(page.search_phrases) >= 6, page.slug
        assert page.aliases and page.symptoms and page.treatments and page.reviewed
        assert page.section("Where ketamine fits") is not None, page.slug
        assert len(page.faq) >= 3 and all(r.pmid for r in page.references), page.slug


def test_sections_faq_and_references() -> None:
    text = """---
slug: x
title: X
icd11: [6A71]
search_phrases: [one, two]
reviewed: 2026-01-02
---

## The short version
- **First** point.
- Second *point*.

## How it differs from related conditions
### vs. Y
Different.

## Frequently asked
### Is it bad?
Not always.

## References
1. Someone A et al. 2020, Journal. A finding. (PMID 12345678)
"""
    page = parse_markdown(text, Path("x.md"))
    assert page.reviewed == "2026-01-02"
    assert page.section("The short version").text == "First point.\nSecond point."
    assert page.section("How it differs").subsections[0].heading == "vs. Y"
    assert page.faq[0].question == "Is it bad?" and page.faq[0].answer == "Not always."
    assert page.references[0].pmid == "12345678"


def test_broken_yaml_names_file_and_line() -> None:
    text = "---\nslug: x\ntitle: [unclosed\n---\nbody\n"
    with pytest.raises(PageError) as info:
        parse_markdown(text, Path("broken.md"))
    assert str(info.value).startswith("broken.md:")
    assert "front matter is not valid YAML" in str(info.value)
    assert info.value.problem.line in (3, 4, 5)


def test_missing_title_names_the_field() -> None:
    with pytest.raises(PageError) as info:
        parse_markdown("---\nslug: x\n---\n", Path("x.md"))
    assert str(info.value) == "x.md:1: field 'title': the page has no title. Fix: add `title: ...` to the front matter"


def test_list_field_of_wrong_type() -> None:
    with pytest.raises(PageError) as info:
        parse_markdown("---\ntitle: X\naliases: {a: 1}\n---\n", Path("x.md"))
    assert str(info.value) == (
        "x.md:3: field 'aliases': expected a list of strings, got dict {'a': 1}. "
        "Fix: write `aliases: [first, second]` or one `- item` per line"
    )
