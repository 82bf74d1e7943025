"""The store on SQLite and PostgreSQL: migrations, writes, retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select, text

from search.analytics.events import ClickEvent, SearchEvent
from search.analytics.schema import clicks, searches
from search.analytics.store import Store

NOW = datetime(2026, 3, 1, 12, 0)


def search_at(minute: datetime, query_id: str, **fields: object) -> SearchEvent:
    values: dict[str, object] = {
        "minute": minute,
        "day": minute.date(),
        "kind": "search",
        "query_id": query_id,
        "query": "vertigo",
        "normalized": "vertigo",
        "corrected": "vertigo",
        "hits": 0,
        "top_slug": None,
        "confidence": None,
        "latency_ms": 1.5,
        "unmatched": True,
    }
    values.update(fields)
    return SearchEvent(**values)  # type: ignore[arg-type]


def click_at(minute: datetime, query_id: str, slug: str = "migraine", position: int = 1) -> ClickEvent:
    return ClickEvent(minute, minute.date(), query_id, slug, position)


def count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_migrations_create_the_tables_once_and_stamp_the_revision(store: Store) -> None:
    store.migrate()  # a second run is a no-op
    names = set(inspect(store.engine).get_table_names())
    assert {"search_events", "click_events", "alembic_version"} <= names
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    from pathlib import Path

    from sqlalchemy import make_url

    from search.analytics.store import open_engine

    engine = open_engine(make_url(f"sqlite:///{Path(str(tmp_path)) / 'deep' / 'er' / 'a.db'}"))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()


def test_a_batch_is_written_and_old_events_are_purged(store: Store) -> None:
    old, recent = NOW - timedelta(days=91), NOW - timedelta(days=89)
    store.write(
        [search_at(old, "a", hits=2), search_at(recent, "b", hits=2)],
        [click_at(old, "a"), click_at(recent, "b")],
    )
    assert (count(store, searches), count(store, clicks)) == (2, 2)
    assert store.purge(NOW, 90) == 2
    with store.engine.connect() as conn:
        assert conn.execute(select(searches.c.query_id)).scalars().all() == ["b"]
        assert conn.execute(select(clicks.c.query_id)).scalars().all() == ["b"]


def test_only_clicks_on_a_result_a_recent_search_returned_are_stored_once(store: Store) -> None:
    store.write([search_at(NOW, "s1", hits=3)], [click_at(NOW, "s1", position=1)])
    later = NOW + timedelta(minutes=5)
    refused = store.write(
        [search_at(later, "s2", hits=1)],  # written in the same batch as its click
        [
            click_at(later, "s2", position=1),
            click_at(later, "s1", position=1),  # already stored
            click_at(later, "s1", "anxiety", 2),
            click_at(later, "s1", "anxiety", 2),  # twice in one batch
            click_at(later, "s1", position=4),  # past its three results
            click_at(later, "s1", position=0),
            click_at(later, "forged", position=1),  # no such search
            click_at(NOW + timedelta(hours=2), "s1", position=3),  # long after the search
            click_at(NOW - timedelta(minutes=1), "s1", position=3),  # before it
        ],
    )
    assert refused == 7
    with store.engine.connect() as conn:
        rows = conn.execute(select(clicks.c.query_id, clicks.c.slug, clicks.c.position).order_by(clicks.c.id)).all()
    assert [tuple(r) for r in rows] == [("s1", "migraine", 1), ("s2", "migraine", 1), ("s1", "anxiety", 2)]


def test_the_sqlite_file_is_private_to_its_owner(tmp_path: object) -> None:
    import os
    import stat
    from pathlib import Path

    from sqlalchemy import make_url

    from search.analytics.store import open_engine

    path = Path(str(tmp_path)) / "var" / "analytics.db"
    path.parent.mkdir()
    path.touch(mode=0o644)  # as an earlier version left it
    os.chmod(path, 0o644)
    store = Store(open_engine(make_url(f"sqlite:///{path}")))
    store.migrate()
    store.write([search_at(NOW, "a")], [])
    for made in path.parent.iterdir():  # the database, its WAL and shared-memory files
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made.name
    store.close()


def test_a_database_deleted_while_serving_is_made_again(tmp_path: object) -> None:
    from pathlib import Path

    from sqlalchemy import make_url

    from search.analytics.store import open_engine

    path = Path(str(tmp_path)) / "analytics.db"
    store = Store(open_engine(make_url(f"sqlite:///{path}")))
    store.migrate()
    store.write([search_at(NOW, "a")], [])
    for made in path.parent.glob("analytics.db*"):
        made.unlink()
    store.write([search_at(NOW, "b")], [])
    assert path.exists() and store.recreated == 1
    with store.engine.connect() as conn:
        assert conn.execute(select(searches.c.query_id)).scalars().all() == ["b"]
    store.close()
