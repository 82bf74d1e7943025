"""Open one index generation into everything a query needs; swapped whole on reload."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import IndexReader

from search.analysis import KEEP_WORDS, is_stop, surface_words
from search.embedding import Stamp, Vectors
from search.errors import IndexError_
from search.indexing.arrays import ArrayPostings, has_arrays
from search.indexing.postings import PostingsStore, WhooshPostings
from search.indexing.shelf import PageShelf, has_shelf, open_shelf, shelf_of
from search.indexing.store import VOCABULARY, read_manifest, verify_files
from search.indexing.vectors import PageVectors, read_vectors
from search.lexicon import Lexicon, load_lexicon
from search.pages import Page, page_from_dict
from search.probe import pages_digest
from search.query.bm25 import Bm25F
from search.query.config import RankingConfig
from search.query.rerank import Phrases, phrases
from search.query.semantic import SCALE_SAMPLE, scale_sample
from search.query.snippet import Sentences, sentences
from search.query.suggest import SuggestIndex, build_suggest_index
from search.query.typos import Corrector, build_corrector

SENTENCE_CACHE = 4096


@dataclass(frozen=True)
class Snapshot:
    """One generation's pages, scorer, typo model, lexicon and suggestion index."""

    generation: str
    bm25: Bm25F
    shelf: PageShelf  # every page's header; whole pages (with their prose) by `page(doc)`
    phrases: tuple[Phrases, ...]  # each page's names, lower-cased, ready for the phrase stage
    titles: tuple[tuple[tuple[str, ...], ...], ...]  # each page's title and aliases as their content words
    bigrams: frozenset[tuple[str, str]]  # neighbouring words of page names and lexicon terms
    corrector: Corrector
    lexicon: Lexicon
    suggestions: SuggestIndex
    ambiguous: frozenset[str]
    by_slug: dict[str, int]
    vectors: PageVectors | None  # page vectors in doc order for the semantic stage; None: lexical only
    digest: str  # pages_digest of the slugs: which corpus this is, for the topic model
    vector_sample: Vectors | None = None  # a large corpus's similarity scale (semantic.scale_sample)
    # Snippet sentences with their stems, computed the first time a page is shown (bounded).
    sentence_cache: dict[int, Sentences] = field(default_factory=dict, compare=False, repr=False)

    @property
    def heads(self) -> tuple[Page, ...]:
        """Every page without its prose (sections, FAQ, references), in document order."""
        return self.shelf.heads

    def page(self, doc: int) -> Page:
        """The whole page: decoded from the generation's files the first time it is shown."""
        return self.shelf.page(doc)

    def sentences(self, doc: int) -> Sentences:
        """A page's snippet sentences, from the bounded cache."""
        cached = self.sentence_cache.get(doc)
        if cached is None:
            if len(self.sentence_cache) >= SENTENCE_CACHE:
                self._evict()
            cached = self.sentence_cache[doc] = sentences(self.page(doc))
        return cached

    def _evict(self) -> None:
        """Drop the oldest quarter of the cache (dicts keep insertion order); pages shown often come back."""
        try:
            for doc in list(islice(self.sentence_cache, SENTENCE_CACHE // 4)):
                self.sentence_cache.pop(doc, None)
        except RuntimeError:  # another thread added a page meanwhile: start afresh, still bounded
            self.sentence_cache.clear()


# Words are interned where a generation keeps them by the hundred thousand (title word sets, word
# pairs): each page name split anew made its own copy of every word (about 100 MiB at 100,000 pages).


def _words(text: str) -> tuple[str, ...]:
    """A name's content words, once each (a tuple: a frozenset of three words costs three times as much)."""
    return tuple(dict.fromkeys(sys.intern(w) for w in surface_words(text) if not is_stop(w)))


def _bigrams(texts: list[str]) -> frozenset[tuple[str, str]]:
    """Pairs of neighbouring content words: the context that lets a real word be corrected."""
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        words = [sys.intern(w) for w in surface_words(text) if not is_stop(w) and w not in KEEP_WORDS]
        pairs.update(pairwise(words))
    return frozenset(pairs)


def ambiguous_abbreviations(pages: Sequence[Page], lowercase: set[str]) -> frozenset[str]:
    """All-caps aliases that are also everyday words in the prose ("SAD" / "sad"): case-sensitive."""
    return frozenset(
        alias.lower()
        for page in pages
        for alias in page.aliases
        if alias.isupper() and alias.isalpha() and alias.lower() in lowercase
    )


def _stored_shelf(reader: IndexReader) -> PageShelf:
    """A generation built before shelves: every page decoded from whoosh's stored fields, in document order."""
    return shelf_of([page_from_dict(json.loads(stored["page"])) for _, stored in reader.iter_docs()])


def open_snapshot(generation: Path, lexicon_dir: Path, config: RankingConfig, model: Stamp | None = None) -> Snapshot:
    """Open and check one generation, and build its query-time structures (page vectors of `model`)."""
    manifest = read_manifest(generation)
    # The file digests are checked while the rest is read: hashing releases the GIL, so on a second
    # core the check costs no wall time (1.6 s of a 100,000-page open).
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = pool.submit(verify_files, generation, manifest)
        try:
            snapshot = _open_checked(generation, manifest, lexicon_dir, config, model)
        except Exception:
            checked.result()  # a damaged file explains a failure better than what it broke
            raise
        checked.result()
    return snapshot


def _open_checked(
    generation: Path, manifest: dict[str, Any], lexicon_dir: Path, config: RankingConfig, model: Stamp | None
) -> Snapshot:
    """The query-time structures of a generation whose digests are being checked alongside."""
    try:
        reader = whoosh_index.open_dir(str(generation)).reader()
        shelf = open_shelf(generation) if has_shelf(generation) else _stored_shelf(reader)
        pages = shelf.heads
        slugs = [page.slug for page in pages]
        vocabulary = json.loads((generation / VOCABULARY).read_text(encoding="utf-8"))
        store: PostingsStore
        if has_arrays(generation):
            store = ArrayPostings(generation, slugs)
            reader.close()  # pages are read; the arrays answer every term from here
        else:  # a generation built before the arrays: whoosh decodes postings on first use
            store = WhooshPostings(reader, list(reader.all_doc_ids()))  # the order iter_docs reads
        bm25 = Bm25F(store, config.retrieve)
        vectors = read_vectors(generation, slugs, model, SCALE_SAMPLE) if model is not None else None
    except Exception as exc:  # whoosh raises many types for a damaged generation
        raise IndexError_(
            f"index generation {str(generation)!r} cannot be read ({type(exc).__name__}: {exc}); "
            "run `condsearch index` to rebuild it"
        ) from None
    if len(pages) != len(manifest["pages"]):
        raise IndexError_(
            f"index generation {str(generation)!r} holds {len(pages)} pages but its manifest lists "
            f"{len(manifest['pages'])}; run `condsearch index` to rebuild it"
        )
    counts: Counter[str] = Counter(vocabulary["counts"])
    ambiguous = ambiguous_abbreviations(pages, set(vocabulary["lowercase"]))
    lexicon = load_lexicon(lexicon_dir, pages, ambiguous)
    for word in lexicon.words:
        counts[word] += 1
    return Snapshot(
        generation=generation.name,
        bm25=bm25,
        shelf=shelf,
        phrases=tuple(phrases([s.lower() for s in page.names]) for page in pages),
        titles=tuple(tuple(_words(t) for t in (page.title, *page.aliases)) for page in pages),
        bigrams=_bigrams([name for page in pages for name in page.names] + sorted(lexicon.phrases)),
        # A word the pages use is English here, whatever else the Spanish lexicon says of it.
        corrector=build_corrector(counts, config.typos, lexicon.foreign - set(vocabulary["counts"])),
        lexicon=lexicon,
        suggestions=build_suggest_index(pages),
        ambiguous=ambiguous,
        by_slug={page.slug: doc for doc, page in enumerate(pages)},
        vectors=vectors,
        vector_sample=scale_sample(vectors) if vectors is not None else None,
        digest=pages_digest(page.slug for page in pages),
    )
