"""One JSON error shape for every failure: {"error": {"status", "code", "message", "field"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from search.errors import CondSearchError
from search.query.parse import MAX_QUERY_CHARS

log = logging.getLogger(__name__)

LIMITS = {
    "q": f"`q` must be 1 to {MAX_QUERY_CHARS} characters of text, e.g. ?q=nerve+pain",
    "limit": "`limit` must be a whole number from 1 to 50 (20 for /suggest)",
    "offset": "`offset` must be a whole number from 0 to 1000",
}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """The error shape as a response."""
    body: dict[str, Any] = {"status": status, "code": code, "message": message, "field": field}
    return JSONResponse({"error": body}, status_code=status)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path")]
    field = loc[0] if loc else None
    if field in LIMITS:
        got = first.get("input")
        shown = f" (got {str(got)[:40]!r})" if got is not None and first.get("type") != "missing" else ""
        return f"{LIMITS[field]}{shown}", field
    where = ".".join(loc) or "request"
    return f"{where}: {first.get('msg', 'invalid value')}; fix the value and retry", field


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the one shape; nothing escapes as an HTML 500."""

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, field = _validation_message(exc)
        return error_response(422, "invalid_request", message, field)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        codes = {
            400: "invalid_request",
            401: "unauthorized",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }
        response = error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(CondSearchError)
    async def on_library(request: Request, exc: CondSearchError) -> JSONResponse:
        log.error("search unavailable: %s", exc)
        return error_response(503, "unavailable", "the search index is not available; try again shortly")

    @app.exception_handler(Exception)
    async def on_anything(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(500, "internal_error", "something went wrong on our side; please try again")
