"""Analytics fixtures: a store on SQLite and on PostgreSQL (every store test runs on both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from search.analytics.store import Store, open_engine
from tests.analytics.postgres import scratch_database, server_url

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A scratch database on the test PostgreSQL server."""
    with scratch_database(server_url()) as url:
        yield url


def sqlite_url(folder: Path) -> str:
    """A SQLite file in a test's folder."""
    return f"sqlite:///{folder / 'analytics.db'}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        with scratch_database(server_url()) as url:
            yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated, empty store on each backend."""
    opened = Store(open_engine(make_url(db_url)))
    opened.migrate()
    yield opened
    opened.close()
