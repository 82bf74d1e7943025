"""Frozen results -> JSON-ready dicts (shared by the CLI's --json and the API)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from search.query.results import SearchResult


def result_to_dict(result: SearchResult, query_id: str | None = None) -> dict[str, Any]:
    """The public shape of a search result."""
    data = asdict(result)
    data.pop("unmatched")
    data.pop("generation")
    data["took_ms"] = round(result.took_ms, 2)
    data["unmatched"] = result.unmatched
    if query_id is not None:
        data = {"query_id": query_id, **data}
    return data
