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


class LinkOut(BaseModel):
    """A link a phone can act on."""

    label: str = Field(description='What the link says, e.g. "Call 988".')
    href: str = Field(description="A tel:, sms: or web link.")


class CrisisLineOut(BaseModel):
    """One place to get help."""

    text: str
    links: list[LinkOut]


class SafetyOut(BaseModel):
    """The crisis notice shown above results, in the query's language."""

    message: str
    language: str = Field(description='"en" or "es": the language of the message and lines.')
    category: str = Field(description="The kind of crisis wording recognised (e.g. wish-dead, plan, self-harm).")
    lines: list[CrisisLineOut]


class MatchedOut(BaseModel):
    """Why a hit matched."""

    fields: dict[str, list[str]]
    phrase: str
    phrase_score: float
    corrections: list[str]
    synonyms: list[str]
    completions: list[str]
    semantic: float = Field(
        description=(
            "What the query's meaning added to the score (the semantic and intent stages, both reading the "
            "sentence vectors); 0 if neither ran."
        )
    )


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


class NextStepsOut(BaseModel):
    """What to offer when no page fits: never a dead end."""

    browse: str = Field(description="Every condition, grouped (HTML for a browser, JSON otherwise).")
    contact: LinkOut | None = Field(description="How to reach the clinic, in the query's language (if configured).")


class SearchResponse(BaseModel):
    """The answer to GET /search."""

    query_id: str
    query: str
    corrected_query: str | None
    total: int
    took_ms: float
    unmatched: bool = Field(description="No page fits well (kind uncertain or none): editors see it in the reports.")
    kind: str = Field(
        description='"match": a page answers it; "broad": only site-wide words matched ("ketamine"), an overview '
        'of the pages that fit; "uncertain": the closest pages, none fits well; "none": nothing matched.'
    )
    hint: str | None = Field(None, description="For a broad answer: what would narrow it down.")
    hits: list[HitOut]
    safety: SafetyOut | None
    suggestions: list[SuggestionPageOut]
    next_steps: NextStepsOut | None = Field(
        None, description="Set when no page fits (unmatched, or no hits): browse the conditions or contact the clinic."
    )


class SuggestionOut(BaseModel):
    """One as-you-type completion."""

    text: str
    slug: str
    title: str
    kind: str = Field(description="title, phrase or alias")
    url: str = Field("", description="The page's address on the site.")


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
    group: str = Field(description="The kind of condition (mood, anxiety, trauma, pain, headache, sleep, substance).")


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
