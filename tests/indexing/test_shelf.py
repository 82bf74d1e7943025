"""The shelf: every page's header in memory, whole pages read from the generation when shown."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from search.indexing.build import build_index
from search.indexing.shelf import HEADS, LINES, PREFIX, has_shelf, head_of, open_shelf
from search.indexing.store import MANIFEST, current_generation, verify_files
from search.pages import page_from_dict
from search.query.searcher import Searcher
from search.sources import load_pages
from tests.conftest import settings_for, write_page
from tests.support.generations import without


def test_the_shelf_holds_every_page_as_whoosh_stores_it(clinic_index: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None and has_shelf(generation)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        stored = [page_from_dict(json.loads(fields["page"])) for _, fields in reader.iter_docs()]
    shelf = open_shelf(generation)
    assert len(shelf) == len(stored) == 29
    assert [shelf.page(doc) for doc in range(len(shelf))] == stored  # document order, whole pages
    assert list(shelf.heads) == [head_of(page) for page in stored]
    assert all(not (h.sections or h.faq or h.references) for h in shelf.heads)
    assert all(page.sections and page.faq for page in stored)  # the prose is on the shelf, not in the heads
    assert shelf.page(3) is shelf.page(3)  # decoded once while it is shown


def test_the_searcher_shows_whole_pages_and_lists_headers(clinic: Searcher) -> None:
    page = clinic.page("neuropathic-pain")
    assert page is not None and page.section("Clinical definition") is not None and page.faq
    listed = {p.slug: p for p in clinic.pages()}
    assert listed["neuropathic-pain"] == head_of(page)
    hit = clinic.search("burning nerve pain").hits[0]
    assert hit.slug == "neuropathic-pain" and hit.snippet  # snippets read the whole page's prose


def test_a_generation_without_a_shelf_is_read_from_whoosh(clinic_index: Path, clinic: Searcher, tmp_path: Path) -> None:
    generation = current_generation(clinic_index)
    assert generation is not None
    older = Searcher(settings_for(without(generation, PREFIX, tmp_path / "index")))
    assert not has_shelf(older.settings.index_dir / generation.name)
    assert older.page("ptsd") == clinic.page("ptsd") and older.pages() == clinic.pages()
    for query in ("burning nerve pain", "nueropathy gabapentin", "cant sleep since the baby"):
        ours, theirs = clinic.search(query), older.search(query)
        assert [(h.slug, h.score, h.snippet) for h in ours.hits] == [(h.slug, h.score, h.snippet) for h in theirs.hits]


def test_a_rebuild_writes_its_own_shelf_and_leaves_the_served_one_alone(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    write_page(folder, "beta-sleep", "Beta Sleep")
    build_index(list(load_pages([folder]).pages), index_dir)
    first = current_generation(index_dir)
    assert first is not None
    before = (first / LINES).read_bytes(), (first / HEADS).read_bytes()
    write_page(folder, "beta-sleep", "Beta Sleep Disorder")
    build_index(list(load_pages([folder]).pages), index_dir)  # incremental: whoosh's segments are linked
    second = current_generation(index_dir)
    assert second is not None and second != first
    assert ((first / LINES).read_bytes(), (first / HEADS).read_bytes()) == before
    verify_files(first, json.loads((first / MANIFEST).read_text(encoding="utf-8")))
    assert all((second / name).stat().st_nlink == 1 for name in (LINES, HEADS))
    assert [page.title for page in open_shelf(second).heads] == ["Alpha Pain", "Beta Sleep Disorder"]
