"""Stopping PostgreSQL under a running server: /search keeps answering 200, events are dropped and counted."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.analytics.postgres import own_cluster
from tests.analytics.server import analytics_server, searches_recorded
from tests.support.server import Server, stopping
from tests.support.wait import wait_for


def dropped_for_database(server: Server) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    match = re.search(r'condsearch_analytics_events_dropped_total\{reason="database"\} ([0-9.e+]+)', text)
    return float(match.group(1)) if match else 0.0


def test_search_answers_while_postgres_is_down_and_recovers(clinic_index: Path, tmp_path: Path) -> None:
    with (
        own_cluster() as cluster,
        stopping(analytics_server(clinic_index, tmp_path, CONDSEARCH_ANALYTICS_URL=cluster.url)) as server,
    ):
        for _ in range(5):
            assert httpx.get(f"{server.url}/search", params={"q": "migraine"}).status_code == 200
        assert wait_for(lambda: searches_recorded(server) == 5)

        cluster.stop()
        statuses = [
            httpx.get(f"{server.url}/search", params={"q": "vertigo"}, timeout=10).status_code for _ in range(30)
        ]
        assert statuses == [200] * 30
        assert wait_for(lambda: dropped_for_database(server) > 0)
        assert httpx.get(f"{server.url}/analytics/top", headers={"Authorization": "Bearer x"}).status_code == 401

        cluster.start()
        assert wait_for(lambda: searches_recorded(server) == 5)  # the reports read again
        # New events are written again once the writer's pause after the failure is over.
        assert wait_for(
            lambda: (
                httpx.get(f"{server.url}/search", params={"q": "insomnia"}).status_code == 200
                and searches_recorded(server) > 5
            ),
            seconds=30,
        )
    log = (tmp_path / "server.log").read_text()
    assert "analytics: write failed on postgresql+psycopg://postgres@127.0.0.1" in log
    assert "analytics: dropped events:" in log
    assert "vertigo" not in log
