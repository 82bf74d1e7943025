"""The tables (SQLAlchemy Core); the migrations in migrations/versions/ create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)

metadata = MetaData()

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a bigint.
_ID = BigInteger().with_variant(Integer(), "sqlite")

searches = Table(
    "search_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("minute", DateTime(), nullable=False, index=True),
    Column("day", Date(), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("query_id", String(64), nullable=False, index=True),
    Column("query", String(512), nullable=False),
    Column("normalized", String(512), nullable=False),
    Column("corrected", String(512), nullable=False),
    Column("hits", Integer(), nullable=False),
    Column("top_slug", String(200), nullable=True),
    Column("confidence", Float(), nullable=True),
    Column("latency_ms", Float(), nullable=True),
    Column("unmatched", Boolean(), nullable=False),
)

clicks = Table(
    "click_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("minute", DateTime(), nullable=False, index=True),
    Column("day", Date(), nullable=False),
    Column("query_id", String(64), nullable=False, index=True),
    Column("slug", String(200), nullable=False),
    Column("position", Integer(), nullable=False),
)
