"""The sink: scrubbed events written off the request path; a full queue or a dead database drops and counts."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import make_url, select

from search.analytics.schema import clicks, searches
from search.analytics.service import cached_corrector
from search.analytics.sink import AnalyticsSink, SinkOptions
from search.analytics.store import Store, open_engine
from search.query.searcher import Searcher
from tests.analytics.test_store import search_at
from tests.support.server import free_port
from tests.support.wait import wait_for

NOW = datetime(2026, 3, 1, 12, 0, 42, tzinfo=UTC)


def dropped_counter() -> Counter:
    return Counter("dropped", "dropped", ["reason"], registry=CollectorRegistry())


def dropped(counter: Counter, reason: str) -> float:
    return counter.labels(reason)._value.get()  # type: ignore[no-any-return]


def sink_for(store: Store, searcher: Searcher, counter: Counter, **options: object) -> AnalyticsSink:
    return AnalyticsSink(
        store,
        SinkOptions(**{"flush_seconds": 0.05, **options}),  # type: ignore[arg-type]
        counter,
        correct=cached_corrector(searcher),
        known_slug=lambda slug: searcher.page(slug) is not None,
        clock=lambda: NOW,
    )


def test_searches_and_clicks_are_scrubbed_and_written(db_url: str, clinic: Searcher) -> None:
    store = Store(open_engine(make_url(db_url)))
    counter = dropped_counter()
    sink = sink_for(store, clinic, counter)
    sink.search("q1", clinic.search("nueropathy pain call 555-867-5309"))
    sink.search("q2", clinic.search("vertigo"))
    sink.click("q1", "neuropathic-pain", 1)
    sink.click("q1", "jane-doe-555-867-5309", 2)  # not a page: never stored
    sink.click("q9", "migraine", 1)  # a page, but no search returned it: forged
    sink.close()
    reader = Store(open_engine(make_url(db_url)))
    with reader.engine.connect() as conn:
        rows = conn.execute(select(searches).order_by(searches.c.query_id)).mappings().all()
        stored_clicks = conn.execute(select(clicks.c.query_id, clicks.c.slug, clicks.c.position)).all()
    reader.close()
    first, second = rows
    assert (first["query"], first["normalized"], first["corrected"]) == (
        "nueropathy pain call <phone>",
        "nueropathy pain call <phone>",
        "neuropathy pain call",
    )
    assert (first["top_slug"], first["unmatched"], first["hits"] > 0) == ("neuropathic-pain", False, True)
    assert first["minute"] == datetime(2026, 3, 1, 12, 0)  # to the minute, in UTC
    # No page mentions vertigo: meaning's nearest pages are shown, flagged unmatched.
    vertigo = clinic.search("vertigo")
    assert (second["query"], second["hits"], second["top_slug"], second["unmatched"]) == (
        "vertigo",
        vertigo.total,
        vertigo.hits[0].slug,
        True,
    )
    assert [tuple(c) for c in stored_clicks] == [("q1", "neuropathic-pain", 1)]
    assert dropped(counter, "invalid") == 2
    assert sink.written == 3


def test_a_burst_of_searches_is_written_in_one_transaction(
    db_url: str, clinic: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(open_engine(make_url(db_url)))
    batches: list[int] = []
    write = store.write

    def counted(search_events: list[object], click_events: list[object]) -> int:
        batches.append(len(search_events))
        return write(search_events, click_events)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "write", counted)
    sink = sink_for(store, clinic, dropped_counter(), flush_seconds=1.0, linger_seconds=0.5)
    result = clinic.search("vertigo")
    for i in range(5):  # a burst slower than the writer wakes, faster than it lingers
        sink.search(f"q{i}", result)
        time.sleep(0.02)
    assert wait_for(lambda: sink.written == 5)
    sink.close()
    assert batches == [5]


def test_a_full_queue_drops_and_counts_without_waiting(tmp_path: object, clinic: Searcher) -> None:
    release = threading.Event()
    store = Store(open_engine(make_url(f"sqlite:///{tmp_path}/a.db")))
    counter = dropped_counter()

    def slow(text: str) -> str:
        release.wait(10)  # the worker is stuck: as if the database were slow
        return text

    sink = AnalyticsSink(store, SinkOptions(queue_size=2, flush_seconds=0.05), counter, slow, lambda s: True)
    result = clinic.search("migraine")
    sink.search("first", result)
    wait_for(lambda: not sink.pending(), seconds=10, interval=0.01)  # the worker has taken it and is stuck on it
    for i in range(5):
        sink.search(f"q{i}", result)
    assert dropped(counter, "queue_full") == 3
    release.set()
    sink.close()
    assert sink.written == 3


def test_a_database_that_is_down_drops_counts_and_logs(clinic: Searcher, caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"  # nothing listens there
    counter = dropped_counter()
    sink = sink_for(Store(open_engine(make_url(url))), clinic, counter)
    with caplog.at_level(logging.WARNING, logger="search.analytics.sink"):
        for i in range(20):
            sink.search(f"q{i}", clinic.search("vertigo jane.doe@example.com"))
        sink.close()
    assert sink.written == 0
    assert dropped(counter, "database") == 20
    logged = caplog.text
    assert "analytics: migrate failed on postgresql+psycopg://postgres@127.0.0.1" in logged
    assert sum(int(n) for n in re.findall(r"analytics: dropped events: (\d+) \(database\)", logged)) == 20
    assert "vertigo" not in logged and "jane" not in logged


def test_old_events_are_purged_when_the_sink_starts(db_url: str, clinic: Searcher) -> None:
    store = Store(open_engine(make_url(db_url)))
    store.migrate()
    old = NOW.replace(tzinfo=None, second=0) - timedelta(days=91)
    store.write([search_at(old, "old"), search_at(old + timedelta(days=2), "kept")], [])
    sink = sink_for(store, clinic, dropped_counter(), retention_days=90)
    sink.search("new", clinic.search("migraine"))
    sink.close()
    reader = Store(open_engine(make_url(db_url)))
    with reader.engine.connect() as conn:
        assert sorted(conn.execute(select(searches.c.query_id)).scalars()) == ["kept", "new"]
    reader.close()
