"""What a search returns: frozen results the API turns into JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from search.safety import SafetyNotice


@dataclass(frozen=True)
class Matched:
    """Why a hit matched: fields per term, the best phrase, corrections and synonyms used."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    phrase: str = ""
    phrase_score: float = 0.0
    corrections: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    completions: tuple[str, ...] = ()
    semantic: float = 0.0  # what the semantic and intent stages added to the score (0: neither ran)


@dataclass(frozen=True)
class Hit:
    """One ranked page."""

    slug: str
    title: str
    url: str
    summary: str
    icd11: tuple[str, ...]
    snippet: str
    score: float
    confidence: float
    matched: Matched


@dataclass(frozen=True)
class SearchResult:
    """A whole answer to a query."""

    query: str
    corrected_query: str | None
    total: int
    hits: tuple[Hit, ...]
    took_ms: float
    safety: SafetyNotice | None
    unmatched: bool
    generation: str
    suggestions: tuple[Hit, ...] = ()
    # "match": a page answers it; "broad": only site-wide words ("ketamine"), an overview of the
    # pages that fit; "uncertain": the closest pages, but none fits; "none": nothing matched.
    kind: str = "match"
    hint: str | None = None  # what would narrow a broad answer
