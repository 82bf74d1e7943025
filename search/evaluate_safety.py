"""`condsearch eval` for crisis sets: the notice's recall and false alarms, per category and language."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from search.errors import EvalFileError
from search.query.results import SearchResult

HEADER = ["query", "label", "category", "language", "expected"]


@dataclass(frozen=True)
class SafetyCase:
    """One labelled message: crisis or not, its kind, its language, the acceptable first pages."""

    query: str
    crisis: bool
    category: str
    language: str
    expected: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Cell:
    """Figures for one (label, category, language) group."""

    label: str
    category: str
    language: str
    queries: int
    flagged: int
    right_first: int


@dataclass(frozen=True)
class SafetyReport:
    """A crisis set's figures, with the messages that went wrong."""

    file: str
    cells: tuple[Cell, ...]
    errors: tuple[tuple[str, str, str], ...] = field(default=())  # (what, category, query)

    def total(self, crisis: bool, language: str | None = None) -> tuple[int, int, int]:
        """(queries, flagged, right page first) over every category, optionally one language."""
        label = "crisis" if crisis else "none"
        cells = [c for c in self.cells if c.label == label and language in (None, c.language)]
        return sum(c.queries for c in cells), sum(c.flagged for c in cells), sum(c.right_first for c in cells)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "file": self.file,
            "cells": [c.__dict__ for c in self.cells],
            "errors": [{"what": w, "category": c, "query": q} for w, c, q in self.errors],
        }


def is_safety_file(path: Path) -> bool:
    """Whether a TSV has the crisis-set header."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline().rstrip("\n").split("\t")
    except OSError:
        return False
    return [c.strip().lower() for c in first] == HEADER


def read_safety_cases(path: Path) -> list[SafetyCase]:
    """Read a crisis set; errors name the line and the fix."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    cases = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != len(HEADER) or row[1] not in ("crisis", "none"):
            raise EvalFileError(
                f"{path}:{number}: expected query, crisis|none, category, language, expected page(s), tab-separated"
            )
        expected = tuple(e.strip().lower() for e in row[4].split("|") if e.strip() and e.strip() != "-")
        cases.append(SafetyCase(row[0].strip(), row[1] == "crisis", row[2], row[3], expected, number))
    return cases


def evaluate_safety(path: Path, search: Callable[[str], SearchResult]) -> SafetyReport:
    """Run every message: crisis ones must show the notice, others must not; and the first page."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    errors: list[tuple[str, str, str]] = []
    for case in read_safety_cases(path):
        result = search(case.query)
        flagged = result.safety is not None
        first = result.hits[0].slug if result.hits else ""
        right = first in case.expected if case.expected else not result.hits or result.unmatched
        label = "crisis" if case.crisis else "none"
        cell = groups.setdefault((label, case.category, case.language), [0, 0, 0])
        cell[0] += 1
        cell[1] += flagged
        cell[2] += right
        if flagged != case.crisis:
            errors.append(("missed" if case.crisis else "false alarm", case.category, case.query))
        elif case.crisis and not right:
            errors.append((f"first page {first or '-'}", case.category, case.query))
    cells = tuple(Cell(*key, *values) for key, values in sorted(groups.items()))
    return SafetyReport(str(path), cells, tuple(errors))
