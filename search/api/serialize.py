"""Frozen results -> JSON-ready dicts (shared by the CLI's --json and the API)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from search.pages import Page
from search.query.results import SearchResult
from search.query.suggest import Suggestion

BROWSE_URL = "/conditions"


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """The library result as plain data."""
    data = asdict(result)
    data.pop("generation")
    data["took_ms"] = round(result.took_ms, 2)
    if result.safety is not None:
        notice = result.safety
        data["safety"] = {
            "message": notice.message,
            "language": notice.language,
            "category": notice.category,
            "lines": [
                {"text": line.text, "links": [{"label": label, "href": href} for label, href in line.links]}
                for line in notice.lines
            ],
        }
    return data


def search_response(
    query_id: str, result: SearchResult, fallback: list[Suggestion], contact: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The public shape of GET /search; `contact` is offered when no page fits."""
    data = result_to_dict(result)
    data["query_id"] = query_id
    data["suggestions"] = [{"slug": s.slug, "title": s.title, "url": s.url} for s in fallback]
    no_fit = result.safety is None and (result.unmatched or not result.hits)
    link = {"label": contact[0], "href": contact[1]} if contact else None
    data["next_steps"] = {"browse": BROWSE_URL, "contact": link} if no_fit else None
    return data


def suggest_response(query: str, suggestions: list[Suggestion]) -> dict[str, Any]:
    """The public shape of GET /suggest."""
    return {"query": query, "suggestions": [asdict(s) for s in suggestions]}


def condition_summary(page: Page) -> dict[str, Any]:
    """A page as listed by GET /conditions."""
    return {
        "slug": page.slug,
        "title": page.title,
        "url": page.href,
        "summary": page.summary,
        "icd11": list(page.icd11),
        "group": page.group,
    }
