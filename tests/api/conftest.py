"""The shared server: a real uvicorn server in a subprocess, on a free port, over a copy of the clinic index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import Server, start_server, stopping


@pytest.fixture(scope="session")
def server(clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session, over its own copy of the clinic index."""
    index_dir = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(clinic_index, index_dir)
    started = start_server(
        index_dir,
        # Many tests share this server from one address: per-client rate limits off (test_security tests them).
        env={"CONDSEARCH_CORS_ORIGINS": '["https://clinic.example"]', "CONDSEARCH_RATE_LIMIT_PER_SECOND": "0"},
        log=index_dir.parent / "server.log",
    )
    with stopping(started) as running:
        yield running
