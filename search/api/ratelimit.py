"""Per-client token buckets in memory, as a pure-ASGI middleware in front of the search routes."""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

from search.api.errors import error_response

# Every route that searches or writes: the HTML page runs the same search as /search.
LIMITED_PATHS = ("/search", "/suggest", "/", "/events/click")


@dataclass
class Bucket:
    """Tokens left and when they were last counted."""

    tokens: float
    updated: float


class TokenBuckets:
    """One bucket per client key, refilled at `rate` per second up to `burst`.

    A bucket that has had time to refill completely is the same as no bucket, so it is dropped:
    a client key is held only while it still limits that client (at most `burst / rate` seconds
    after its last request), and `max_clients` bounds memory under a flood of addresses.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a token bucket needs rate > 0 and burst >= 1 (got rate={rate}, burst={burst})")
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self.clock = clock
        self.refill_seconds = burst / rate
        # Least recently used first: eviction walks from the front and stops at the first live bucket.
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def __len__(self) -> int:
        """Client keys currently held."""
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Spend one token for `key`: 0.0 if allowed, else the seconds until a token is back."""
        now = self.clock()
        self._evict(now)
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        self._buckets[key] = bucket
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _evict(self, now: float) -> None:
        while self._buckets:
            key, oldest = next(iter(self._buckets.items()))
            if now - oldest.updated < self.refill_seconds and len(self._buckets) < self.max_clients:
                return
            del self._buckets[key]


class RateLimitMiddleware:
    """Answers 429 with Retry-After when a client spends its tokens on the limited paths.

    The client is the connection's peer address, or behind a trusted proxy (CONDSEARCH_TRUSTED_PROXIES)
    the address that proxy forwards, kept only as a keyed hash whose key lives and dies with the
    process, and never logged.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate: float,
        burst: int,
        paths: Collection[str] = LIMITED_PATHS,
        trusted: Sequence[IPv4Network | IPv6Network] = (),
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.trusted = tuple(trusted)
        self.buckets = TokenBuckets(rate, burst, max_clients=max_clients, clock=clock)
        self._key = os.urandom(16)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 429 in the app's error shape."""
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(self._client_key(scope))
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        response = error_response(
            429,
            "rate_limited",
            f"too many searches from this connection; wait {seconds} s and try again",
        )
        response.headers["Retry-After"] = str(seconds)
        await response(scope, receive, send)

    def _client_key(self, scope: Scope) -> str:
        address = client_address(scope, self.trusted)
        return hashlib.blake2b(address.encode(), key=self._key, digest_size=16).hexdigest()


def client_address(scope: Scope, trusted: Sequence[IPv4Network | IPv6Network]) -> str:
    """The client: the peer, or behind a trusted proxy the nearest address in X-Forwarded-For it did not add.

    X-Forwarded-For is read right to left, skipping trusted proxies: anything further left was written
    by the client itself and cannot be believed.
    """
    client = scope.get("client")
    peer = client[0] if client else ""
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = b",".join(v for k, v in scope.get("headers", ()) if k == b"x-forwarded-for").decode("latin-1")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()][-MAX_HOPS:]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return peer


MAX_HOPS = 20


def _is_trusted(address: str, trusted: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


class LoginBackoff:
    """Failed admin sign-ins per client: after a few, each one doubles the wait (up to 5 minutes)."""

    FREE_FAILURES = 3
    MAX_WAIT = 300.0

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000) -> None:
        self.clock = clock
        self.max_clients = max_clients
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, blocked until)
        self._key = os.urandom(16)

    def _hashed(self, address: str) -> str:
        return hashlib.blake2b(address.encode(), key=self._key, digest_size=16).hexdigest()

    def wait(self, address: str) -> float:
        """Seconds this client must wait before trying again (0: it may try now)."""
        entry = self._failures.get(self._hashed(address))
        return max(0.0, entry[1] - self.clock()) if entry else 0.0

    def failed(self, address: str) -> None:
        """Count a failed sign-in."""
        key = self._hashed(address)
        count = self._failures.pop(key, (0, 0.0))[0] + 1
        extra = count - self.FREE_FAILURES
        blocked = self.clock() + min(self.MAX_WAIT, 2.0 ** (extra - 1)) if extra > 0 else 0.0
        self._failures[key] = (count, blocked)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)

    def succeeded(self, address: str) -> None:
        """A right token clears the client's failures."""
        self._failures.pop(self._hashed(address), None)
