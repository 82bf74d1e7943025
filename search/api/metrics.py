"""Prometheus metrics of one app instance: requests, latency, zero-result searches, generation."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class Metrics:
    """The app's instruments, in a registry of its own (so tests can build many apps)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    zero_results: Counter
    generation: Gauge
    events_dropped: Counter


def build_metrics() -> Metrics:
    """A fresh registry and instruments."""
    registry = CollectorRegistry()
    return Metrics(
        registry=registry,
        requests=Counter("condsearch_requests", "HTTP requests", ["route", "status"], registry=registry),
        latency=Histogram(
            "condsearch_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=registry,
        ),
        zero_results=Counter("condsearch_zero_result_searches", "Searches with no hit", registry=registry),
        generation=Gauge("condsearch_index_generation", "Number of the index generation in use", registry=registry),
        events_dropped=Counter(
            "condsearch_analytics_events_dropped", "Analytics events dropped", ["reason"], registry=registry
        ),
    )
