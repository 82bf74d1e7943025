"""Pages as a generation keeps them: every page's header in memory, whole pages read on demand.

A 100,000-page corpus holds a few hundred MB of prose that a query reads only for the ten pages it
shows. The build writes each page as one JSON line (`pages.jsonl`, with its byte offsets) and the
headers apart (`pages.heads.json`); the server reads a page's line when it is shown and decodes it,
keeping the pages shown most recently.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.pages import Page, page_from_dict, page_to_dict

PREFIX = "pages."  # every shelf file's name starts so: rewritten by each build, never hard-linked
LINES = f"{PREFIX}jsonl"
OFFSETS = f"{PREFIX}offsets.npy"
HEADS = f"{PREFIX}heads.json"
WHOLE_ONLY = ("sections", "faq", "references")  # what a header leaves out: the prose
DECODED = 512  # whole pages kept decoded; snippets keep their own sentences, so this serves page views


def head_of(page: Page) -> Page:
    """The page without its prose: what listing, naming, suggesting and ranking read."""
    return replace(page, sections=(), faq=(), references=())


def write_shelf(folder: Path, pages: Sequence[Page]) -> None:
    """Write the pages (in document order) as JSON lines with their offsets, and their headers."""
    offsets = [0]
    heads = []
    with (folder / LINES).open("wb") as out:
        for page in pages:
            data = page_to_dict(page)
            line = json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"
            out.write(line)
            offsets.append(offsets[-1] + len(line))
            heads.append({k: v for k, v in data.items() if k not in WHOLE_ONLY})
    np.save(folder / OFFSETS, np.array(offsets, dtype=np.int64))
    (folder / HEADS).write_text(json.dumps(heads, ensure_ascii=False), encoding="utf-8")


def has_shelf(folder: Path) -> bool:
    """Whether the generation was written with a shelf (older ones keep pages in whoosh only)."""
    return (folder / HEADS).is_file()


class PageShelf:
    """Every page's header, and whole pages by document number through a bounded cache."""

    def __init__(self, heads: tuple[Page, ...], read: Callable[[int], Page]) -> None:
        self.heads = heads
        self.page: Callable[[int], Page] = lru_cache(maxsize=DECODED)(read)

    def __len__(self) -> int:
        return len(self.heads)


def open_shelf(folder: Path) -> PageShelf:
    """The shelf the build wrote into `folder`: headers decoded now, whole pages when asked."""
    heads = tuple(page_from_dict(d) for d in json.loads((folder / HEADS).read_text(encoding="utf-8")))
    offsets = np.load(folder / OFFSETS)
    if len(offsets) != len(heads) + 1:
        raise ValueError(f"{OFFSETS} holds {len(offsets) - 1} pages, {HEADS} {len(heads)}")
    # Read, not memory-mapped: the kernel maps 64 KiB around every page fault of a cached file, so a
    # map of the lines grew into most of the file in each worker's RSS (146 of 167 MiB at 100,000 pages).
    fd = os.open(folder / LINES, os.O_RDONLY)

    def read(doc: int) -> Page:
        start, end = int(offsets[doc]), int(offsets[doc + 1])
        return page_from_dict(json.loads(os.pread(fd, end - start, start)))

    shelf = PageShelf(heads, read)
    weakref.finalize(shelf, os.close, fd)  # the file stays open as long as the generation serves
    return shelf


def shelf_of(pages: Sequence[Page]) -> PageShelf:
    """A shelf over pages already decoded (a generation built before shelves)."""
    return PageShelf(tuple(head_of(page) for page in pages), pages.__getitem__)
