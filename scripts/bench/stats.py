"""Latency percentiles: nearest-rank, so a reported p99 is a latency that was really observed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    """Percentiles of a set of timings, in milliseconds."""

    n: int
    p50: float
    p95: float
    p99: float
    max: float


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank q-quantile (0 < q <= 1) of `values`; 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarize(ms: Sequence[float]) -> Latency:
    """p50, p95, p99 and max of timings in milliseconds."""
    return Latency(
        n=len(ms),
        p50=percentile(ms, 0.50),
        p95=percentile(ms, 0.95),
        p99=percentile(ms, 0.99),
        max=max(ms, default=0.0),
    )
