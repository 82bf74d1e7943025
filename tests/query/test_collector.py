"""The collector around a generation's open: paused while it builds, its objects frozen after, the old one freed."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from search.indexing.build import build_index
from search.query import collector
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
