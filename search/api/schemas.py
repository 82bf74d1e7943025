"""Pydantic models at the HTTP boundary (inside the library everything is a frozen dataclass)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """The one error shape, for every status."""

    status: int
    code: str
    message: str = Field(description="What was wrong and how to fix it.")
    field: str | None = None


class ErrorResponse(BaseModel):
    """`{"error": {...}}`."""

    error: ErrorBody


class SafetyOut(BaseModel):
    """The crisis notice shown above results."""

    message: str
    lines: list[str]


class MatchedOut(BaseModel):
    """Why a hit matched."""

    fields: dict[str, list[str]]
    phrase: str
    phrase_score: float
    corrections: list[str]
    synonyms: list[str]
    completions: list[str]


class HitOut(BaseModel):
    """One ranked condition page."""

    slug: str
    title: str
    url: str
    summary: str
    icd11: list[str]
    snippet: str = Field(description="HTML-escaped text; matched words are wrapped in <mark>.")
    score: float
    confidence: float = Field(ge=0.0, le=1.0)
    matched: MatchedOut


class SuggestionPageOut(BaseModel):
    """A page offered when nothing matched."""

    slug: str
    title: str
    url: str


class SearchResponse(BaseModel):
    """The answer to GET /search."""

    query_id: str
    query: str
    corrected_query: str | None
    total: int
    took_ms: float
    unmatched: bool
    hits: list[HitOut]
    safety: SafetyOut | None
    suggestions: list[SuggestionPageOut]


class SuggestionOut(BaseModel):
    """One as-you-type completion."""

    text: str
    slug: str
    title: str
    kind: str = Field(description="title, phrase or alias")


class SuggestResponse(BaseModel):
    """The answer to GET /suggest."""

    query: str
    suggestions: list[SuggestionOut]


class ConditionSummary(BaseModel):
    """A page in the list of conditions."""

    slug: str
    title: str
    url: str
    summary: str
    icd11: list[str]


class ConditionList(BaseModel):
    """The answer to GET /conditions."""

    total: int
    conditions: list[ConditionSummary]


class ClickIn(BaseModel):
    """A click on a result, reported by the page or widget."""

    query_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    slug: str = Field(min_length=1, max_length=200)
    position: int = Field(ge=1, le=1000)


class Accepted(BaseModel):
    """An event was accepted."""

    accepted: bool = True
