"""whoosh, stock: StemmingAnalyzer, BM25F, a MultifieldParser with the FuzzyTermPlugin, OR of terms."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, OrGroup
from whoosh.scoring import BM25F

from bench.peers import FIELD_WEIGHTS, Doc, query_words
from bench.procstat import disk_mb

FUZZY_FROM = 4  # words this long also match one edit away ("word~"); shorter ones only exactly


class WhooshPeer:
    """A whoosh index in a folder, one searcher kept open."""

    name = "whoosh"

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._searcher: Any = None
        self._parser: Any = None

    def build(self, docs: Sequence[Doc], work: Path) -> None:
        """Index every doc with one writer."""
        analyzer = StemmingAnalyzer()
        schema = Schema(
            slug=ID(stored=True, unique=True),
            title=TEXT(analyzer=analyzer, field_boost=FIELD_WEIGHTS["title"]),
            aliases=TEXT(analyzer=analyzer, field_boost=FIELD_WEIGHTS["aliases"]),
            body=TEXT(analyzer=analyzer, field_boost=FIELD_WEIGHTS["body"]),
        )
        work.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(work), schema)
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(slug=doc.slug, title=doc.title, aliases=doc.aliases, body=doc.body)
        writer.commit()
        self._dir = work
        self._searcher = ix.searcher(weighting=BM25F())
        self._parser = MultifieldParser(["title", "aliases", "body"], schema, group=OrGroup)
        self._parser.add_plugin(FuzzyTermPlugin())

    def search(self, text: str, limit: int) -> list[str]:
        """Each word as itself or, from 4 letters, `word~` (one edit), OR-ed over the three fields."""
        terms = [t for w in query_words(text) for t in ((w, f"{w}~") if len(w) >= FUZZY_FROM else (w,))]
        if not terms:
            return []
        hits = self._searcher.search(self._parser.parse(" ".join(terms)), limit=limit)
        return [hit["slug"] for hit in hits]

    def size_mb(self) -> float:
        """The whoosh folder."""
        return disk_mb(self._dir) if self._dir else 0.0

    def close(self) -> None:
        """Close the searcher."""
        if self._searcher is not None:
            self._searcher.close()
