"""Events as stored: scrubbed text, counts and the top page; no address, agent, cookie or user id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from search.analytics.scrub import normalize, scrub
from search.query.results import SearchResult

MAX_TEXT = 512  # the longest query the API accepts


@dataclass(frozen=True)
class SearchEvent:
    """One search (or a sampled as-you-type suggestion), as the store keeps it."""

    minute: datetime
    day: date
    kind: str  # "search" or "suggest"
    query_id: str
    query: str
    normalized: str
    corrected: str
    hits: int
    top_slug: str | None
    confidence: float | None
    latency_ms: float | None
    unmatched: bool


@dataclass(frozen=True)
class ClickEvent:
    """A click on a result, joined to its search by query_id."""

    minute: datetime
    day: date
    query_id: str
    slug: str
    position: int


def utc_minute(now: datetime | None = None) -> datetime:
    """The time to the minute, in UTC without a zone (both databases store it the same way)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(second=0, microsecond=0, tzinfo=None)


def search_event(query_id: str, result: SearchResult, minute: datetime, correct: Callable[[str], str]) -> SearchEvent:
    """A search as stored: the query scrubbed first, its normalized and corrected forms made from the scrubbed text."""
    query = scrub(result.query)[:MAX_TEXT]
    normalized = scrub(normalize(query))[:MAX_TEXT]
    # Corrected from the scrubbed text, never from the raw one: a correction cannot bring a detail back.
    corrected = scrub(correct(query))[:MAX_TEXT]
    top = result.hits[0] if result.hits else None
    return SearchEvent(
        minute=minute,
        day=minute.date(),
        kind="search",
        query_id=query_id,
        query=query,
        normalized=normalized,
        corrected=corrected,
        hits=result.total,
        top_slug=top.slug if top else None,
        confidence=top.confidence if top else None,
        latency_ms=round(result.took_ms, 3),
        unmatched=result.total == 0 or result.unmatched,
    )


def suggest_event(query_id: str, text: str, slugs: Sequence[str], minute: datetime) -> SearchEvent:
    """A sampled as-you-type request: the prefix scrubbed, how many suggestions and the first one's page."""
    query = scrub(text)[:MAX_TEXT]
    normalized = scrub(normalize(query))[:MAX_TEXT]
    return SearchEvent(
        minute=minute,
        day=minute.date(),
        kind="suggest",
        query_id=query_id,
        query=query,
        normalized=normalized,
        corrected=normalized,
        hits=len(slugs),
        top_slug=slugs[0] if slugs else None,
        confidence=None,
        latency_ms=None,
        unmatched=not slugs,
    )


def click_event(query_id: str, slug: str, position: int, minute: datetime) -> ClickEvent:
    """A click as stored."""
    return ClickEvent(minute=minute, day=minute.date(), query_id=query_id, slug=slug, position=position)
