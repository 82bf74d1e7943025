"""Tabular sources: field mapping, list cells, ids, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.errors import SourceError
from search.sources import load_pages
from search.sources.tabular import parse_mapping, read_tabular
from tests.conftest import MEDLINEPLUS, MEDLINEPLUS_MAP


def test_medlineplus_loads_every_topic() -> None:
    loaded = load_pages([MEDLINEPLUS], MEDLINEPLUS_MAP)
    assert len(loaded.pages) == 981 and loaded.problems == ()
    pain = next(p for p in loaded.pages if p.title == "Abdominal Pain")
    assert pain.slug == "0000002"
    assert pain.aliases == ("Bellyache",)
    assert pain.url.endswith("abdominalpain.html")
    assert pain.summary.startswith("Your abdomen extends") and len(pain.summary) < 500


def test_csv_and_jsonl_with_lists_and_slugified_titles(tmp_path: Path) -> None:
    csv_file = tmp_path / "pages.csv"
    csv_file.write_text('name,other\n"Night Sweats","sweating at night|hot flushes"\n', encoding="utf-8")
    pages, problems = read_tabular(csv_file, {"title": "name", "aliases": "other"})
    assert problems == []
    assert (pages[0].slug, pages[0].aliases) == ("night-sweats", ("sweating at night", "hot flushes"))

    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_text(
        json.dumps({"slug": "a", "title": "A", "aliases": ["x", "y"]})
        + "\n{broken\n"
        + json.dumps({"slug": "b"})
        + "\n",
        encoding="utf-8",
    )
    pages, problems = read_tabular(jsonl)
    assert [p.slug for p in pages] == ["a"] and pages[0].aliases == ("x", "y")
    assert [str(p) for p in problems] == [
        f"{jsonl}:2: not valid JSON (Expecting property name enclosed in double quotes). Fix: fix or remove the line",
        f"{jsonl}:3: field 'title': the row has no title. Fix: fill the 'title' column",
    ]


def test_bad_mapping_messages(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        parse_mapping(["titel=name"])
    assert str(info.value).startswith("--map 'titel=name': unknown page field 'titel'; use one of slug, title")
    with pytest.raises(SourceError) as info:
        parse_mapping(["title"])
    assert str(info.value) == "--map 'title' is not FIELD=COLUMN; write e.g. --map body=summary"
    tsv = tmp_path / "x.tsv"
    tsv.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_tabular(tsv, {"title": "name"})
    assert str(info.value) == f"{tsv}: column(s) 'name' not found; the columns are 'a', 'b'; fix the --map options"
