"""Shared fixtures: real indexes built in temp dirs from the real corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from search.embedding import load_encoder
from search.indexing.build import build_index
from search.query.searcher import Searcher
from search.settings import Settings
from search.sources import load_pages

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout under test
SHARED = PROJECT_ROOT.parent / "shared"
SEED = SHARED / "seed-pages" / "neuropathic-pain.txt"
MEDLINEPLUS = SHARED / "corpora" / "medlineplus" / "health-topics.tsv"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
FIXTURES = Path(__file__).parent / "fixtures"
RELEVANCE = Path(__file__).parent / "relevance"

# No hypothesis deadline for any test: a stalled CI machine must not fail a property (speed is scripts/bench.py's job).
hypothesis_settings.register_profile("condsearch", deadline=None)
hypothesis_settings.load_profile("condsearch")


def settings_for(index_dir: Path) -> Settings:
    """Settings pointing at a test index, everything else the project's defaults."""
    return Settings(index_dir=index_dir, data_dir=index_dir.parent / "var")


@pytest.fixture(scope="session")
def clinic_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 29 clinic pages, indexed once per test session."""
    index_dir = tmp_path_factory.mktemp("clinic") / "index"
    loaded = load_pages([PROJECT_ROOT / "data" / "conditions"])
    assert not loaded.problems, loaded.problems
    build_index(list(loaded.pages), index_dir, encoder=load_encoder())
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
    build_index(list(loaded.pages), index_dir, encoder=load_encoder())
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


def two_page_index(root: Path) -> Path:
    """A real index of two made-up pages ("alpha-pain", "beta-sleep") under `root`: another corpus than the clinic's."""
    folder = root / "pages"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    write_page(folder, "beta-sleep", "Beta Sleep")
    build_index(list(load_pages([folder]).pages), root / "index")
    return root / "index"


# Test tiers -------------------------------------------------------------------------------------
# Every test gets exactly one tier marker (registered in pyproject.toml), from what it starts:
#   browser   Chromium driven by Playwright (and a real server)
#   postgres  a real PostgreSQL server
#   e2e       a real uvicorn server in a subprocess
#   unit      none of these: in-process
# A test that needs several gets the first in this order, so `-m "unit or e2e"` needs neither Chromium nor
# PostgreSQL. A tier marker written on a test (or its module) is kept as it is.
TIERS = ("browser", "postgres", "e2e", "unit")

# Fixtures that start something: a test uses one when it asks for it, directly or through another fixture
# (the Playwright `page` asks for `browser`; tests/sources/test_html.py has a `page` of its own, a parsed page).
TIER_FIXTURES = {
    "browser": {"browser"},
    "postgres": {"postgres_url"},
    "e2e": {"server", "hostile_server", "admin_server", "dashboard_server"},
}
# Helpers that start something when a test calls them in its own body.
TIER_CALLS = {
    "postgres": {"own_cluster", "scratch_database", "server_url"},
    "e2e": {"start_server", "analytics_server"},
}
# Tests that start a server some other way (a script of the project's, an installed copy): a module, or module::test.
TIER_TESTS = {
    "tests/test_install.py": "e2e",  # `pip install .` into a fresh virtualenv, then its `condsearch serve`
    "tests/test_soak.py": "e2e",  # scripts/soak.py
    "tests/test_bench.py::test_quick_mode_measures_both_corpora_and_writes_only_where_told": "e2e",  # scripts/bench.py
}


def _names_used(function: object) -> set[str]:
    """The global and attribute names a function's code uses, its lambdas and nested functions included."""
    names: set[str] = set()
    pending = [getattr(function, "__code__", None)]
    while pending:
        code = pending.pop()
        names.update(getattr(code, "co_names", ()))
        pending.extend(const for const in getattr(code, "co_consts", ()) if hasattr(const, "co_names"))
    return names


def _tier(item: pytest.Item) -> str:
    """The first tier in TIERS of everything the test uses."""
    # pytest.Item does not declare fixturenames (Function and DoctestItem set it); pytest's runner reads it so too.
    used_fixtures: list[str] = getattr(item, "fixturenames", [])
    needs = {tier for tier, fixtures in TIER_FIXTURES.items() if fixtures & set(used_fixtures)}
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        needs.add("postgres")  # db_url (and so `store`) runs a test once on SQLite, once on PostgreSQL
    function = getattr(item, "function", None)
    function = getattr(getattr(function, "hypothesis", None), "inner_test", function)  # under @given
    used = _names_used(function)
    needs |= {tier for tier, calls in TIER_CALLS.items() if calls & used}
    module = item.nodeid.split("::")[0]  # relative to the repo root, where pyproject.toml is
    for key in (module, f"{module}::{getattr(item, 'originalname', item.name)}"):
        if key in TIER_TESTS:
            needs.add(TIER_TESTS[key])
    return next(tier for tier in TIERS if tier in needs or tier == "unit")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test its tier marker."""
    for item in items:
        given = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        if len(given) > 1:
            raise pytest.UsageError(f"{item.nodeid} has more than one tier marker: {', '.join(sorted(given))}")
        if not given:
            item.add_marker(_tier(item))
