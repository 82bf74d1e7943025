"""A real server with analytics on: its own data directory, an admin token, every /suggest sampled."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

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


def searches_recorded(server: Server) -> int:
    """Searches the server's reports count over the last day."""
    response = httpx.get(f"{server.url}/analytics/top?since=1d", headers=AUTH, timeout=10)
    return int(response.json()["searches"]) if response.status_code == 200 else -1
