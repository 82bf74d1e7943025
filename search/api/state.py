"""What the app owns for its lifetime: the searcher, metrics and the analytics sink."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.api.metrics import Metrics
from search.query.pipeline import Searcher
from search.query.results import SearchResult
from search.settings import Settings


class EventSink(Protocol):
    """Where search and click events go (the analytics store, or nowhere)."""

    def search(self, query_id: str, result: SearchResult) -> None:
        """Record a search."""

    def click(self, query_id: str, slug: str, position: int) -> None:
        """Record a click."""

    def close(self) -> None:
        """Flush and stop."""


class NullSink:
    """Records nothing: analytics are off."""

    def search(self, query_id: str, result: SearchResult) -> None:
        """Drop the search event."""

    def click(self, query_id: str, slug: str, position: int) -> None:
        """Drop the click event."""

    def close(self) -> None:
        """Nothing to flush."""


@dataclass
class AppState:
    """Created in the lifespan, closed at shutdown."""

    settings: Settings
    searcher: Searcher
    metrics: Metrics
    events: EventSink = field(default_factory=NullSink)

    def record_search(self, query_id: str, result: SearchResult) -> None:
        """Hand a search to the analytics sink; never fails the request."""
        try:
            self.events.search(query_id, result)
        except Exception:
            self.metrics.events_dropped.labels("error").inc()

    def record_click(self, query_id: str, slug: str, position: int) -> None:
        """Hand a click to the analytics sink; never fails the request."""
        try:
            self.events.click(query_id, slug, position)
        except Exception:
            self.metrics.events_dropped.labels("error").inc()
