"""Shared fixtures: real indexes built in temp dirs from the real corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.indexing.build import build_index
from search.query.pipeline import Searcher
from search.settings import PROJECT_ROOT, Settings
from search.sources import load_pages

SHARED = PROJECT_ROOT.parent / "shared"
SEED = SHARED / "seed-pages" / "neuropathic-pain.txt"
MEDLINEPLUS = SHARED / "corpora" / "medlineplus" / "health-topics.tsv"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
FIXTURES = Path(__file__).parent / "fixtures"
RELEVANCE = Path(__file__).parent / "relevance"


def settings_for(index_dir: Path) -> Settings:
    """Settings pointing at a test index, everything else the project's defaults."""
    return Settings(index_dir=index_dir, data_dir=index_dir.parent / "var")


@pytest.fixture(scope="session")
def clinic_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 29 clinic pages, indexed once per test session."""
    index_dir = tmp_path_factory.mktemp("clinic") / "index"
    loaded = load_pages([PROJECT_ROOT / "data" / "conditions"])
    assert not loaded.problems, loaded.problems
    build_index(list(loaded.pages), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def clinic(clinic_index: Path) -> Searcher:
    """A searcher over the clinic index."""
    return Searcher(settings_for(clinic_index))


@pytest.fixture(scope="session")
def medlineplus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 981 MedlinePlus topics, indexed once per test session."""
    index_dir = tmp_path_factory.mktemp("medlineplus") / "index"
    loaded = load_pages([MEDLINEPLUS], MEDLINEPLUS_MAP)
    build_index(list(loaded.pages), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def medlineplus(medlineplus_index: Path) -> Searcher:
    """A searcher over the MedlinePlus index."""
    return Searcher(settings_for(medlineplus_index))


def write_page(folder: Path, slug: str, title: str = "", **fields: object) -> Path:
    """Write a minimal valid Markdown page (extra front-matter fields as given)."""
    lines = ["---", f"slug: {slug}", f"title: {title or slug.replace('-', ' ').title()}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines += ["---", "", "## The short version", f"- A page about {title or slug}.", ""]
    path = folder / f"{slug}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
