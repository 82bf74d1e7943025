"""Postings as flat arrays, written with each generation and memory-mapped at open.

whoosh stays the index format (stored pages, incremental builds). Its pure-Python matcher decodes a
term's postings one at a time on first use, which at 100,000 pages costs more than the ranking
itself; these arrays answer a term with a binary search and array slices, no per-posting work.

Files, beside whoosh's (their digests are in the manifest like every file of a generation):
  postings.meta.json           document count, fields, the slug order the positions follow
  postings.terms.bin / .npy    every term, UTF-8, sorted by bytes; offsets into the blob
  postings.<field>.<part>.npy  per field: term offsets (terms + 1), documents (int32), weights (float32)
  postings.any.<part>.npy      term offsets and the documents holding the term in any field
  postings.lengths.npy         each field's length per document, as whoosh quantises it
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.fields import Schema
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.errors import IndexError_
from search.indexing.postings import EMPTY, TermPostings
from search.indexing.schema import SCORED_FIELDS

PREFIX = "postings."
META = "postings.meta.json"
FORMAT = 1
CACHE_TERMS = 50_000  # decoded TermPostings kept per generation; cleared whole when full


def order_digest(slugs: Sequence[str]) -> str:
    """What the positions follow: the pages' slugs in document order."""
    return hashlib.sha256("\n".join(slugs).encode("utf-8")).hexdigest()


def write_arrays(folder: Path, schema: Schema, documents: Sequence[Mapping[str, str]], slugs: Sequence[str]) -> None:
    """Analyse each document's scored fields as whoosh does and write the arrays (positions follow `documents`)."""
    ids: dict[str, int] = {}
    per_field = {name: (array("i"), array("i"), array("f")) for name in SCORED_FIELDS}  # term, doc, weight
    lengths = np.zeros((len(SCORED_FIELDS), len(documents)), dtype=np.float64)
    for pos, doc in enumerate(documents):
        for f, name in enumerate(SCORED_FIELDS):
            value = doc.get(name)
            if not value:
                continue
            field = schema[name]
            terms, docs, weights = per_field[name]
            length = 0
            for tbytes, freq, weight, _ in field.index(value):
                text = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
                terms.append(ids.setdefault(text, len(ids)))
                docs.append(pos)
                weights.append(weight)
                length += freq if field.scorable else 0
            # whoosh keeps a field's length in one byte: the same rounding gives the same scores
            lengths[f, pos] = byte_to_length(length_to_byte(length)) if length else 0.0
    words = sorted(ids, key=lambda t: t.encode("utf-8"))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray([ids[w] for w in words], dtype=np.int64)] = np.arange(len(words))
    encoded = [w.encode("utf-8") for w in words]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    (folder / f"{PREFIX}terms.bin").write_bytes(b"".join(encoded))
    np.save(folder / f"{PREFIX}terms.npy", offsets)
    any_terms: list[np.ndarray] = []
    any_docs: list[np.ndarray] = []
    for name in SCORED_FIELDS:
        terms, docs, weights = per_field[name]
        t = rank[np.frombuffer(terms, dtype=np.int32)] if len(terms) else np.empty(0, dtype=np.int64)
        d = np.frombuffer(docs, dtype=np.int32)
        w = np.frombuffer(weights, dtype=np.float32)
        order = np.lexsort((d, t))  # by term, then document
        t, d, w = t[order], d[order], w[order]
        _save_parts(folder, name, _starts(t, len(words)), d, w)
        any_terms.append(t)
        any_docs.append(d)
    # (term, document) pairs of every field, once each: a term's documents in any field, ascending
    keys = np.unique(np.concatenate(any_terms) * max(len(documents), 1) + np.concatenate(any_docs))
    width = max(len(documents), 1)
    _save_parts(folder, "any", _starts(keys // width, len(words)), (keys % width).astype(np.int32))
    np.save(folder / f"{PREFIX}lengths.npy", lengths)
    meta = {"format": FORMAT, "docs": len(documents), "terms": len(words), "fields": list(SCORED_FIELDS)}
    meta["order"] = order_digest(slugs)
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")


def _starts(terms: np.ndarray, count: int) -> np.ndarray:
    """Where each term's run begins in arrays sorted by term (count + 1 offsets)."""
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=count), out=starts[1:])
    return starts


def _save_parts(
    folder: Path, name: str, starts: np.ndarray, docs: np.ndarray, weights: np.ndarray | None = None
) -> None:
    np.save(folder / f"{PREFIX}{name}.starts.npy", starts)
    np.save(folder / f"{PREFIX}{name}.docs.npy", docs.astype(np.int32))
    if weights is not None:
        np.save(folder / f"{PREFIX}{name}.weights.npy", weights.astype(np.float32))


def _load(folder: Path, name: str, part: str) -> np.ndarray:
    data: np.ndarray = np.load(folder / f"{PREFIX}{name}.{part}.npy", mmap_mode="r")
    return data


def has_arrays(folder: Path) -> bool:
    """Whether the generation was written with postings arrays (older ones were not)."""
    return (folder / META).is_file()


class ArrayPostings:
    """The postings store over memory-mapped arrays: a term is a binary search and a few slices."""

    def __init__(self, folder: Path, slugs: Sequence[str]) -> None:
        try:
            meta: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
            self._blob = (folder / f"{PREFIX}terms.bin").read_bytes()
            # Python ints on indexing, 8 bytes each (a list of a million ints held 31 MiB)
            self._offsets = array("q", np.load(folder / f"{PREFIX}terms.npy").astype(np.int64).tobytes())
            self._fields = {
                name: (_load(folder, name, "starts"), _load(folder, name, "docs"), _load(folder, name, "weights"))
                for name in SCORED_FIELDS
            }
            self._any = (_load(folder, "any", "starts"), _load(folder, "any", "docs"))
            self._lengths = np.load(folder / f"{PREFIX}lengths.npy")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexError_(
                f"the postings arrays of {str(folder)!r} cannot be read ({exc}); run `condsearch index` to rebuild"
            ) from None
        terms = int(meta["terms"])
        if (
            meta.get("format") != FORMAT
            or meta.get("fields") != list(SCORED_FIELDS)
            or meta.get("docs") != len(slugs)
            or meta.get("order") != order_digest(slugs)
            or len(self._offsets) != terms + 1
        ):
            raise IndexError_(
                f"the postings arrays of {str(folder)!r} do not match its pages; run `condsearch index` to rebuild"
            )
        self._count = terms
        self._docs = len(slugs)
        self._cache: dict[str, TermPostings] = {}
        self._vocabulary = _Terms(self)

    @property
    def vocabulary(self) -> Collection[str]:
        """Every indexed term (the arrays hold live documents only)."""
        return self._vocabulary

    @property
    def doc_count(self) -> int:
        """Documents in the generation."""
        return self._docs

    def field_lengths(self, name: str) -> np.ndarray:
        """Terms per document in one field, as whoosh rounds them."""
        return np.asarray(self._lengths[SCORED_FIELDS.index(name)], dtype=np.float64)

    def find(self, term: str) -> int:
        """The term's number, or -1: a binary search over the sorted UTF-8 terms."""
        key = term.encode("utf-8")
        blob, offsets = self._blob, self._offsets
        lo, hi = 0, self._count
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[offsets[mid] : offsets[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self._count and blob[offsets[lo] : offsets[lo + 1]] == key else -1

    def postings(self, term: str) -> TermPostings:
        """A term's postings in every scored field, as views of the arrays."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        n = self.find(term)
        result = EMPTY if n < 0 else self._read(n)
        if len(self._cache) >= CACHE_TERMS:
            self._cache.clear()  # bounded: the next queries refill what they use
        self._cache[term] = result
        return result

    def _read(self, n: int) -> TermPostings:
        """Views of the maps, as stored (32-bit): no copy, so a worker holds no term it has used.

        A 64-bit copy per term (what numpy indexes fastest) grew a cache of 177 MiB over 718 queries
        at 100,000 pages; the readers pass 32-bit keys to their binary searches instead.
        """
        per_field: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, (starts, docs, weights) in self._fields.items():
            a, b = int(starts[n]), int(starts[n + 1])
            if b > a:
                per_field[name] = (np.asarray(docs[a:b]), np.asarray(weights[a:b]))
        starts, docs = self._any
        return TermPostings(per_field, np.asarray(docs[int(starts[n]) : int(starts[n + 1])]))

    @property
    def term_count(self) -> int:
        """Distinct terms."""
        return self._count

    def term(self, n: int) -> str:
        """The n-th term."""
        return self._blob[self._offsets[n] : self._offsets[n + 1]].decode("utf-8")


class _Terms(Collection[str]):
    """The vocabulary, answered from the sorted term blob."""

    def __init__(self, store: ArrayPostings) -> None:
        self._store = store

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._store.find(term) >= 0

    def __iter__(self) -> Iterator[str]:
        return (self._store.term(n) for n in range(len(self)))

    def __len__(self) -> int:
        return self._store.term_count
