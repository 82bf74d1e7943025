"""What the app owns for its lifetime: the searcher, metrics and the analytics sink."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from search.analytics.store import Store
from search.api.metrics import Metrics
from search.api.ratelimit import LoginBackoff
from search.query.results import SearchResult
from search.query.searcher import Searcher
from search.settings import Settings


class EventSink(Protocol):
    """Where search and click events go (the analytics store, or nowhere)."""

    def search(self, query_id: str, result: SearchResult) -> None:
        """Record a search."""

    def click(self, query_id: str, slug: str, position: int) -> None:
        """Record a click."""

    def suggest(self, text: str, slugs: Sequence[str]) -> None:
        """Record a sampled as-you-type request: what was typed and the pages suggested."""

    def close(self) -> None:
        """Flush and stop."""


class NullSink:
    """Records nothing: analytics are off."""

    def search(self, query_id: str, result: SearchResult) -> None:
        """Drop the search event."""

    def click(self, query_id: str, slug: str, position: int) -> None:
        """Drop the click event."""

    def suggest(self, text: str, slugs: Sequence[str]) -> None:
        """Drop the suggest event."""

    def close(self) -> None:
        """Nothing to flush."""


@dataclass
class AppState:
    """Created in the lifespan, closed at shutdown."""

    settings: Settings
    searcher: Searcher
    metrics: Metrics
    events: EventSink = field(default_factory=NullSink)
    analytics: Store | None = None  # where the admin reports read from; None when analytics are off
    logins: LoginBackoff = field(default_factory=LoginBackoff)  # failed admin sign-ins, per client

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

    def record_suggest(self, text: str, slugs: Sequence[str]) -> None:
        """Hand a sampled suggestion request to the analytics sink; never fails the request."""
        try:
            self.events.suggest(text, slugs)
        except Exception:
            self.metrics.events_dropped.labels("error").inc()
