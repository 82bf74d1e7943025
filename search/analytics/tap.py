"""ASGI middleware that samples /suggest answers for analytics, after the response has been sent."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 64 * 1024


class SuggestSampler:
    """Hands a sampled share of successful GET /suggest answers (text and suggested slugs) to `record`."""

    def __init__(self, app: ASGIApp, rate: float, record: Callable[[Scope, str, Sequence[str]], None]) -> None:
        self.app = app
        self.rate = rate
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("path") != "/suggest"
            or scope.get("method") != "GET"
            or self.rate <= 0.0
            or random.random() >= self.rate
        ):
            await self.app(scope, receive, send)
            return
        status = 0
        body = bytearray()

        async def tap(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and len(body) < MAX_BODY:
                body.extend(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, tap)
        if status != 200:
            return
        text = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace")).get("q", [""])[0]
        try:
            slugs = [s["slug"] for s in json.loads(bytes(body))["suggestions"]]
        except (ValueError, KeyError, TypeError):
            return
        self.record(scope, text, slugs)
