"""Read every row of every table of a database, as text, to look for what must never be there."""

from __future__ import annotations

import re

from sqlalchemy import MetaData, make_url, select

from search.analytics.store import open_engine

QUERY_ID = re.compile(r"^[0-9a-f]{32}$")  # a random id: it can carry nothing, and its hex digits match anything


def every_cell(url: str) -> list[tuple[str, str]]:
    """(column, value as text) of every value in every table."""
    engine = open_engine(make_url(url))
    metadata = MetaData()
    metadata.reflect(engine)
    cells: list[tuple[str, str]] = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            names = [c.name for c in table.columns]
            for row in conn.execute(select(table)):
                cells.extend(zip(names, (str(v) for v in row), strict=True))
    engine.dispose()
    return cells


def leaks(url: str, secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    """(secret, cell) for every cell that holds a secret (case-insensitively) or a query id that is not random hex."""
    found = []
    for column, value in every_cell(url):
        if column == "query_id":
            if not QUERY_ID.match(value):
                found.append(("query_id", value))
            continue
        found.extend((s, value) for s in secrets if s.lower() in value.lower())
    return found
