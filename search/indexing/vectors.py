"""Page vectors for the semantic stage: written with each generation, stamped with the model."""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from search.embedding import DIMENSIONS, Encoder, Stamp, Vectors, page_vectors
from search.indexing.store import VECTOR_ROWS, VECTORS, read_manifest
from search.pages import Page

log = logging.getLogger(__name__)


def _previous_rows(previous: Path | None, stamp: Stamp) -> dict[tuple[str, str], Vectors]:
    """Vectors of the previous generation by (slug, content hash), when the same model made them."""
    if previous is None:
        return {}
    try:
        if read_manifest(previous).get("vectors") != stamp.as_dict():
            return {}
        rows = _rows(previous)
        with np.load(previous / VECTORS) as data:
            return {
                (str(slug), str(digest)): rows[i]
                for i, (slug, digest) in enumerate(zip(data["slugs"], data["hashes"], strict=True))
            }
    except Exception as exc:  # a damaged file only costs re-encoding, never the build
        log.warning("page vectors of %s unreadable (%s); encoding every page again", previous.name, exc)
        return {}


def write_vectors(
    work: Path, pages: Sequence[Page], hashes: Mapping[str, str], encoder: Encoder, previous: Path | None
) -> Stamp:
    """Encode the pages that changed, reuse the rest, and write them beside the index."""
    reuse = _previous_rows(previous, encoder.stamp)
    out = np.zeros((len(pages), DIMENSIONS), dtype=np.float32)
    todo: list[int] = []
    for i, page in enumerate(pages):
        kept = reuse.get((page.slug, hashes[page.slug]))
        if kept is None:
            todo.append(i)
        else:
            out[i] = kept
    if todo:
        out[todo] = page_vectors(encoder, [pages[i] for i in todo])
    np.savez(work / VECTORS, slugs=np.array([p.slug for p in pages]), hashes=np.array([hashes[p.slug] for p in pages]))
    np.save(work / VECTOR_ROWS, out)
    return encoder.stamp


def _rows(generation: Path) -> Vectors:
    """Every page vector in memory (an older generation keeps them inside its archive)."""
    if (generation / VECTOR_ROWS).is_file():
        rows: Vectors = np.load(generation / VECTOR_ROWS)
        return rows
    with np.load(generation / VECTORS) as data:
        return np.asarray(data["vectors"], dtype=np.float32)


class VectorRows:
    """Page vectors left in their file: the rows a query compares are read when it compares them.

    A 100,000-page generation holds 200 MB of vectors and a query compares a few dozen rows. A
    memory map of the file grew into most of it in every worker (the kernel maps 64 KiB around each
    fault of a cached file); `os.pread` of the rows asked costs microseconds and no memory.
    """

    CHUNK = 8192  # rows per read when every page is compared (a query no word matched)

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            major, _ = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            start = handle.tell()
        if len(shape) != 2 or fortran or dtype != np.dtype(np.float32):
            raise ValueError(f"{path.name} holds {dtype} rows of shape {shape}, not float32 rows")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self._start, self._width = start, self.shape[1] * 4
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)  # open as long as the generation serves

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, docs: npt.ArrayLike) -> Vectors:
        """The rows of the given documents, in that order."""
        wanted = np.asarray(docs, dtype=np.int64).reshape(-1)
        out = np.empty((len(wanted), self.shape[1]), dtype=np.float32)
        for i, doc in enumerate(wanted.tolist()):
            if not 0 <= doc < self.shape[0]:
                raise IndexError(f"page {doc} of {self.shape[0]}")
            out[i] = np.frombuffer(os.pread(self._fd, self._width, self._start + doc * self._width), np.float32)
        return out

    def __matmul__(self, query: Vectors) -> Vectors:
        """Every page's vector times the query, read a chunk of rows at a time."""
        out = np.empty(self.shape[0], dtype=np.float32)
        for first in range(0, self.shape[0], self.CHUNK):
            count = min(self.CHUNK, self.shape[0] - first)
            raw = os.pread(self._fd, count * self._width, self._start + first * self._width)
            out[first : first + count] = np.frombuffer(raw, np.float32).reshape(count, self.shape[1]) @ query
        return out


PageVectors = Vectors | VectorRows  # what the semantic stage compares: rows in memory, or in their file


def read_vectors(generation: Path, slugs: Sequence[str], stamp: Stamp, in_memory: int) -> PageVectors | None:
    """The generation's page vectors in `slugs` order, or None when this model did not make them.

    Up to `in_memory` pages (each compared on every query) they are read whole; beyond that, the
    rows are read as they are compared.
    """
    made_by = read_manifest(generation).get("vectors")
    if made_by is None:
        return None
    if made_by != stamp.as_dict():
        log.warning(
            "page vectors of %s were made by %s, not %s: semantic stage off until `condsearch index` rebuilds them",
            generation.name,
            made_by,
            stamp.as_dict(),
        )
        return None
    with np.load(generation / VECTORS) as data:
        stored = data["slugs"]
    in_order = len(stored) == len(slugs) and all(str(a) == b for a, b in zip(stored, slugs, strict=True))
    if in_order and len(slugs) > in_memory and (generation / VECTOR_ROWS).is_file():
        return VectorRows(generation / VECTOR_ROWS)  # written in doc order (every build does)
    matrix = _rows(generation)
    if in_order:
        return matrix
    row = {str(slug): i for i, slug in enumerate(stored)}
    return matrix[np.fromiter((row[s] for s in slugs), dtype=np.int64, count=len(slugs))]
