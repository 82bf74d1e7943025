"""A small HTTP load generator: N asyncio clients over httpx, bounded in requests and time, loopback only."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bench.stats import Latency, summarize

SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


@dataclass(frozen=True)
class Load:
    """What one load run did."""

    path: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latency: Latency
    server: Latency | None = None  # the server's own time per answer (its Server-Timing header)

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine: load is only ever sent to loopback."""
    host = urlsplit(url).hostname or ""
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if not address.is_loopback:
        raise ValueError(f"load target {url!r} is not a loopback address; use http://127.0.0.1:PORT")


async def _load(
    base_url: str,
    path: str,
    queries: Sequence[str],
    clients: int,
    seconds: float,
    max_requests: int,
    stop: threading.Event | None,
) -> Load:
    timings: list[float] = []
    server: list[float] = []
    errors = 0
    budget = max_requests

    async def client(http: httpx.AsyncClient, start: int, deadline: float) -> None:
        nonlocal errors, budget
        i = start
        while budget > 0 and time.perf_counter() < deadline and not (stop and stop.is_set()):
            budget -= 1  # one event loop: no lock needed
            params = {"q": queries[i % len(queries)]} if queries else None
            i += clients
            began = time.perf_counter()
            try:
                response = await http.get(path, params=params)
                ok = response.status_code == 200
                spent = SERVER_TIMING.search(response.headers.get("server-timing", ""))
                if spent:
                    server.append(float(spent.group(1)))
            except httpx.HTTPError:
                ok = False
            timings.append((time.perf_counter() - began) * 1000.0)
            errors += not ok

    # One connection per client, as each browser has its own (a shared pool costs the client more
    # CPU); the clients are made before the clock starts, since each builds an SSL context.
    https = [
        httpx.AsyncClient(base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=30.0)
        for _ in range(clients)
    ]
    try:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(client(http, n, deadline) for n, http in enumerate(https)))
        elapsed = time.perf_counter() - started
    finally:
        for http in https:
            await http.aclose()
    return Load(path, clients, len(timings), errors, elapsed, summarize(timings), summarize(server) if server else None)


def run_load(
    base_url: str,
    path: str,
    queries: Sequence[str],
    clients: int,
    seconds: float,
    max_requests: int,
    stop: threading.Event | None = None,
) -> Load:
    """Send GET `path` (with ?q= from `queries` in turn, if any) from `clients` concurrent clients.

    Stops after `seconds`, after `max_requests`, or when `stop` is set, whichever comes first.
    """
    check_loopback(base_url)
    return asyncio.run(_load(base_url, path, queries, clients, seconds, max_requests, stop))
