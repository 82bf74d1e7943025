"""Alembic migrations of the analytics store, shipped inside the package."""
