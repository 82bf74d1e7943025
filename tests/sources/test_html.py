"""Rendered HTML pages parse by document structure; site chrome is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import PageError
from search.sources.html import parse_html, read_html
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def page():  # type: ignore[no-untyped-def]
    return read_html(FIXTURES / "pages" / "trigeminal-neuralgia.html")[0]


def test_header_fields(page) -> None:  # type: ignore[no-untyped-def]
    assert page.title == "Trigeminal Neuralgia"
    assert page.slug == "trigeminal-neuralgia"
    assert page.url == "https://clinic.example/conditions/trigeminal-neuralgia"
    assert page.icd11 == ("8B82.0",)
    assert page.summary.startswith("Sudden, electric stabs of face pain")


def test_chips_become_search_phrases(page) -> None:  # type: ignore[no-untyped-def]
    assert page.search_phrases == (
        "electric shock pain in my face",
        "face pain when brushing teeth",
        "carbamazepine not working anymore",
        "tic douloureux treatment",
    )


def test_sections_faq_references(page) -> None:  # type: ignore[no-untyped-def]
    assert [s.heading for s in page.sections] == [
        "The short version",
        "Clinical definition",
        "How it differs from related conditions",
        "First-line treatments",
        "Frequently asked",
        "References",
    ]
    assert [s.heading for s in page.section("How it differs").subsections] == [
        "vs. Cluster headache",
        "vs. Dental pain",
    ]
    assert [f.question for f in page.faq] == ["Is trigeminal neuralgia dangerous?", "Can surgery help?"]
    assert page.references[0].pmid == "30860637"
    assert (page.reviewed, page.reviewer) == ("2026-03-03", "Dr. A. Example, MD")


def test_navigation_and_scripts_are_not_content(page) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(s.text for s in page.sections)
    assert "Privacy" not in text and "analytics" not in text and "Home" not in text


def test_page_without_h1_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(PageError) as info:
        parse_html("<html><body><p>Nothing here</p></body></html>", tmp_path / "x.html")
    assert str(info.value) == (
        f"{tmp_path / 'x.html'}: field 'title': no <h1> title found. "
        "Fix: the page heading must be the one <h1> element in <main> or <body>"
    )
