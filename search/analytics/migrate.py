"""Schema migrations (Alembic) applied from the package, at start and by `condsearch analytics migrate`."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
# Server workers start together: on PostgreSQL one migrates while the others wait on this lock.
ADVISORY_LOCK = 7_406_221_913
# Alembic's `context` and `op` are module globals: two migrations in one process must take turns.
_IN_PROCESS = threading.Lock()


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """Worker processes share one SQLite file: one migrates while the others wait on a lock file."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    # Owner-only like the database beside it (0600), though it holds nothing but the lock.
    with os.fdopen(os.open(f"{database}.migrate-lock", os.O_CREAT | os.O_WRONLY, 0o600), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision, in one transaction."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _IN_PROCESS, _sqlite_file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
