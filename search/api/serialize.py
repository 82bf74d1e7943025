"""Frozen results -> JSON-ready dicts (shared by the CLI's --json and the API)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from starlette.responses import JSONResponse

from search.pages import Page
from search.query.results import Hit, Matched, SearchResult
from search.query.suggest import Suggestion

BROWSE_URL = "/conditions"


class JSONAnswer(JSONResponse):
    """Our own dicts as JSON, serialised once: FastAPI would validate a returned dict against the response
    model and walk it with jsonable_encoder first (a third of a short search's server time). The models
    still document the routes, and the schema tests check every answer against them."""

    def render(self, content: Any) -> bytes:
        """Compact UTF-8 JSON."""
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _matched(matched: Matched) -> dict[str, Any]:
    return {
        "fields": {term: list(names) for term, names in matched.fields.items()},
        "phrase": matched.phrase,
        "phrase_score": matched.phrase_score,
        "corrections": list(matched.corrections),
        "synonyms": list(matched.synonyms),
        "completions": list(matched.completions),
        "semantic": matched.semantic,
    }


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "slug": hit.slug,
        "title": hit.title,
        "url": hit.url,
        "summary": hit.summary,
        "icd11": list(hit.icd11),
        "snippet": hit.snippet,
        "score": hit.score,
        "confidence": hit.confidence,
        "matched": _matched(hit.matched),
    }


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """The library result as plain data (built field by field: dataclasses.asdict deep-copies, and cost
    more than the JSON encoding of the answer)."""
    data: dict[str, Any] = {
        "query": result.query,
        "corrected_query": result.corrected_query,
        "total": result.total,
        "hits": [_hit(h) for h in result.hits],
        "took_ms": round(result.took_ms, 2),
        "safety": None,
        "unmatched": result.unmatched,
        "suggestions": [_hit(h) for h in result.suggestions],
        "kind": result.kind,
        "hint": result.hint,
    }
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
