"""`condsearch eval`: accuracy@1, MRR@10, recall@5, latency and misses over a query TSV."""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from search.errors import EvalFileError
from search.query.results import SearchResult
from search.query.suggest import Suggestion


@dataclass(frozen=True)
class Case:
    """One query and its acceptable answers (page ids or titles, folded)."""

    query: str
    expected: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Miss:
    """A query whose first hit was not acceptable."""

    query: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    rank: int | None


@dataclass(frozen=True)
class Report:
    """The figures for one query file."""

    file: str
    queries: int
    accuracy_at_1: float
    mrr_at_10: float
    recall_at_5: float
    p50_ms: float
    p99_ms: float
    misses: tuple[Miss, ...] = field(default=())
    in_scope: int = 0  # queries that name a page
    in_scope_flagged: float = 0.0  # share of those answered "unmatched" (a page should have fitted)
    out_of_scope: int = 0  # queries whose expected answer is `none`
    out_of_scope_flagged: float = 0.0  # share of those answered unmatched or broad (never one page)
    corrected: int = 0  # queries answered with "did you mean"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures and misses."""
        return {
            "file": self.file,
            "queries": self.queries,
            "accuracy@1": round(self.accuracy_at_1, 4),
            "mrr@10": round(self.mrr_at_10, 4),
            "recall@5": round(self.recall_at_5, 4),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "in_scope": self.in_scope,
            "in_scope_flagged": round(self.in_scope_flagged, 4),
            "out_of_scope": self.out_of_scope,
            "out_of_scope_flagged": round(self.out_of_scope_flagged, 4),
            "corrected": self.corrected,
            "misses": [
                {"query": m.query, "expected": list(m.expected), "got": list(m.got), "rank": m.rank}
                for m in self.misses
            ],
        }


def read_cases(path: Path) -> list[Case]:
    """Read `query<TAB>expected` rows (header first); errors name the line and the fix."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot be read ({exc.strerror}); pass a query TSV") from None
    with handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["query", "expected"]:
        raise EvalFileError(f"{path}:1: the header must be `query<TAB>expected`")
    cases: list[Case] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise EvalFileError(f"{path}:{number}: expected a query, a tab, then the expected page(s)")
        expected = tuple(e.strip().lower() for e in row[1].split("|") if e.strip())
        cases.append(Case(row[0].strip(), expected, number))
    return cases


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


NONE = "none"  # the expected answer of a query no page should answer


def evaluate(path: Path, search: Callable[[str], SearchResult], keep_misses: int = 1000) -> Report:
    """Run every case through `search` and score the rankings.

    A case expecting `none` is right when the answer is unmatched or broad (an overview, never one
    page); it counts toward out-of-scope figures, every other case toward the ranking figures.
    """
    cases = read_cases(path)
    hits1 = 0
    rr = 0.0
    hits5 = 0
    times: list[float] = []
    misses: list[Miss] = []
    flagged_in = flagged_out = n_out = corrected = 0
    for case in cases:
        result = search(case.query)
        times.append(result.took_ms)
        corrected += result.corrected_query is not None
        if case.expected == (NONE,):
            n_out += 1
            declined = result.unmatched or result.kind == "broad"
            flagged_out += declined
            if not declined and len(misses) < keep_misses:
                misses.append(Miss(case.query, case.expected, tuple(h.title.lower() for h in result.hits[:3]), None))
            continue
        flagged_in += result.unmatched
        names = [(h.slug.lower(), h.title.lower()) for h in result.hits]
        rank = next((i for i, (s, t) in enumerate(names, 1) if s in case.expected or t in case.expected), None)
        if rank == 1:
            hits1 += 1
        elif len(misses) < keep_misses:
            misses.append(Miss(case.query, case.expected, tuple(t for _, t in names[:3]), rank))
        if rank is not None and rank <= 10:
            rr += 1.0 / rank
        if rank is not None and rank <= 5:
            hits5 += 1
    n_in = len(cases) - n_out
    n = n_in or 1
    return Report(
        file=str(path),
        queries=len(cases),
        accuracy_at_1=hits1 / n,
        mrr_at_10=rr / n,
        recall_at_5=hits5 / n,
        p50_ms=statistics.median(times) if times else 0.0,
        p99_ms=_percentile(times, 0.99),
        misses=tuple(misses),
        in_scope=n_in,
        in_scope_flagged=flagged_in / n,
        out_of_scope=n_out,
        out_of_scope_flagged=flagged_out / (n_out or 1),
        corrected=corrected,
    )


def suggestion_recall(path: Path, suggest: Callable[[str], list[Suggestion]], depth: int = 3) -> tuple[int, int]:
    """How many queries of a file have an acceptable page among the first `depth` pages suggested, of how many."""
    cases = [c for c in read_cases(path) if "none" not in c.expected]
    found = 0
    for case in cases:
        pages: list[str] = []
        for suggestion in suggest(case.query):
            if suggestion.slug not in pages:
                pages.append(suggestion.slug)
        found += bool(set(case.expected) & set(pages[:depth]))
    return found, len(cases)
