"""Wiring for the app and CLI: the store and sink the settings ask for, and the nearest-page lookup."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial

from prometheus_client import Counter

from search.analytics.correct import corrected_form
from search.analytics.nearest import Nearest, nearest_page
from search.analytics.sink import AnalyticsSink, SinkOptions
from search.analytics.store import Store, open_store
from search.query.searcher import Searcher
from search.settings import Settings


def sink_options(settings: Settings) -> SinkOptions:
    """The sink's options from the settings."""
    return SinkOptions(
        queue_size=settings.analytics_queue_size,
        batch_size=settings.analytics_batch_size,
        flush_seconds=settings.analytics_flush_seconds,
        retention_days=settings.analytics_retention_days,
    )


def cached_corrector(searcher: Searcher, size: int = 4096) -> Callable[[str], str]:
    """corrected_form with a cache per index generation: most searches repeat a recent text."""

    @lru_cache(maxsize=size)
    def correct(generation: str, text: str) -> str:
        return corrected_form(searcher, text)

    return lambda text: correct(searcher.generation, text)


def start_sink(settings: Settings, searcher: Searcher, dropped: Counter) -> AnalyticsSink:
    """A sink on its own store; its worker migrates and purges as soon as the database answers."""
    return AnalyticsSink(
        open_store(settings),
        sink_options(settings),
        dropped,
        correct=cached_corrector(searcher),
        known_slug=lambda slug: searcher.page(slug) is not None,
    )


def nearest_for(settings: Settings, searcher: Searcher) -> Callable[[str], Nearest | None]:
    """The nearest-page lookup reports use."""
    return partial(nearest_page, searcher, settings.conditions_dir)


def open_reports_store(settings: Settings) -> Store:
    """A store for reading reports, migrated first so a fresh database reads as empty."""
    store = open_store(settings)
    store.migrate()
    return store
