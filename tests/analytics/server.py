"""A real server with analytics on: its own data directory, an admin token, every /suggest sampled."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import make_url

from search.analytics.events import ClickEvent, search_event, utc_minute
from search.analytics.service import cached_corrector
from search.analytics.store import Store, open_engine
from search.query.searcher import Searcher
from tests.support.server import Server, start_server

TOKEN = "test-admin-token-7f3a9c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def analytics_server(clinic_index: Path, folder: Path, **env: str) -> Server:
    """Start `condsearch serve` over a copy of the clinic index, analytics in `folder`/var."""
    index_dir = folder / "index"
    shutil.copytree(clinic_index, index_dir)
    settings = {
        "CONDSEARCH_DATA_DIR": str(folder / "var"),
        "CONDSEARCH_ADMIN_TOKEN": TOKEN,
        "CONDSEARCH_ANALYTICS_SUGGEST_SAMPLE": "1.0",
        "CONDSEARCH_ANALYTICS_FLUSH_SECONDS": "0.1",
        "CONDSEARCH_ANALYTICS_MIN_COUNT": "2",
        # These tests search fast from one address: per-client limits are tested in test_security.
        "CONDSEARCH_RATE_LIMIT_PER_SECOND": "0",
        **env,
    }
    return start_server(index_dir, env=settings, log=folder / "server.log")


def record_history(clinic: Searcher, folder: Path, texts: Sequence[str], clicked: Sequence[str] = ()) -> int:
    """Record earlier searches into `folder`/var's database as the server's sink would, one per minute.

    k-anonymity counts a text once per minute (one person's refreshes are one search), so searches meant to
    count separately must be minutes apart; a live test server cannot wait that long. A text in `clicked`
    gets a click on its first result. Returns how many searches were written.
    """
    (folder / "var").mkdir(parents=True, exist_ok=True)
    store = Store(open_engine(make_url(f"sqlite:///{folder / 'var' / 'analytics.db'}")))
    store.migrate()
    correct = cached_corrector(clinic)
    # From two minutes ago backwards: never the minute the live requests that follow land in.
    start = utc_minute() - timedelta(minutes=2)
    searches, clicks = [], []
    for i, text in enumerate(texts):
        minute = start - timedelta(minutes=i)
        query_id = uuid.uuid4().hex
        result = clinic.search(text, limit=10)
        searches.append(search_event(query_id, result, minute, correct))
        if text in clicked and result.hits:
            clicks.append(ClickEvent(minute, minute.date(), query_id, result.hits[0].slug, 1))
    store.write(searches, clicks)
    store.close()
    return len(searches)


def searches_recorded(server: Server) -> int:
    """Search requests the server's store holds over the last days, every request counted (not k's count)."""
    response = httpx.get(f"{server.url}/analytics/zero-results?since=30d", headers=AUTH, timeout=10)
    return sum(int(d["searches"]) for d in response.json()["days"]) if response.status_code == 200 else -1
