"""Analytics errors, inside the project's one hierarchy."""

from __future__ import annotations

from search.errors import CondSearchError


class AnalyticsError(CondSearchError):
    """An analytics setting or option is unusable (bad URL, bad --since)."""


class AnalyticsUnavailableError(AnalyticsError):
    """The analytics database cannot be reached or read."""
