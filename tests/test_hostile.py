"""Hostile input, property-based: any text through the query pipeline and any file through the sources.

A query answers (or is refused) in bounded time; a broken page is a reported skip, never a crash.
No hypothesis deadline: a busy CI machine once stalled one call for 55 s and failed the run; speed is the
benchmarks' business (scripts/bench.py), and runaway work (an alias bomb, catastrophic backtracking) still fails here
by never finishing, which the CI time budget stops.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from search.errors import PageError
from search.indexing.build import build_index
from search.indexing.store import switch_to
from search.pages import Page
from search.query.searcher import Searcher
from search.sources import load_pages
from search.sources.html import parse_html
from search.sources.markdown import parse_markdown
from search.sources.textexport import parse_text_export
from tests.conftest import PROJECT_ROOT, settings_for, write_page

# Whoosh syntax, quotes, operators, control and direction marks, emoji, odd Unicode, injections,
# and real words and typos so that some of the noise reaches the ranking stages too.
FRAGMENTS = [
    "*",
    "?",
    "title:x",
    "slug:migraine",
    "body:*",
    "a~",
    "pain~2",
    "pain^9",
    '"',
    "'",
    '"burning pain',
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "OR",
    "AND",
    "NOT",
    "-",
    "+",
    "\\",
    "/",
    ":",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u200f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u0301",
    "🤒",
    "👩\u200d⚕️",
    "🏳️\u200d🌈",
    "\U0001d54f",
    "ﬁ",
    "İ",
    "ß",
    "Ⅻ",
    "٣",
    "<script>alert(1)</script>",
    "&amp;",
    "%00",
    "' OR 1=1 --",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "pain",
    "nerve",
    "burning",
    "nueropathy",
    "migrane",
    "pins and needl",
    "kill myself",
    "MG30.5",
    "8A80",
    "o\u0308",
    "x" * 300,
]
fragments = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40)
long_text = st.text(min_size=1, max_size=40).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000])
queries = st.one_of(st.text(max_size=300), fragments.map(" ".join), fragments.map("".join), long_text)

hostile = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MARK = re.compile(r"</?mark>")


@hostile
@given(q=queries, limit=st.integers(1, 50), offset=st.integers(0, 1000))
@example(q="\x00" * 10_000, limit=10, offset=0)
@example(q='a~ title:x * "unbalanced OR NOT AND ( [ {', limit=10, offset=0)
@example(q="pain " * 2000, limit=50, offset=1000)
def test_search_answers_any_text(clinic: Searcher, q: str, limit: int, offset: int) -> None:
    result = clinic.search(q, limit=limit, offset=offset)
    assert result.query == q
    assert len(result.hits) <= limit and result.total >= 0
    assert result.generation == clinic.generation
    for hit in result.hits:
        assert 0.0 <= hit.confidence <= 1.0
        # Only the engine's own <mark> tags are markup; everything else in a snippet is escaped.
        assert "<" not in MARK.sub("", hit.snippet) and ">" not in MARK.sub("", hit.snippet)


@hostile
@given(q=queries, limit=st.integers(1, 20))
@example(q="\u202e" * 5000, limit=8)
def test_suggest_answers_any_text(clinic: Searcher, q: str, limit: int) -> None:
    slugs = {page.slug for page in clinic.pages()}
    found = clinic.suggest(q, limit)
    assert len(found) <= limit
    assert all(s.slug in slugs for s in found)


# Page sources -----------------------------------------------------------------------------------

YAML_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.lists(st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5), max_size=3)), max_size=5),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
FIELDS = ["slug", "title", "summary", "icd11", "aliases", "search_phrases", "symptoms", "related", "reviewed", "url"]
YAML_BITS = [
    "---",
    "title: ",
    "slug: ",
    "aliases: [",
    "- ",
    "  ",
    "\t",
    ": ",
    "&a ",
    "*a ",
    "!!python/object/apply:os.system ['true']",
    "!!binary ",
    "? ",
    "|",
    ">-",
    "'",
    '"',
    "#",
    "%YAML 1.1",
    "...",
    "\n",
    "## Heading",
    "### Sub",
    "# Title",
    "**bold**",
    "*",
    "__",
]
markdown_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=15)), max_size=60).map("".join),
    st.tuples(
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), YAML_VALUES, max_size=8),
        st.text(max_size=300),
    ).map(lambda parts: _front_matter(*parts)),
)

HTML_BITS = [
    "<html>",
    "<body>",
    "</body>",
    "<main>",
    "</main>",
    "<article>",
    "<h1>",
    "</h1>",
    "<h2>",
    "</h2>",
    "<h3>",
    "<p>",
    "</p>",
    "<li>",
    "<ul>",
    "<dd>",
    "<details><summary>",
    '<span class="chip">',
    '<div class="chips"><a>',
    '<link rel="canonical" href="',
    '">',
    "<script>",
    "</script>",
    "<template>",
    "<!--",
    "-->",
    "<![CDATA[",
    "&",
    "&#0;",
    "&#x110000;",
    "ICD-11 8A80.1 (Migraine)",
    "ICD-11 ",
    "Common ways people search for this",
    "Last reviewed by Dr Who on March 3, 2024",
    "Last reviewed by Dr Who on Smarch 45, 2024",
    "Last reviewed by ",
    " on ",
    "January 99, 2024",
    "Title",
    "\x00",
]
html_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(HTML_BITS), st.text(max_size=15)), max_size=80).map("".join),
)

EXPORT_BITS = [
    "Neuropathic Pain",
    "ICD-11 MG30.5 (Chronic neuropathic pain)",
    "ICD-11 ",
    "(",
    "A tagline.",
    "The short version",
    "Clinical definition",
    "How it differs from related conditions",
    "First-line treatments",
    "Frequently asked",
    "Common ways people search for this",
    "References",
    "nerve painburning pain",
    "Last reviewed by Dr Who on March 3, 2024",
    "Last reviewed by Dr Who on Smarch 45, 2024",
    "Is it serious?",
    "\u2022 item",
    "- item",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\x00",
]
export_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(EXPORT_BITS), st.text(max_size=15)), max_size=60).map("".join),
)

sources = settings(max_examples=200, deadline=None, database=None)

# An alias bomb: nine levels of nine-fold aliases is 387 million list items if anything expands it.
ALIAS_BOMB = (
    "---\ntitle: Bomb\n"
    + 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "aliases: [*i]\nreviewed: *i\n---\n\n## The short version\n- x\n"
)


def _front_matter(meta: dict[str, object], body: str) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body


def _valid_or_page_error(parse: object, text: str, path: Path) -> None:
    try:
        page = parse(text, path)  # type: ignore[operator]
    except PageError as exc:
        assert exc.problem.path == str(path)
        assert str(exc)
    else:
        assert isinstance(page, Page) and page.title


@sources
@given(text=markdown_texts)
@example(text="---\n- just\n- a list\n---\nbody")
@example(text="---\n[unclosed\n---\n")
@example(text="---\ntitle: [a, b]\n---\n")
@example(text="---\ntitle: x\nreviewed: 2024-13-45\n---\n")
@example(text=ALIAS_BOMB)
def test_markdown_page_parses_or_is_a_page_error(text: str) -> None:
    _valid_or_page_error(parse_markdown, text, Path("fuzz.md"))


@sources
@given(text=html_texts)
@example(text="<main><h1>T</h1><p>Last reviewed by Dr Who on Smarch 45, 2024</p></main>")
@example(text="<h1></h1>")
@example(text="")
def test_html_page_parses_or_is_a_page_error(text: str) -> None:
    _valid_or_page_error(parse_html, text, Path("fuzz.html"))


@sources
@given(text=export_texts)
@example(text="Pain\nICD-11 MG30.5\n\nThe short version\nLast reviewed by Dr Who on Smarch 45, 2024\n")
@example(text="ICD-11 MG30.5\nThe short version\n")
def test_text_export_parses_or_is_a_page_error(text: str) -> None:
    _valid_or_page_error(parse_text_export, text, Path("fuzz.txt"))


def _file(source: str) -> str:
    """The file name of a page source or problem path ("rows.tsv:3" -> "rows.tsv")."""
    return Path(source).name.split(":")[0]


SUFFIXES = [".md", ".markdown", ".html", ".htm", ".txt", ".tsv", ".csv", ".jsonl", ".ndjson"]
file_bodies = st.one_of(
    markdown_texts.map(str.encode),
    html_texts.map(str.encode),
    export_texts.map(str.encode),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda s: ("title\tsummary\n" + s).encode()),
    st.text(max_size=200).map(lambda s: ('{"title": "T", "summary": ' + s + "}\n").encode()),
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), file_bodies), min_size=1, max_size=8))
def test_load_pages_reports_every_broken_file(
    tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, bytes]]
) -> None:
    folder = tmp_path_factory.mktemp("fuzzed")
    for number, (suffix, body) in enumerate(files):
        (folder / f"page-{number}{suffix}").write_bytes(body)
    loaded = load_pages([folder])
    names = {f"page-{n}{s}" for n, (s, _) in enumerate(files)}
    accounted = {_file(p.source) for p in loaded.pages} | {_file(p.path) for p in loaded.problems}
    # Every page file gave its page or is named in a problem (a table may hold no rows at all).
    pages_files = {f"page-{n}{s}" for n, (s, _) in enumerate(files) if s not in (".tsv", ".csv", ".jsonl", ".ndjson")}
    assert pages_files <= accounted <= names
    assert all(isinstance(p, Page) and p.title for p in loaded.pages)


# A damaged generation on disk ------------------------------------------------------------------

PROBES = ["burning nerve pain", "migraine", "crying all the time since giving birth", "fibro", "pain", "shingles"]


@dataclass
class Served:
    """A searcher over its own index copy, the good generation, and what it answers."""

    searcher: Searcher
    index_dir: Path
    good: str
    baseline: dict[str, list[str]]
    names: Iterator[int]


@pytest.fixture(scope="module")
def served(clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Served:
    index_dir = tmp_path_factory.mktemp("damaged") / "index"
    shutil.copytree(clinic_index, index_dir)
    searcher = Searcher(settings_for(index_dir))
    baseline = {q: [h.slug for h in searcher.search(q).hits] for q in PROBES}
    return Served(searcher, index_dir, searcher.generation, baseline, itertools.count(100))


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    target=st.sampled_from([".seg", ".toc", "vocabulary.json"]),
    how=st.sampled_from(["garbage", "zeros", "truncate"]),
    at=st.floats(0.0, 1.0),
    size=st.integers(1, 200_000),
)
@example(target=".seg", how="garbage", at=0.17, size=100_000)  # opened, then every search raised (whoosh)
@example(target=".seg", how="truncate", at=0.005, size=1)
def test_a_damaged_generation_is_refused_or_harmless(
    served: Served, target: str, how: str, at: float, size: int
) -> None:
    name = f"gen-{next(served.names):06d}"
    damaged = served.index_dir / name
    shutil.copytree(served.index_dir / served.good, damaged)
    victim = next(p for p in damaged.iterdir() if p.name.endswith(target))
    data = bytearray(victim.read_bytes())
    start = int(at * len(data))
    if how == "truncate":
        data = data[:start]
    else:
        data[start : start + size] = os.urandom(size) if how == "garbage" else bytes(size)
    victim.write_bytes(bytes(data))
    switch_to(served.index_dir, name)
    served.searcher.reload()
    # Refused (the good generation keeps serving) or harmless: either way every answer is the same.
    for q in PROBES:
        assert [h.slug for h in served.searcher.search(q).hits] == served.baseline[q], (q, served.searcher.generation)
        served.searcher.suggest(q)


def test_a_build_leaves_the_served_generation_as_it_was(tmp_path: Path) -> None:
    # Generations share unchanged files by hard link: a build must replace a shared file, never write into it.
    folder = tmp_path / "pages"
    shutil.copytree(PROJECT_ROOT / "data" / "conditions", folder)
    index_dir = tmp_path / "index"
    write_page(folder, "restless-legs", "Restless Legs Syndrome")
    served = index_dir / build_index(list(load_pages([folder]).pages), index_dir).generation
    before = {p.name: p.read_bytes() for p in served.iterdir() if p.name != "MAIN_WRITELOCK"}
    write_page(folder, "willis-ekbom", "Willis Ekbom Disease")
    build_index(list(load_pages([folder]).pages), index_dir)
    after = {p.name: p.read_bytes() for p in served.iterdir() if p.name != "MAIN_WRITELOCK"}
    assert [name for name in before if after.get(name) != before[name]] == []
