"""Markdown pages with front matter; broken input is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import PageError
from search.pages import Page, Section
from search.sources import load_pages
from search.sources.markdown import parse_markdown
from tests.conftest import PROJECT_ROOT


def _section(page: Page, heading: str) -> Section:
    """The page's section of that heading; fails the test if the page has none."""
    found = page.section(heading)
    assert found is not None, f"no section {heading!r} in {[s.heading for s in page.sections]}"
    return found


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
        assert page.group == entry["group"], page.slug
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
    assert _section(page, "The short version").text == "First point.\nSecond point."
    assert _section(page, "How it differs").subsections[0].heading == "vs. Y"
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


FRONT = "---\nslug: x\ntitle: X\n---\n\n"


def test_a_link_adds_its_text_never_its_url() -> None:
    text = FRONT + (
        "## Clinical definition\n"
        "See [the NICE guideline](https://example.com/path/ng59) and [the review][r].\n\n"
        "- A [leaflet](https://example.com/leaflet.pdf) for patients.\n\n"
        "[r]: https://example.com/review\n\n"
        "## References\n"
        "1. Someone A et al. 2020, [Journal](https://example.com/journal). A finding. (PMID 12345678)\n"
    )
    page = parse_markdown(text, Path("x.md"))
    assert _section(page, "Clinical definition").text == (
        "See the NICE guideline and the review.\nA leaflet for patients."
    )
    assert page.references[0].text == "Someone A et al. 2020, Journal. A finding. (PMID 12345678)"
    assert "example" not in repr(page)


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_a_heading_inside_fenced_code_stays_code(fence: str) -> None:
    code = f"{fence}markdown\n## Not a section\nplain code\n{fence}\n"
    text = FRONT + f"## Clinical definition\nBefore.\n\n{code}\nAfter.\n\n## Next\nEnd.\n"
    page = parse_markdown(text, Path("x.md"))
    assert [s.heading for s in page.sections] == ["Clinical definition", "Next"]
    assert _section(page, "Clinical definition").text == "Before.\n## Not a section plain code\nAfter."


def test_inline_markup_becomes_plain_text_and_a_lone_asterisk_stays() -> None:
    text = FRONT + (
        "# X\n\nIntro *text*.\n\n## The __short__ version\n"
        "- In the **STAR*D** study, _most_ improved.\n- An HLA-B*15:02 test comes first.\n"
    )
    page = parse_markdown(text, Path("x.md"))
    assert [(s.heading, s.text) for s in page.sections] == [
        ("Introduction", "Intro text."),
        ("The short version", "In the STAR*D study, most improved.\nAn HLA-B*15:02 test comes first."),
    ]
