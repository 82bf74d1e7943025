"""Generations that can be trusted: damage is never carried over, one build at a time,
a refused generation keeps the service not ready, and incremental builds equal fresh ones."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.errors import IndexBusyError, IndexMismatchError
from search.indexing.build import LOCK_FILE, build_index
from search.indexing.store import VOCABULARY, current_generation
from search.query.config import load_config
from search.query.searcher import Searcher
from search.query.snapshot import open_snapshot
from search.settings import Settings
from search.sources import load_pages
from tests.conftest import PROJECT_ROOT, settings_for, write_page
from tests.support.server import free_port
from tests.support.wait import wait_for


def _corpus(folder: Path, slugs: list[str]) -> list:  # type: ignore[type-arg]
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    for slug in slugs:
        write_page(folder, slug, symptoms=f"[{slug.replace('-', ' ')} ache, {slug.split('-')[0]}itis]")
    return list(load_pages([folder]).pages)


def _damage(generation: Path, own: bool = False) -> Path:
    """Overwrite 4 KB in the middle of the largest segment file (`own`: one no other generation links)."""
    segments = [p for p in generation.glob("*.seg") if not own or p.stat().st_nlink == 1]
    segment = max(segments, key=lambda p: p.stat().st_size)
    size = segment.stat().st_size
    with segment.open("r+b") as handle:
        handle.seek(max(0, size // 2 - 2048))
        handle.write(b"\xff" * min(4096, size))
    return segment


def test_a_damaged_generation_is_rebuilt_not_carried_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    index_dir = tmp_path / "index"
    build_index(_corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep"]), index_dir)
    pages = _corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep", "gamma-mood"])
    build_index(pages, index_dir)
    second = current_generation(index_dir)
    assert second is not None
    damaged = _damage(second)
    with caplog.at_level(logging.ERROR):
        report = build_index(pages, index_dir)
    assert report.rebuilt.startswith(f"{second.name} is damaged (index generation ")
    assert (report.added, report.unchanged) == (3, 0)
    third = current_generation(index_dir)
    assert third is not None and third != second
    # Nothing of the damaged generation is shared with the new one: no file is a link to it.
    assert all(f.stat().st_ino != damaged.stat().st_ino for f in third.iterdir())
    searcher = Searcher(settings_for(index_dir))
    assert searcher.generation == third.name
    for page in pages:
        assert searcher.search(page.title).hits[0].slug == page.slug
    assert f"previous generation {second.name} is damaged" in caplog.text


def test_repair_shares_no_file_with_earlier_generations(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    pages = _corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep"])
    build_index(pages, index_dir)
    first = current_generation(index_dir)
    report = build_index(pages, index_dir, repair=True)
    assert report.rebuilt == "asked to repair" and report.added == 2
    latest = current_generation(index_dir)
    assert latest is not None and first is not None
    inodes = {f.stat().st_ino for f in first.iterdir()}
    assert not any(f.stat().st_ino in inodes for f in latest.iterdir())


def _hold_lock(index_dir: Path) -> subprocess.Popen[str]:
    """Another process holding the folder's build lock (until it is killed)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from search.indexing.build import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(index_dir),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_is_refused_with_who_holds_the_lock(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    holder = _hold_lock(index_dir)
    try:
        with pytest.raises(IndexBusyError) as caught:
            build_index(_corpus(tmp_path / "pages", ["alpha-pain"]), index_dir)
        message = str(caught.value)
        assert message.startswith(f"another build is running in {str(index_dir)!r} (pid {holder.pid}, started 20")
        assert message.endswith(" UTC); wait for it to finish, then run `condsearch index` again")
    finally:
        holder.kill()
        holder.wait()
    # The holder died: its lock died with it, and the next build goes ahead.
    assert build_index(_corpus(tmp_path / "pages", ["alpha-pain"]), index_dir).added == 1


def test_a_build_that_died_leaves_no_stale_lock(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / LOCK_FILE).write_text("pid 999999, started 2026-01-01 00:00:00 UTC", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = build_index(_corpus(tmp_path / "pages", ["alpha-pain"]), index_dir)
    assert report.added == 1
    assert "a previous build (pid 999999, started 2026-01-01 00:00:00 UTC) stopped without finishing" in caplog.text
    assert (index_dir / LOCK_FILE).read_text(encoding="utf-8") == ""


def test_the_cli_says_who_holds_the_lock(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    folder = tmp_path / "pages"
    _corpus(folder, ["alpha-pain"])
    holder = _hold_lock(index_dir)
    try:
        env = {**os.environ, "CONDSEARCH_SEMANTIC": "false"}
        done = subprocess.run(
            [sys.executable, "-m", "search", "index", str(folder), "--index-dir", str(index_dir)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: another build is running in {str(index_dir)!r} (pid {holder.pid}, ")
    assert "Traceback" not in done.stderr


def _newest_refused(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An index of two generations whose newer (CURRENT) is damaged: (index folder, older, newer)."""
    index_dir = tmp_path / "index"
    build_index(_corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep"]), index_dir)
    first = current_generation(index_dir)
    build_index(_corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep", "gamma-mood"]), index_dir)
    second = current_generation(index_dir)
    assert first is not None and second is not None
    _damage(second, own=True)
    return index_dir, first, second


def test_a_refused_current_generation_is_reported_not_ready(tmp_path: Path) -> None:
    index_dir, first, second = _newest_refused(tmp_path)
    searcher = Searcher(settings_for(index_dir))
    assert searcher.generation == first.name
    behind = searcher.behind()
    assert behind is not None and behind.startswith(f"CURRENT names {second.name}, which was refused: ")
    # Rebuilding (as the message says) repairs it, and the service catches up.
    build_index(_corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep", "gamma-mood"]), index_dir)
    assert wait_for(lambda: (searcher.snapshot, searcher.behind() is None and searcher.generation != first.name)[1])
    assert searcher.search("gamma mood").hits[0].slug == "gamma-mood"


# Made-up names one letter apart: a query for a removed page's name is a typo of another's.
POOL = ["torvex-pain", "korvex-sleep", "morlin-mood", "borlin-ache", "dassin-itch", "fassin-cramp"]
QUERIES = ["torvex", "korvex sleep", "morlin", "borlin ache", "dassin", "fassin", "torvexitis", "ache", "pain"]


def _ranking(index_dir: Path) -> list[tuple[object, ...]]:
    searcher = Searcher(settings_for(index_dir).model_copy(update={"semantic": False}))
    out: list[tuple[object, ...]] = []
    for q in QUERIES:
        result = searcher.search(q, limit=10)
        hits = sorted((h.slug, round(h.score, 4), round(h.confidence, 3)) for h in result.hits)
        out.append((q, result.kind, result.corrected_query, tuple(hits)))
    return out


def test_a_removed_pages_words_are_not_known_words(tmp_path: Path) -> None:
    index_dir, fresh = tmp_path / "index", tmp_path / "fresh"
    build_index(_corpus(tmp_path / "pages", ["torvex-pain", "korvex-sleep", "morlin-mood"]), index_dir)
    pages = _corpus(tmp_path / "pages", ["torvex-pain", "korvex-sleep"])
    build_index(pages, index_dir)
    build_index(pages, fresh)
    assert _ranking(index_dir) == _ranking(fresh)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["add", "change", "remove"]), st.sampled_from(POOL)), min_size=1, max_size=6
    )
)
def test_an_incremental_build_answers_as_a_fresh_build(tmp_path_factory: pytest.TempPathFactory, steps: list) -> None:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("incremental")
    folder, index_dir = root / "pages", root / "index"
    folder.mkdir()
    live: dict[str, str] = {"torvex-pain": "", "korvex-sleep": ""}

    def write() -> list:  # type: ignore[type-arg]
        for old in folder.glob("*.md"):
            old.unlink()
        for slug, extra in live.items():
            word = slug.split("-")[0]
            write_page(folder, slug, symptoms=f"[{word} ache{extra}, {word}itis]")
        return list(load_pages([folder]).pages)

    build_index(write(), index_dir)
    for op, slug in steps:
        if op == "remove":
            live.pop(slug, None)
        elif op == "add" or slug in live:
            live[slug] = live.get(slug, "") + f" {int(time.time_ns()) % 7} sharp"
        if not live:
            live["torvex-pain"] = ""
        build_index(write(), index_dir)
    fresh = root / "fresh"
    build_index(write(), fresh)
    assert _ranking(index_dir) == _ranking(fresh)


@pytest.mark.e2e
def test_readyz_says_which_generation_serves_and_why_not_the_newest(tmp_path: Path) -> None:
    index_dir, first, second = _newest_refused(tmp_path)
    port = free_port()
    env = {**os.environ, "CONDSEARCH_DATA_DIR": str(tmp_path / "var"), "CONDSEARCH_SEMANTIC": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(index_dir)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _status(url + "/healthz") == 200, seconds=60)
        response = httpx.get(url + "/readyz", timeout=5)
        assert response.status_code == 503
        message = response.json()["error"]["message"]
        assert message.startswith(f"serving {first.name}, an older generation: CURRENT names {second.name}, ")
        assert message.endswith("run `condsearch index --repair`")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _status(url: str) -> int:
    try:
        return httpx.get(url, timeout=1).status_code
    except httpx.HTTPError:
        return 0


def test_a_file_that_breaks_the_open_is_reported_as_the_damage(tmp_path: Path) -> None:
    """The digests are checked alongside the open: when a damaged file also breaks reading, the damage is named."""
    index_dir = tmp_path / "index"
    build_index(_corpus(tmp_path / "pages", ["alpha-pain", "beta-sleep"]), index_dir)
    generation = current_generation(index_dir)
    assert generation is not None
    (generation / VOCABULARY).write_text("{not json", encoding="utf-8")
    config = load_config(Settings().ranking_file)
    with pytest.raises(IndexMismatchError, match=r"is damaged \(vocabulary\.json changed since it was built\)"):
        open_snapshot(generation, Settings().lexicon_dir, config)
