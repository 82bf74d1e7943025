"""Search and click events."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the event tables and their indexes."""
    op.create_table(
        "search_events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("query_id", sa.String(64), nullable=False),
        sa.Column("query", sa.String(512), nullable=False),
        sa.Column("normalized", sa.String(512), nullable=False),
        sa.Column("corrected", sa.String(512), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("top_slug", sa.String(200), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("unmatched", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_search_events_minute", "search_events", ["minute"])
    op.create_index("ix_search_events_day", "search_events", ["day"])
    op.create_index("ix_search_events_query_id", "search_events", ["query_id"])
    op.create_table(
        "click_events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query_id", sa.String(64), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_click_events_minute", "click_events", ["minute"])
    op.create_index("ix_click_events_query_id", "click_events", ["query_id"])


def downgrade() -> None:
    """Drop the event tables."""
    op.drop_table("click_events")
    op.drop_table("search_events")
