"""A generation's lifetime: the collector paused while it opens, its objects frozen, the old one freed and closed."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import pytest

from search.embedding import load_encoder
from search.indexing.build import build_index
from search.indexing.vectors import VectorRows
from search.query import collector, snapshot
from search.query.searcher import Searcher
from search.sources import load_pages
from tests.conftest import settings_for, write_page


def test_paused_restores_the_collector_and_releases_frozen_objects() -> None:
    collector.settle()
    assert gc.get_freeze_count() > 0
    with collector.paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0  # what the last open froze can be collected again
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # left as it was found: someone else had paused it
    finally:
        gc.enable()


def test_a_replaced_generation_is_freed_and_the_new_one_frozen(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    build_index(list(load_pages([folder]).pages), index_dir)
    searcher = Searcher(settings_for(index_dir))
    old = weakref.ref(searcher.snapshot)
    assert not any(o is searcher.snapshot for o in gc.get_objects())  # frozen: no full collection walks it
    write_page(folder, "beta-sleep", "Beta Sleep")
    build_index(list(load_pages([folder]).pages), index_dir)
    assert searcher.reload() is True
    assert old() is None  # frozen objects are still freed: nothing keeps the replaced generation
    assert searcher.search("beta sleep").hits[0].slug == "beta-sleep"
    assert gc.isenabled()


def test_a_replaced_generation_closes_the_files_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every corpus reads its vector rows from the file here, as past 4,096 pages; each generation holds
    # two open files (shelf lines, vector rows), and a switch must not leave the old ones open.
    monkeypatch.setattr(snapshot, "SCALE_SAMPLE", 0)
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    build_index(list(load_pages([folder]).pages), index_dir, encoder=load_encoder())
    searcher = Searcher(settings_for(index_dir))
    assert isinstance(searcher.snapshot.vectors, VectorRows)
    opened = len(os.listdir("/proc/self/fd"))
    for n in range(3):
        write_page(folder, f"beta-{n}", f"Beta {n}")
        build_index(list(load_pages([folder]).pages), index_dir, encoder=load_encoder())
        assert searcher.reload() is True
        assert searcher.search(f"beta {n}").hits[0].slug == f"beta-{n}"
    assert len(os.listdir("/proc/self/fd")) == opened
