"""Generations: atomic switch, incremental rebuilds, nothing lost, killed builds, versions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from search.errors import IndexMismatchError, IndexMissingError
from search.indexing.build import build_index
from search.indexing.store import MANIFEST, current_generation, read_manifest
from search.query.searcher import Searcher
from search.sources import load_pages
from tests.conftest import MEDLINEPLUS, PROJECT_ROOT, settings_for, write_page
from tests.support.wait import wait_for


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain", aliases="[alpha ache]")
    write_page(folder, "beta-sleep", "Beta Sleep", related="[alpha-pain]")
    write_page(folder, "gamma-mood", "Gamma Mood")
    return folder


def _current(index_dir: Path) -> Path:
    """The index's current generation; fails the test if it has none."""
    generation = current_generation(index_dir)
    assert generation is not None, f"no current generation in {index_dir}"
    return generation


def _build(folder: Path, index_dir: Path):  # type: ignore[no-untyped-def]
    loaded = load_pages([folder])
    return build_index(list(loaded.pages), index_dir, {p.path for p in loaded.problems}), loaded


def test_first_build_then_nothing_changes(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    first, _ = _build(folder, index_dir)
    assert (first.added, first.updated, first.unchanged, first.removed) == (3, 0, 0, 0)
    second, _ = _build(folder, index_dir)
    assert (second.added, second.updated, second.unchanged, second.removed) == (0, 0, 3, 0)
    assert _current(index_dir).name == second.generation != first.generation


def test_changed_and_removed_pages(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    write_page(folder, "gamma-mood", "Gamma Mood Disorder")
    (folder / "beta-sleep.md").unlink()
    report, _ = _build(folder, index_dir)
    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 1, 1, 1)
    searcher = Searcher(settings_for(index_dir))
    assert [h.slug for h in searcher.search("gamma mood disorder").hits][:1] == ["gamma-mood"]
    assert all(h.slug != "beta-sleep" for h in searcher.search("beta sleep").hits)


def test_a_page_that_breaks_keeps_its_previous_version(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    (folder / "gamma-mood.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    report, loaded = _build(folder, index_dir)
    assert [Path(p.path).name for p in loaded.problems] == ["gamma-mood.md"]
    assert report.total == 3 and report.removed == 0
    hits = Searcher(settings_for(index_dir)).search("gamma mood").hits
    assert hits[0].slug == "gamma-mood"


def test_old_generations_stay_readable_for_open_searchers(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    searcher = Searcher(settings_for(index_dir))
    before = searcher.generation
    write_page(folder, "delta-pain", "Delta Pain")
    _build(folder, index_dir)
    assert searcher.reload() is True
    assert searcher.generation != before
    assert searcher.search("delta pain").hits[0].slug == "delta-pain"


def test_build_killed_midway_leaves_the_old_index_serving(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    before = current_generation(index_dir)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search",
            "index",
            str(MEDLINEPLUS),
            "--index-dir",
            str(index_dir),
            "--map",
            "title=title",
            "--map",
            "body=summary",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = wait_for(lambda: bool(list(index_dir.glob(".building-*"))), seconds=30, interval=0.005)
    assert started, "the build never started writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_generation(index_dir) == before
    assert Searcher(settings_for(index_dir)).search("alpha pain").hits[0].slug == "alpha-pain"
    # The next build succeeds and clears the dead build's folder.
    report, _ = _build(folder, index_dir)
    assert report.total == 3
    assert not list(index_dir.glob(".building-*"))


def test_mismatched_versions_say_rebuild(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    generation = _current(index_dir)
    manifest = json.loads((generation / MANIFEST).read_text())
    manifest["analyzer"] = "0"
    (generation / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError) as info:
        read_manifest(generation)
    assert "run `condsearch index` to rebuild it" in str(info.value)
    assert "analyzer 0" in str(info.value)
    # A rebuild over a mismatched index starts from scratch.
    report, _ = _build(folder, index_dir)
    assert report.added == 3


def test_corrupt_new_generation_is_refused_and_old_one_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    searcher = Searcher(settings_for(index_dir))
    good = searcher.generation
    bad = index_dir / "gen-000099"
    bad.mkdir()
    (bad / MANIFEST).write_text("{not json", encoding="utf-8")
    (index_dir / "CURRENT").write_text("gen-000099\n", encoding="utf-8")
    assert searcher.reload() is False
    assert searcher.generation == good
    assert "refused index generation gen-000099" in caplog.text
    # A new searcher falls back to the newest readable generation.
    assert Searcher(settings_for(index_dir)).generation == good


def test_no_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as info:
        Searcher(settings_for(tmp_path / "nothing"))
    assert str(info.value) == f"no index in {str(tmp_path / 'nothing')!r}; run `condsearch index` first"


def test_medlineplus_indexes_all_topics(medlineplus_index: Path) -> None:
    manifest = read_manifest(_current(medlineplus_index))
    assert len(manifest["pages"]) == 981


def test_a_damaged_current_generation_is_rebuilt_from_scratch(tmp_path: Path) -> None:
    folder, index_dir = _corpus(tmp_path), tmp_path / "index"
    _build(folder, index_dir)
    generation = _current(index_dir)
    for segment in generation.glob("*.seg"):
        segment.write_bytes(b"")  # truncated on disk
    report, _ = _build(folder, index_dir)
    assert (report.added, report.unchanged) == (3, 0)
    assert Searcher(settings_for(index_dir)).search("alpha pain").hits[0].slug == "alpha-pain"
