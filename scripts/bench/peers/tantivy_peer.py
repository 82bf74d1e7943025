"""tantivy (PyPI `tantivy`): English stop words and stemmer, BM25 with field boosts, OR-ed with fuzzy terms."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tantivy

from bench.peers import FIELD_WEIGHTS, Doc, query_words
from bench.procstat import disk_mb

FIELDS = ["title", "aliases", "body"]
FUZZY = (False, 1, True)  # (prefix, distance, transposition costs one): one typo per word
# tantivy scores a fuzzy term as a constant, not by BM25: weigh it below a real match.
FUZZY_BOOST = 0.5
HEAP_BYTES = 256_000_000
TOKENIZER = "en_stop_stem"


def _analyzer() -> Any:
    """tantivy's en_stem pipeline plus its English stop words, as whoosh's StemmingAnalyzer has."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


class TantivyPeer:
    """A tantivy index in a folder, one searcher kept open."""

    name = "tantivy"

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._index: Any = None
        self._searcher: Any = None

    def build(self, docs: Sequence[Doc], work: Path) -> None:
        """Index every doc with one writer thread and commit."""
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        for field in FIELDS:
            builder.add_text_field(field, tokenizer_name=TOKENIZER)
        work.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(builder.build(), path=str(work), reuse=False)
        self._index.register_tokenizer(TOKENIZER, _analyzer())
        writer = self._index.writer(heap_size=HEAP_BYTES, num_threads=1)
        for doc in docs:
            writer.add_document(tantivy.Document(slug=doc.slug, title=doc.title, aliases=doc.aliases, body=doc.body))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()
        self._dir = work

    def search(self, text: str, limit: int) -> list[str]:
        """BM25 over the words with field boosts, OR the same words as one-typo fuzzy terms."""
        words = query_words(text)
        if not words:
            return []
        plain = " ".join(words)
        boosts = {f: w for f, w in FIELD_WEIGHTS.items() if w != 1.0}
        exact = self._index.parse_query(plain, FIELDS, field_boosts=boosts)
        fuzzy = self._index.parse_query(plain, FIELDS, fuzzy_fields={f: FUZZY for f in FIELDS})
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, exact),
                (tantivy.Occur.Should, tantivy.Query.boost_query(fuzzy, FUZZY_BOOST)),
            ]
        )
        result = self._searcher.search(query, limit, count=False)
        return [self._searcher.doc(address)["slug"][0] for _score, address in result.hits]

    def size_mb(self) -> float:
        """The tantivy folder."""
        return disk_mb(self._dir) if self._dir else 0.0

    def close(self) -> None:
        """Drop the searcher."""
        self._searcher = None
