"""The analytics database: an engine for SQLite (WAL) or PostgreSQL (psycopg 3), writes and retention."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, delete, event, make_url, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from search.analytics.errors import AnalyticsError, AnalyticsUnavailableError
from search.analytics.events import ClickEvent, SearchEvent
from search.analytics.migrate import migrate
from search.analytics.schema import clicks, searches
from search.settings import Settings

log = logging.getLogger(__name__)
SQLITE_FILE = "analytics.db"
# A database that does not answer must not hold the writer (or a report) for long.
CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 10_000
# A click counts only within this long after its search: a patient reads results for minutes, not days,
# and an old query_id replayed later is not a patient's click.
CLICK_WINDOW = timedelta(hours=1)


def database_url(settings: Settings) -> URL:
    """The analytics URL: CONDSEARCH_ANALYTICS_URL, or a SQLite file in the data directory."""
    raw = settings.analytics_url.strip()
    if not raw:
        return URL.create("sqlite", database=str(settings.data_dir / SQLITE_FILE))
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise AnalyticsError(
            f"CONDSEARCH_ANALYTICS_URL {raw[:40]!r}... is not a database URL; "
            "use postgresql+psycopg://user:password@host:5432/dbname, or leave it empty for SQLite"
        ) from exc
    if url.get_backend_name() == "postgresql":
        # psycopg 3 is the driver we ship; a bare postgresql:// would ask for psycopg2.
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        return url
    raise AnalyticsError(
        f"CONDSEARCH_ANALYTICS_URL uses {url.drivername!r}, which is not supported; "
        "use postgresql+psycopg://user:password@host:5432/dbname, or leave it empty for SQLite"
    )


def open_engine(url: URL) -> Engine:
    """An engine tuned for its backend; nothing is connected yet."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _private_file(Path(url.database))
        engine = create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,  # a restarted server's dead connections are replaced, not raised
        pool_size=2,
        max_overflow=2,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
    )


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner alone (health searches, even scrubbed, are private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)  # an existing file made by an earlier version with the default 0644


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    # WAL: readers (reports) never block the writer; several server workers can write in turn.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={CONNECT_TIMEOUT_SECONDS * 1000}")
    cursor.close()


class Store:
    """The event tables behind one engine: migrate, write batches, purge old events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.recreated = 0  # times the SQLite file was found deleted under a running service and made again

    @property
    def where(self) -> str:
        """The database, for messages: never its password."""
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Bring the schema to the newest revision."""
        try:
            migrate(self.engine)
        except SQLAlchemyError as exc:
            raise AnalyticsUnavailableError(f"cannot migrate the analytics database {self.where}: {exc}") from exc

    def write(self, search_events: Sequence[SearchEvent], click_events: Sequence[ClickEvent]) -> int:
        """Insert a batch in one transaction; clicks that name no recent search's result are refused (counted)."""
        self._recreate_if_deleted()
        with self.engine.begin() as conn:
            if search_events:
                conn.execute(searches.insert(), [asdict(e) for e in search_events])
            valid = _valid_clicks(conn, click_events) if click_events else []
            if valid:
                conn.execute(clicks.insert(), [asdict(e) for e in valid])
        return len(click_events) - len(valid)

    def _recreate_if_deleted(self) -> None:
        """A SQLite file deleted while serving would take writes into the void: make it again, and say so."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return
        path = Path(url.database)
        if path.exists():
            return
        self.engine.dispose()  # pooled connections still point at the deleted file
        _private_file(path)
        self.migrate()
        self.recreated += 1
        log.warning("analytics database %s was deleted while serving; recreated it (events since were lost)", path)

    def purge(self, now: datetime, days: int) -> int:
        """Delete events older than `days`; the number of rows deleted."""
        cutoff = now - timedelta(days=days)
        with self.engine.begin() as conn:
            deleted = conn.execute(delete(searches).where(searches.c.minute < cutoff)).rowcount
            deleted += conn.execute(delete(clicks).where(clicks.c.minute < cutoff)).rowcount
        return int(deleted)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _valid_clicks(conn: Connection, events: Sequence[ClickEvent]) -> list[ClickEvent]:
    """The clicks on a result a recorded search returned within CLICK_WINDOW, each once.

    Any client can post a click: one naming no search, a position past its results, an old search or
    a click already stored is forged or replayed, and would skew the pages report (#16).
    """
    ids = sorted({e.query_id for e in events})
    S, C = searches.c, clicks.c
    found = conn.execute(
        select(S.query_id, S.minute, S.hits).where(and_(S.query_id.in_(ids), S.kind == "search"))
    ).all()
    recorded = {row[0]: (row[1], int(row[2])) for row in found}
    stored = conn.execute(select(C.query_id, C.slug, C.position).where(C.query_id.in_(ids))).all()
    seen = {(row[0], row[1], int(row[2])) for row in stored}
    valid = []
    for click in events:
        search = recorded.get(click.query_id)
        key = (click.query_id, click.slug, click.position)
        if search is None or key in seen:
            continue
        minute, hits = search
        if 1 <= click.position <= hits and minute <= click.minute <= minute + CLICK_WINDOW:
            valid.append(click)
            seen.add(key)
    return valid


def open_store(settings: Settings) -> Store:
    """The store the settings name (not yet connected or migrated)."""
    return Store(open_engine(database_url(settings)))
