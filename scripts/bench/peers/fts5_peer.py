"""SQLite FTS5 (stdlib sqlite3): the porter tokenizer, an OR of the query's terms, bm25() ranking."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from bench.peers import FIELD_WEIGHTS, Doc, query_words

TOKENIZER = "porter unicode61 remove_diacritics 2"


class Fts5Peer:
    """An FTS5 table in a database file, one connection kept open."""

    name = "sqlite-fts5"

    def __init__(self) -> None:
        self._path: Path | None = None
        self._db: sqlite3.Connection | None = None

    def build(self, docs: Sequence[Doc], work: Path) -> None:
        """Insert every doc in one transaction."""
        work.mkdir(parents=True, exist_ok=True)
        self._path = work / "fts5.sqlite"
        self._path.unlink(missing_ok=True)
        db = sqlite3.connect(self._path, check_same_thread=False)
        db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, aliases, body, tokenize='{TOKENIZER}')"
        )
        with db:
            db.executemany(
                "INSERT INTO docs (slug, title, aliases, body) VALUES (?, ?, ?, ?)",
                ((d.slug, d.title, d.aliases, d.body) for d in docs),
            )
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        self._db = db

    def search(self, text: str, limit: int) -> list[str]:
        """Every word quoted (so none is syntax), OR-ed; bm25() with the shared field weights."""
        assert self._db is not None
        terms = list(dict.fromkeys(query_words(text)))
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        w = FIELD_WEIGHTS
        rows = self._db.execute(
            "SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0.0, ?, ?, ?) LIMIT ?",
            (match, w["title"], w["aliases"], w["body"], limit),
        ).fetchall()
        return [row[0] for row in rows]

    def size_mb(self) -> float:
        """The database file."""
        return self._path.stat().st_size / (1024.0 * 1024.0) if self._path else 0.0

    def close(self) -> None:
        """Close the connection."""
        if self._db is not None:
            self._db.close()
