"""The event sink: a bounded queue the request path only appends to, drained in batches by one worker thread."""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import Counter

from search.analytics.events import ClickEvent, SearchEvent, click_event, search_event, suggest_event, utc_minute
from search.analytics.store import Store
from search.query.results import SearchResult

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # after a failed write, batches are dropped (counted) until then instead of waiting on the database
PURGE_EVERY_SECONDS = 24 * 3600.0
CLOSE_SECONDS = 10.0
LOG_EVERY_SECONDS = 10.0  # drops are logged as totals, not one line per event or batch


@dataclass(frozen=True)
class SinkOptions:
    """How the sink queues, batches and keeps events."""

    queue_size: int = 10_000
    batch_size: int = 500
    flush_seconds: float = 1.0
    retention_days: int = 90
    # After the first event of a batch, wait this long for others: one transaction and one wake-up
    # for a burst instead of one per event (scripts/bench_cost.py: the writer's CPU per search 0.52 -> 0.27 ms).
    linger_seconds: float = 0.1


@dataclass(frozen=True)
class _Search:
    minute: datetime
    query_id: str
    result: SearchResult


@dataclass(frozen=True)
class _Suggest:
    minute: datetime
    text: str
    slugs: tuple[str, ...]


@dataclass(frozen=True)
class _Click:
    minute: datetime
    query_id: str
    slug: str
    position: int


_Item = _Search | _Suggest | _Click
_STOP = object()


class AnalyticsSink:
    """Records events without ever making a request wait on, or fail because of, the database."""

    def __init__(
        self,
        store: Store,
        options: SinkOptions,
        dropped: Counter,
        correct: Callable[[str], str],
        known_slug: Callable[[str], bool],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.options = options
        self._dropped = dropped
        self._correct = correct
        self._known_slug = known_slug
        self._clock = clock
        self._queue: queue.Queue[_Item | object] = queue.Queue(maxsize=options.queue_size)
        self._unlogged: collections.Counter[str] = collections.Counter()  # drops since the last log line
        self._unlogged_lock = threading.Lock()
        self._next_log = 0.0
        self._ready = False
        self._retry_at = 0.0
        self._next_purge = 0.0
        self.written = 0
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="condsearch-analytics", daemon=True)
        self._thread.start()

    # The request path: build a small record and append it, or count it as dropped.

    def search(self, query_id: str, result: SearchResult) -> None:
        """Queue a search."""
        self._put(_Search(utc_minute(self._clock()), query_id, result))

    def suggest(self, text: str, slugs: Sequence[str]) -> None:
        """Queue a sampled as-you-type request."""
        self._put(_Suggest(utc_minute(self._clock()), text, tuple(slugs)))

    def click(self, query_id: str, slug: str, position: int) -> None:
        """Queue a click."""
        self._put(_Click(utc_minute(self._clock()), query_id, slug, position))

    def _put(self, item: _Item) -> None:
        if self._closed.is_set():
            self._drop("closed", 1)
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._drop("queue_full", 1)

    # Shutdown.

    def close(self) -> None:
        """Write what is queued (dropping it if the database is down) and stop the worker."""
        if self._closed.is_set():
            return
        self._closed.set()
        with contextlib.suppress(queue.Full):
            self._queue.put(_STOP, timeout=CLOSE_SECONDS)
        self._thread.join(CLOSE_SECONDS)
        left = self._queue.qsize()
        if self._thread.is_alive() or left:
            self._drop("shutdown", left)
        self._log_drops(force=True)
        self.store.close()

    def pending(self) -> int:
        """Events queued and not yet written."""
        return self._queue.qsize()

    # The worker.

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._take()
            self._log_drops()
            if not self._prepare():
                self._drop("database", len(batch))
                continue
            if batch:
                self._write(batch)
            if time.monotonic() >= self._next_purge:
                self._purge()

    def _take(self) -> tuple[list[_Item], bool]:
        """Up to a batch of items: wait for the first, then take what is already there."""
        batch: list[_Item] = []
        try:
            first = self._queue.get(timeout=self.options.flush_seconds)
        except queue.Empty:
            return batch, False
        if first is _STOP:
            return self._drain(), True
        batch.append(first)  # type: ignore[arg-type]
        if self._queue.qsize() < self.options.batch_size - 1:
            self._closed.wait(min(self.options.linger_seconds, self.options.flush_seconds))
        while len(batch) < self.options.batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch + self._drain(), True
            batch.append(item)  # type: ignore[arg-type]
        return batch, False

    def _drain(self) -> list[_Item]:
        items: list[_Item] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return items
            if item is not _STOP:
                items.append(item)  # type: ignore[arg-type]

    def _prepare(self) -> bool:
        """Migrate once, when the database first answers; False while it does not."""
        if self._ready:
            return True
        if time.monotonic() < self._retry_at:
            return False
        try:
            self.store.migrate()
        except Exception as exc:
            self._failed("migrate", exc)
            return False
        self._ready = True
        return True

    def _write(self, batch: list[_Item]) -> None:
        size = self.options.batch_size
        for start in range(0, len(batch), size):
            chunk = batch[start : start + size]
            if time.monotonic() < self._retry_at:
                self._drop("database", len(chunk))
                continue
            searches, clicks = self._events(chunk)
            try:
                refused = self.store.write(searches, clicks)
            except Exception as exc:
                self._failed("write", exc)
                self._drop("database", len(searches) + len(clicks))
                continue
            # A click naming no recent search's result (forged, replayed, or its search not yet written
            # by another worker) is not stored.
            self._drop("invalid", refused)
            self.written += len(searches) + len(clicks) - refused

    def _events(self, batch: list[_Item]) -> tuple[list[SearchEvent], list[ClickEvent]]:
        """Scrub and shape the batch (here, not on the request path)."""
        searches: list[SearchEvent] = []
        clicks: list[ClickEvent] = []
        for item in batch:
            try:
                if isinstance(item, _Search):
                    searches.append(search_event(item.query_id, item.result, item.minute, self._safe_correct))
                elif isinstance(item, _Suggest):
                    searches.append(suggest_event(uuid.uuid4().hex, item.text, item.slugs, item.minute))
                elif self._known_slug(item.slug):
                    clicks.append(click_event(item.query_id, item.slug, item.position, item.minute))
                else:
                    # A slug that is no page is not stored: it could carry anything a client sends.
                    self._drop("invalid", 1)
            except Exception:
                log.exception("analytics: could not build an event; dropped")
                self._drop("error", 1)
        return searches, clicks

    def _safe_correct(self, text: str) -> str:
        try:
            return self._correct(text)
        except Exception:
            log.exception("analytics: correction failed; the normalized form is kept")
            return ""

    def _purge(self) -> None:
        try:
            deleted = self.store.purge(utc_minute(self._clock()), self.options.retention_days)
        except Exception as exc:
            self._failed("purge", exc)
            return
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        if deleted:
            log.info("analytics: purged %d events older than %d days", deleted, self.options.retention_days)

    def _failed(self, what: str, exc: Exception) -> None:
        self._retry_at = time.monotonic() + RETRY_SECONDS
        # The exception's class and first line only: never the statement's parameters (query text).
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        log.warning(
            "analytics: %s failed on %s (%s: %s); events are dropped for %.0f s",
            what,
            self.store.where,
            type(exc).__name__,
            first,
            RETRY_SECONDS,
        )

    def _drop(self, reason: str, count: int) -> None:
        if count <= 0:
            return
        self._dropped.labels(reason).inc(count)
        with self._unlogged_lock:
            self._unlogged[reason] += count

    def _log_drops(self, force: bool = False) -> None:
        if not force and time.monotonic() < self._next_log:
            return
        with self._unlogged_lock:
            counts, self._unlogged = self._unlogged, collections.Counter()
        if counts:
            self._next_log = time.monotonic() + LOG_EVERY_SECONDS
            text = ", ".join(f"{n} ({reason})" for reason, n in sorted(counts.items()))
            log.warning("analytics: dropped events: %s", text)
