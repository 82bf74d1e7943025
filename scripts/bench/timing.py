"""In-process timing: every call measured once with perf_counter, the first time it is asked."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.queries import QuerySet
from bench.stats import Latency, summarize

Ranker = Callable[[str], list[tuple[str, str]]]  # query -> ranked (slug, title), best first


@dataclass(frozen=True)
class Score:
    """One engine on one query set: accuracy@1 and the latency of the same calls."""

    engine: str
    corpus: str
    queries: str
    n: int
    accuracy_at_1: float
    latency: Latency


def time_calls(call: Callable[[str], object], queries: Sequence[str], budget: float | None = None) -> list[float]:
    """Milliseconds of one call per query, in order; stops early once `budget` seconds are spent."""
    out: list[float] = []
    deadline = time.perf_counter() + budget if budget is not None else None
    for query in queries:
        if deadline is not None and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        call(query)
        out.append((time.perf_counter() - started) * 1000.0)
    return out


def score(engine: str, corpus: str, qs: QuerySet, rank: Ranker) -> Score:
    """Accuracy@1 of `rank` on a query set, timing each call; a hit matches by slug or title."""
    correct = 0
    ms: list[float] = []
    for case in qs.cases:
        started = time.perf_counter()
        ranked = rank(case.query)
        ms.append((time.perf_counter() - started) * 1000.0)
        if ranked and (ranked[0][0].lower() in case.expected or ranked[0][1].lower() in case.expected):
            correct += 1
    return Score(engine, corpus, qs.name, len(qs.cases), correct / max(1, len(qs.cases)), summarize(ms))
