"""The JSON API: search, suggest, conditions, click events, health and metrics."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from search.api.schemas import (
    Accepted,
    ClickIn,
    ConditionList,
    ConditionSummary,
    ErrorResponse,
    SearchResponse,
    SuggestResponse,
)
from search.api.serialize import JSONAnswer, condition_summary, search_response, suggest_response
from search.api.state import AppState
from search.language import detect_language
from search.pages import page_to_dict
from search.query.parse import MAX_QUERY_CHARS
from search.web.pages import browse_page, condition_page
from search.web.strings import contact_link

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
LIMITED: dict[int | str, dict[str, Any]] = {**ERRORS, 429: {"model": ErrorResponse}}
# The whole rule for `q`: 1 to MAX_QUERY_CHARS characters (a description of symptoms fits).
# Whitespace alone is a search that finds nothing.
QueryText = Annotated[
    str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="What the user typed, up to 2,000 characters.")
]


def state(request: Request) -> AppState:
    """The app's state, created in the lifespan."""
    app_state: AppState = request.app.state.condsearch
    return app_state


# The search routes are `async def` and search inline: a search is a few milliseconds of CPU under the GIL,
# so a hop to the thread pool only adds its own cost (measured in docs/benchmarks.md).
@router.get("/search", response_model=SearchResponse, response_class=JSONAnswer, responses=LIMITED)
async def search(
    request: Request,
    q: QueryText,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> JSONAnswer:
    """Rank condition pages for what the user typed."""
    app = state(request)
    result = app.searcher.search(q, limit=limit, offset=offset)
    if not result.hits:
        app.metrics.zero_results.inc()
    query_id = uuid.uuid4().hex
    fallback = app.searcher.suggest(q, 3) if not result.hits else []
    if offset == 0:
        # A later page of the same results is the same person's search: it must not count again.
        app.record_search(query_id, result)
    return JSONAnswer(search_response(query_id, result, fallback, contact_link(app.settings, detect_language(q))))


@router.get("/suggest", response_model=SuggestResponse, response_class=JSONAnswer, responses=LIMITED)
async def suggest(request: Request, q: QueryText, limit: Annotated[int, Query(ge=1, le=20)] = 8) -> JSONAnswer:
    """As-you-type completions: titles, search phrases and aliases."""
    return JSONAnswer(suggest_response(q, state(request).searcher.suggest(q, limit)))


def _wants_html(request: Request) -> bool:
    """A browser asking for a page, not a client asking for JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


@router.get("/conditions", response_model=ConditionList)
def conditions(request: Request) -> Any:
    """Every condition page: JSON, or a page grouped by kind of condition for a browser that asks for it."""
    pages = sorted(state(request).searcher.pages(), key=lambda p: p.title.lower())
    if _wants_html(request):
        return browse_page(request, pages)
    return {"total": len(pages), "conditions": [condition_summary(p) for p in pages]}


@router.get("/conditions/{slug}", responses={404: {"model": ErrorResponse}})
def condition(request: Request, slug: str) -> Any:
    """One condition page, whole: JSON, or HTML for a browser that asks for it."""
    page = state(request).searcher.page(slug)
    if page is None:
        raise HTTPException(404, f"no condition page {slug[:80]!r}; GET /conditions lists them all")
    if _wants_html(request):
        return condition_page(request, page)
    return {**page_to_dict(page), "url": page.href}


@router.post(
    "/events/click", status_code=202, response_model=Accepted, responses={**ERRORS, 400: {"model": ErrorResponse}}
)
def click(request: Request, event: ClickIn) -> dict[str, bool]:
    """A result was clicked; joined to its search by `query_id`."""
    state(request).record_click(event.query_id, event.slug, event.position)
    return {"accepted": True}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


GENERATION_HEADER = "X-Condsearch-Generation"  # the generation answering, ready or not


@router.get("/readyz", responses={503: {"model": ErrorResponse}})
def readyz(request: Request, response: Response) -> dict[str, str]:
    """Ready when the generation CURRENT names is the one answering (an older one after a refusal is not)."""
    searcher = state(request).searcher
    behind = searcher.behind()
    if behind is not None:
        raise HTTPException(
            503,
            f"serving {searcher.generation}, an older generation: {behind}; run `condsearch index --repair`",
            headers={GENERATION_HEADER: searcher.generation},
        )
    response.headers[GENERATION_HEADER] = searcher.generation
    return {"status": "ready", "generation": searcher.generation}


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this worker."""
    app = state(request)
    app.metrics.generation.set(int(app.searcher.generation.split("-")[-1]))
    return Response(generate_latest(app.metrics.registry), media_type=CONTENT_TYPE_LATEST)


__all__ = ["ConditionSummary", "router"]
