"""The query sets: five classes for latency, and the dev sets scored for accuracy@1."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import SHARED
from search.evaluate import Case, read_cases
from search.pages import Page

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout

CLASSES = ("title", "lay", "misspelled", "prefix", "long")
RELEVANCE = PROJECT_ROOT / "tests" / "relevance"
SYMPTOMS = SHARED / "eval" / "dev" / "medlineplus-symptom-descriptions.tsv"
LONG_WORDS = (30, 60)  # a "long description" has this many words, inclusive
MIN_PREFIX = 3


@dataclass(frozen=True)
class QuerySet:
    """Queries with their acceptable answers; `klass` None means scored for accuracy only."""

    name: str
    klass: str | None
    cases: tuple[Case, ...]
    accuracy: bool


def _sample(cases: Sequence[Case], limit: int | None, rng: random.Random) -> tuple[Case, ...]:
    """At most `limit` cases, a seeded sample kept in file order."""
    if limit is None or len(cases) <= limit:
        return tuple(cases)
    keep = sorted(rng.sample(range(len(cases)), limit))
    return tuple(cases[i] for i in keep)


def prefix_of(title: str, rng: random.Random) -> str:
    """The title cut inside a word, as typed so far ("Abdominal Pa")."""
    cuts = [i for i in range(MIN_PREFIX, len(title)) if title[i - 1] != " " and title[i] != " "]
    return title[: rng.choice(cuts)] if cuts else title


def title_cases(pages: Sequence[Page], n: int, rng: random.Random) -> list[Case]:
    """Exact titles of a seeded sample of pages, each expecting its own page."""
    chosen = sorted(rng.sample(range(len(pages)), min(n, len(pages))))
    return [Case(pages[i].title, (pages[i].slug, pages[i].title.lower()), i) for i in chosen]


def prefix_cases(titles: Sequence[Case], rng: random.Random) -> list[Case]:
    """As-you-type prefixes cut from title queries, expecting the same pages."""
    return [Case(prefix_of(c.query, rng), c.expected, c.line) for c in titles]


def words(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def long_only(cases: Sequence[Case]) -> list[Case]:
    """The descriptions of 30 to 60 words."""
    low, high = LONG_WORDS
    return [c for c in cases if low <= words(c.query) <= high]


def query_sets(kind: str, pages: Sequence[Page], dev: bool, limit: int | None, seed: int) -> list[QuerySet]:
    """The query sets for a corpus; `dev` marks the corpus the dev sets are scored against."""
    rng = random.Random(seed)
    clinic_files = [
        ("lay", "clinic-lay.tsv"),
        (None, "clinic-confusable.tsv"),
        ("misspelled", "clinic-misspelled.tsv"),
        ("prefix", "clinic-prefix.tsv"),
        ("long", "clinic-long.tsv"),
    ]
    medlineplus_files = [("lay", "medlineplus-lay.tsv"), ("misspelled", "medlineplus-misspelled.tsv")]
    files = clinic_files if kind == "clinic" else medlineplus_files
    titles = title_cases(pages, limit or 300, rng)
    sets = [
        QuerySet("titles", "title", tuple(titles), dev),
        QuerySet("title prefixes", "prefix", tuple(prefix_cases(titles, rng)), dev),
    ]
    for klass, name in files:
        sets.append(QuerySet(name, klass, _sample(read_cases(RELEVANCE / name), limit, rng), dev))
    if kind != "clinic":
        symptoms = read_cases(SYMPTOMS)
        if dev:
            sets.append(QuerySet(SYMPTOMS.name, None, _sample(symptoms, limit, rng), True))
        sets.append(QuerySet(f"{SYMPTOMS.stem} (30-60 words)", "long", _sample(long_only(symptoms), limit, rng), False))
    return sets


def by_class(sets: Sequence[QuerySet]) -> dict[str, list[str]]:
    """The latency queries of each class, in set order."""
    out: dict[str, list[str]] = {klass: [] for klass in CLASSES}
    for qs in sets:
        if qs.klass is not None:
            out[qs.klass].extend(c.query for c in qs.cases)
    return out
