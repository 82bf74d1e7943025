"""Admin reports: /analytics/* as JSON or CSV and the /admin dashboard, behind CONDSEARCH_ADMIN_TOKEN."""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from search.analytics import reports
from search.analytics.charts import short_day
from search.analytics.dashboard import build_dashboard
from search.analytics.errors import AnalyticsError, AnalyticsUnavailableError
from search.analytics.events import utc_minute
from search.analytics.formats import positions_text, render, report_dict
from search.analytics.period import since as period_start
from search.analytics.service import nearest_for
from search.analytics.store import Store
from search.api.errors import error_response
from search.api.ratelimit import client_address
from search.api.schemas import ErrorResponse
from search.api.state import AppState
from search.web.pages import templates

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
PERIODS = ("7d", "30d", "90d")
Format = Literal["json", "csv"]
Limit = Annotated[int, Query(ge=1, le=500, description="Rows at most.")]
Period = Annotated[str, Query(max_length=10, description="How far back: 12h, 30d, 2w.")]


def _state(request: Request) -> AppState:
    app_state: AppState = request.app.state.condsearch
    return app_state


def _token(request: Request) -> str:
    """The configured admin token; with none, the admin routes do not exist."""
    secret = _state(request).settings.admin_token
    token = secret.get_secret_value() if secret else ""
    if not token:
        raise HTTPException(404, "Not Found")
    return token


def _matches(given: str, token: str) -> bool:
    # Constant time: the comparison must not tell how much of a guess was right.
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _backoff(request: Request) -> int:
    """Seconds this client must wait after repeated failed sign-ins (0: none)."""
    app = _state(request)
    return math.ceil(app.logins.wait(client_address(request.scope, app.settings.trusted_proxies)))


def _sign_in(request: Request, given: str) -> bool:
    """Check a token, counting failures per client (constant-time comparison kept)."""
    app = _state(request)
    address = client_address(request.scope, app.settings.trusted_proxies)
    if _matches(given, _token(request)):
        app.logins.succeeded(address)
        return True
    app.logins.failed(address)
    return False


def require_admin(request: Request) -> AppState:
    """The app state, for a request that carries the admin token as a bearer token."""
    _token(request)  # 404 when admin access is off, before anything else
    wait = _backoff(request)
    if wait:
        raise HTTPException(
            429,
            f"too many failed sign-ins from this connection; wait {wait} s and try again",
            headers={"Retry-After": str(wait)},
        )
    if not _sign_in(request, _bearer(request)):
        raise HTTPException(
            401,
            "a valid admin token is required: send `Authorization: Bearer <CONDSEARCH_ADMIN_TOKEN>`",
            headers={"WWW-Authenticate": 'Bearer realm="condsearch-admin"'},
        )
    return _state(request)


def _store(app: AppState) -> Store:
    if app.analytics is None:
        raise AnalyticsUnavailableError("analytics are off: set CONDSEARCH_ANALYTICS_ENABLED=true and restart")
    return app.analytics


ADMIN = [Depends(require_admin)]  # checked before the parameters, so an unauthorized caller learns nothing
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The report", "content": {"application/json": {}, "text/csv": {}}},
    401: {"model": ErrorResponse, "description": "No valid admin token"},
    404: {"model": ErrorResponse, "description": "No admin token is configured: the reports are off"},
    422: {"model": ErrorResponse},
    503: {"model": ErrorResponse, "description": "The analytics database is not reachable"},
}


def _report(request: Request, since: str, fmt: Format, build: Callable[[AppState, datetime], Any]) -> Response:
    app = _state(request)
    try:
        start = period_start(since, utc_minute())
    except AnalyticsError as exc:
        return error_response(422, "invalid_request", str(exc).replace("--since", "`since`"), "since")
    try:
        report = build(app, start)
    except AnalyticsUnavailableError as exc:
        response = error_response(503, "unavailable", str(exc))
        response.headers.update(NO_STORE)
        return response
    name = request.url.path.rsplit("/", 1)[-1]
    if fmt == "csv":
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(render(report, "csv"), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse(report_dict(report), headers=NO_STORE)


@router.get("/analytics/unmatched", tags=["analytics"], dependencies=ADMIN, responses=REPORT_RESPONSES)
def unmatched(request: Request, since: Period = "30d", format: Format = "json", limit: Limit = 50) -> Response:
    """Failed searches grouped and labelled by what patients typed, with the nearest page; a `search_phrases`
    line to paste only when that page's confidence clears the unmatched threshold."""

    def build(app: AppState, start: datetime) -> reports.Report:
        k = app.settings.analytics_min_count
        return reports.unmatched(_store(app), start, k, nearest_for(app.settings, app.searcher), limit)

    return _report(request, since, format, build)


@router.get("/analytics/top", tags=["analytics"], dependencies=ADMIN, responses=REPORT_RESPONSES)
def top(request: Request, since: Period = "30d", format: Format = "json", limit: Limit = 50) -> Response:
    """The most frequent queries shared by at least k searches."""
    return _report(
        request,
        since,
        format,
        lambda app, start: reports.top(_store(app), start, app.settings.analytics_min_count, limit),
    )


@router.get("/analytics/clicks", tags=["analytics"], dependencies=ADMIN, responses=REPORT_RESPONSES)
def clicks(request: Request, since: Period = "30d", format: Format = "json", limit: Limit = 50) -> Response:
    """Per query shared by at least k searches: the pages clicked, at which positions, and the click-through rate."""
    return _report(
        request,
        since,
        format,
        lambda app, start: reports.clicks_per_query(_store(app), start, app.settings.analytics_min_count, limit),
    )


@router.get("/analytics/pages", tags=["analytics"], dependencies=ADMIN, responses=REPORT_RESPONSES)
def pages(request: Request, since: Period = "30d", format: Format = "json") -> Response:
    """Per page: searches it topped, clicks, click-through rate and mean click position."""
    return _report(request, since, format, lambda app, start: reports.pages(_store(app), start))


@router.get("/analytics/zero-results", tags=["analytics"], dependencies=ADMIN, responses=REPORT_RESPONSES)
def zero_results(request: Request, since: Period = "30d", format: Format = "json") -> Response:
    """The zero-result rate per day."""
    return _report(request, since, format, lambda app, start: reports.zero_results(_store(app), start))


# The dashboard: a browser sends the token in a form POST and gets the dashboard back as the answer.
# Nothing persists (no cookie, no token in a URL or in the page), so nothing leaks into logs or history.


@router.get("/admin", include_in_schema=False)
def admin_page(request: Request) -> HTMLResponse:
    """The dashboard for a bearer token; otherwise the form that asks for it."""
    token = _token(request)
    if _matches(_bearer(request), token):
        return _dashboard(request, "30d")
    return _login(request, "", 200)


@router.post("/admin", include_in_schema=False)
def admin_login(
    request: Request,
    token: Annotated[str, Form(max_length=1000)] = "",
    since: Annotated[str, Form(max_length=10)] = "30d",
) -> HTMLResponse:
    """The dashboard, when the form carried the right token."""
    _token(request)  # 404 when admin access is off
    wait = _backoff(request)
    if wait:
        message = f"Too many failed sign-ins: wait {wait} s and try again."
        return _login(request, message, 429, {"Retry-After": str(wait)})
    if not _sign_in(request, token):
        return _login(request, "That token is not right.", 401)
    return _dashboard(request, since if since in PERIODS else "30d")


def _login(request: Request, error: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    context = {"dashboard": False, "error": error, "periods": PERIODS, "since": "30d"}
    return templates.TemplateResponse(
        request, "admin.html", context, status_code=status, headers={**NO_STORE, **(headers or {})}
    )


def _dashboard(request: Request, since: str) -> HTMLResponse:
    app = _state(request)
    start = period_start(since, utc_minute())
    k = app.settings.analytics_min_count
    try:
        board = build_dashboard(_store(app), since, start, k, nearest_for(app.settings, app.searcher))
    except AnalyticsUnavailableError as exc:
        failed = {"dashboard": False, "error": str(exc), "periods": PERIODS, "since": since}
        return templates.TemplateResponse(request, "admin.html", failed, status_code=503, headers=NO_STORE)
    context: dict[str, Any] = {
        "dashboard": True,
        "since": since,
        "periods": PERIODS,
        "board": board,
        "threshold": app.searcher.unmatched_threshold,
        "day": short_day,
        "positions": positions_text,
    }
    return templates.TemplateResponse(request, "admin.html", context, headers=NO_STORE)
