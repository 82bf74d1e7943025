"""Alembic environment: runs on the connection `search.analytics.migrate` hands over."""

from __future__ import annotations

from alembic import context

from search.analytics.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `condsearch analytics migrate`, which supplies the connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
