"""HTML pages: the search page (works without JavaScript) and a readable condition page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from search.pages import Page
from search.query.parse import MAX_QUERY_CHARS
from search.web.browse import browse_groups
from search.web.strings import STRINGS, contact_link, page_language

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"


def request_language(request: Request) -> str:
    """The page's language: the query's, else the browser's (admin pages: English)."""
    if request.url.path.startswith("/admin"):
        return "en"
    query = request.query_params.get("q", "")[: 4 * MAX_QUERY_CHARS]
    return page_language(query, request.headers.get("accept-language", "")[:500])


def _language(request: Request) -> dict[str, Any]:
    """The page's language and its words, for every template."""
    lang = request_language(request)
    return {"lang": lang, "t": STRINGS[lang], "strings": STRINGS}


# Autoescapes every value; every page gets its language's words.
templates = Jinja2Templates(directory=HERE / "templates", context_processors=[_language])

router = APIRouter(include_in_schema=False)
PER_PAGE = 10


# A query this long is a description: the page shows it in the describe-your-symptoms box.
DESCRIBE_FROM_CHARS = 80


# Searches inline like /search: a few milliseconds of CPU gain nothing from a thread-pool hop.
@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=4 * MAX_QUERY_CHARS)] = "",
    page: Annotated[int, Query(ge=1, le=50)] = 1,
    mode: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The search page; with ?q= the results are rendered on the server (no JavaScript needed)."""
    app = request.app.state.condsearch
    context: dict[str, Any] = {
        "q": q,
        "result": None,
        "page": page,
        "query_id": "",
        "too_long": False,
        "max_chars": MAX_QUERY_CHARS,
        "describe": mode == "describe" or len(q) >= DESCRIBE_FROM_CHARS or "\n" in q,
        "browse": [],
        "contact": None,
    }
    text = q.strip()
    if len(text) > MAX_QUERY_CHARS:
        context["too_long"] = True
    elif text:
        import uuid

        result = app.searcher.search(text, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        context["query_id"] = uuid.uuid4().hex
        if page == 1:  # page 2 of the same results is the same person's search: recorded once
            app.record_search(context["query_id"], result)
        context["result"] = result
        context["fallback"] = [] if result.hits else app.searcher.suggest(text, 3)
        context["pages"] = min(5, (result.total + PER_PAGE - 1) // PER_PAGE)
        if result.safety is None and (result.unmatched or not result.hits):
            # No dead end: every page, grouped, and a way to reach the clinic, in the page's language.
            lang = request_language(request)
            context["browse"] = browse_groups(app.searcher.pages(), STRINGS[lang])
            context["contact"] = contact_link(app.settings, lang)
    return templates.TemplateResponse(request, "search.html", context)


def browse_page(request: Request, pages: list[Page]) -> HTMLResponse:
    """Every condition, grouped as the catalogue groups them."""
    lang = request_language(request)
    context = {
        "browse": browse_groups(pages, STRINGS[lang]),
        "contact": contact_link(request.app.state.condsearch.settings, lang),
    }
    return templates.TemplateResponse(request, "conditions.html", context)


def condition_page(request: Request, page: Page) -> HTMLResponse:
    """A condition page rendered for people (the API serves the same page as JSON)."""
    return templates.TemplateResponse(request, "condition.html", {"page": page})
