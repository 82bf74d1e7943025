"""Per-client token buckets, in memory or shared by worker processes, as a pure-ASGI middleware in front of
the search routes."""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from search.api.errors import error_response

# Every route that searches or writes: the HTML page runs the same search as /search.
LIMITED_PATHS = ("/search", "/suggest", "/", "/events/click")


class Buckets(Protocol):
    """Where the tokens are kept: `take` spends one for a client key; `key` hashes addresses into keys."""

    key: bytes

    def take(self, key: str) -> float: ...


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
        self.key = os.urandom(16)  # lives and dies with the process
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


_MAGIC = b"CSRATE01"
_HEADER = struct.Struct("<8s16sQ")  # magic, hashing key, slots
_SLOT = struct.Struct("<Qdd")  # client key (0: free), tokens, updated (CLOCK_MONOTONIC: one clock for all processes)
_PROBES = 8  # a key looks at this many slots from its own: a full neighbourhood shares the oldest bucket
SHARED_SLOTS = 65_536  # 1.5 MiB; far more clients than one server's burst window holds


def create_shared_buckets(path: Path, slots: int = SHARED_SLOTS) -> None:
    """Write an empty bucket table for worker processes to share (owner-only; a random hashing key)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, _HEADER.pack(_MAGIC, os.urandom(16), slots))
        os.ftruncate(fd, _HEADER.size + slots * _SLOT.size)
    finally:
        os.close(fd)


class SharedTokenBuckets:
    """Token buckets in a memory-mapped file that every worker of one server maps, so the configured rate
    holds for the service as a whole whatever `--workers` is (one client's connections may land on any).

    A client's key picks a slot; each take locks its few slots with a POSIX record lock, so two workers
    never spend the same token. A slot whose bucket has refilled is free for another client.
    """

    def __init__(self, path: Path, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a token bucket needs rate > 0 and burst >= 1 (got rate={rate}, burst={burst})")
        self.rate, self.burst, self.clock = rate, burst, clock
        self.refill_seconds = burst / rate
        self._fd = os.open(path, os.O_RDWR)
        size = os.fstat(self._fd).st_size
        magic, self.key, self.slots = (
            (b"", b"", 0) if size < _HEADER.size else _HEADER.unpack(os.pread(self._fd, _HEADER.size, 0))
        )
        if magic != _MAGIC or self.slots <= _PROBES or size != _HEADER.size + self.slots * _SLOT.size:
            os.close(self._fd)
            raise ValueError(f"{path} is not a rate-limit table; remove it and restart the server")
        self._map = mmap.mmap(self._fd, 0)

    def take(self, key: str) -> float:
        """Spend one token for `key` (a hex digest): 0.0 if allowed, else the seconds until a token is back."""
        wanted = int(key[:16], 16) or 1
        first = wanted % (self.slots - _PROBES)
        start, length = _HEADER.size + first * _SLOT.size, _PROBES * _SLOT.size
        fcntl.lockf(self._fd, fcntl.LOCK_EX, length, start)
        try:
            now = self.clock()
            slot = self._slot(first, wanted, now)
            owner, tokens, updated = _SLOT.unpack_from(self._map, slot)
            if owner != wanted:
                tokens, updated = float(self.burst), now
            tokens = min(float(self.burst), tokens + max(0.0, now - updated) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            _SLOT.pack_into(self._map, slot, wanted, tokens, now)
            return wait
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, length, start)

    def _slot(self, first: int, wanted: int, now: float) -> int:
        """The offset of `wanted`'s slot: its own, else a free or refilled one, else the least recently used."""
        free, oldest, oldest_at = None, 0, math.inf
        for i in range(first, first + _PROBES):
            offset = _HEADER.size + i * _SLOT.size
            owner, _, updated = _SLOT.unpack_from(self._map, offset)
            if owner == wanted:
                return offset
            if free is None and (owner == 0 or now - updated >= self.refill_seconds):
                free = offset
            if updated < oldest_at:
                oldest, oldest_at = offset, updated
        return free if free is not None else oldest

    def close(self) -> None:
        """Unmap the table."""
        self._map.close()
        os.close(self._fd)


class RateLimitMiddleware:
    """Answers 429 with Retry-After when a client spends its tokens on the limited paths.

    The client is the connection's peer address, or behind a trusted proxy (CONDSEARCH_TRUSTED_PROXIES)
    the address that proxy forwards, kept only as a keyed hash (its key random per process, or per
    server for a shared table) and never logged. With `shared`, the buckets live in that table
    (`condsearch serve --workers N` makes one), so the rate is the service's, not each worker's.
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
        shared: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.trusted = tuple(trusted)
        self.buckets: Buckets = (
            SharedTokenBuckets(shared, rate, burst, clock=clock)
            if shared is not None
            else TokenBuckets(rate, burst, max_clients=max_clients, clock=clock)
        )

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
        return hashlib.blake2b(address.encode(), key=self.buckets.key, digest_size=16).hexdigest()


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
