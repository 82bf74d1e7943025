"""Page vectors for the semantic stage: written with each generation, stamped with the model."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

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
    """The page vectors, memory-mapped: a server touches only the rows it compares (and shares them).

    A generation written before the rows had their own file keeps them inside the archive.
    """
    if (generation / VECTOR_ROWS).is_file():
        return np.asarray(np.load(generation / VECTOR_ROWS, mmap_mode="r"))
    with np.load(generation / VECTORS) as data:
        return np.asarray(data["vectors"], dtype=np.float32)


def read_vectors(generation: Path, slugs: Sequence[str], stamp: Stamp) -> Vectors | None:
    """The generation's page vectors in `slugs` order, or None when this model did not make them."""
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
    matrix = _rows(generation)
    if len(stored) == len(slugs) and all(str(a) == b for a, b in zip(stored, slugs, strict=True)):
        return matrix  # written in doc order (every build does): no copy of 100,000 rows
    row = {str(slug): i for i, slug in enumerate(stored)}
    return matrix[np.fromiter((row[s] for s in slugs), dtype=np.int64, count=len(slugs))]
