"""The FastAPI app factory: the lifespan owns the searcher; thin middleware around the routes."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search import __version__
from search.analytics.service import start_sink
from search.analytics.tap import SuggestSampler
from search.api.admin import router as admin_router
from search.api.errors import install_error_handlers
from search.api.metrics import build_metrics
from search.api.ratelimit import RateLimitMiddleware
from search.api.routes import router
from search.api.state import AppState
from search.query.searcher import Searcher
from search.settings import Settings, settings_from_environment
from search.web.pages import STATIC_DIR
from search.web.pages import router as web_router

access = logging.getLogger("condsearch.access")

# Scripts come only from our own origin: no inline script, no CDN.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def create_app(settings: Settings) -> FastAPI:
    """Build the app for these settings; the index is opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = AppState(settings=settings, searcher=Searcher(settings), metrics=build_metrics())
        if settings.analytics_enabled:
            # The sink's worker connects, migrates and purges in the background: a database that is down
            # at start delays nothing and fails nothing.
            sink = start_sink(settings, state.searcher, state.metrics.events_dropped)
            state.events, state.analytics = sink, sink.store
        app.state.condsearch = state
        try:
            yield
        finally:
            state.events.close()

    app = FastAPI(
        title="Condition search",
        version=__version__,
        description="Lay, misspelled health queries in; the right condition page first.",
        lifespan=lifespan,
        # Starlette's own slash redirect builds an absolute URL from the Host header; ours is relative.
        redirect_slashes=False,
        docs_url=None,  # served below from local files: no CDN, no inline script
        redoc_url=None,
    )
    install_error_handlers(app)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    app.include_router(router)
    app.include_router(web_router)
    # The reports exist only with an admin token and analytics on: otherwise the API does not list them.
    app.include_router(admin_router, include_in_schema=bool(settings.admin_token and settings.analytics_enabled))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SuggestSampler, rate=settings.analytics_suggest_sample, record=_record_suggest)
    app.add_middleware(RelativeSlashRedirect)
    if settings.rate_limit_per_second > 0:
        # Inside CORS (a 429 still reaches the widget's origin) and outside the sampler (a refused
        # request is not an analytics event); `Observe` stays outermost, so 429s are counted.
        app.add_middleware(
            RateLimitMiddleware,
            rate=settings.rate_limit_per_second,
            burst=settings.rate_limit_burst,
            trusted=settings.trusted_proxies,
            shared=settings.rate_limit_shared_file,
        )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )

    # Outermost: 429s, CORS answers and errors are counted, logged and get the security headers too.
    app.add_middleware(Observe)
    return app


class Observe:
    """Counts, times and logs every request and adds the security headers: a pure ASGI middleware, so a
    request pays for no extra task or body stream (BaseHTTPMiddleware cost ~10% of a search)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        status = 500

        async def send_secured(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = _secured(path, list(message.get("headers", ())))
                # The time the server spent on the answer, for load generators and browsers' dev tools.
                spent = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={spent:.2f}".encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            state: AppState | None = getattr(scope["app"].state, "condsearch", None) if "app" in scope else None
            if state is not None:
                state.metrics.requests.labels(name, str(status)).inc()
                state.metrics.latency.labels(name).observe(elapsed)
            # Path and status only: never the query string, the client address or its user agent; control
            # characters escaped, so a crafted path cannot forge log lines.
            if access.isEnabledFor(logging.INFO):
                access.info("%s %s %s %.1fms", scope.get("method", ""), printable(path), status, elapsed * 1000)


def _record_suggest(scope: Scope, text: str, slugs: Sequence[str]) -> None:
    state: AppState | None = getattr(scope["app"].state, "condsearch", None)
    if state is not None:
        state.record_suggest(text, slugs)


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Condition search API</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script><script src="/static/swagger/init.js"></script>
</body></html>"""


def _secured(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response's headers with the security headers every answer carries."""
    names = {name.lower() for name, _ in headers}
    # Search answers and result pages say what someone looked up: no shared cache may keep them.
    if not path.startswith("/static/") and b"cache-control" not in names:
        headers.append((b"cache-control", b"no-store"))
    headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if content_type.startswith(b"text/html"):
        headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
    return headers


def app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: settings from CONDSEARCH_* variables, built here at the edge."""
    # Each worker is its own process: it needs its own log handler for the access log.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app(settings_from_environment())


LOG_PATH_CHARS = 300


def printable(text: str) -> str:
    """Text safe for one log line: control characters escaped, length bounded."""
    cut = text[:LOG_PATH_CHARS]
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)


class RelativeSlashRedirect:
    """GET /search/ -> 308 /search (no route ends in a slash): a relative Location, never the Host header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if len(path) > 1 and path.endswith("/") and scope.get("method") in ("GET", "HEAD"):
            target = "/" + path.strip("/")
            query = scope.get("query_string", b"").decode("latin-1")
            location = quote(target, safe="/:@!$&'()*+,;=-._~%") + (f"?{query}" if query else "")
            await send({"type": "http.response.start", "status": 308, "headers": [(b"location", location.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)
