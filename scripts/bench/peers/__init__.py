"""Peer engines a user might pick instead, each set up the plain way its documentation shows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from search.pages import Page, body_text

WORD = re.compile(r"[^\W_]+")
# Every peer weighs the same fields the same way, so that only the engines differ.
FIELD_WEIGHTS = {"title": 3.0, "aliases": 2.0, "body": 1.0}


@dataclass(frozen=True)
class Doc:
    """A page as every peer indexes it: title, the short names, and the prose."""

    slug: str
    title: str
    aliases: str  # aliases, search phrases and symptoms, " | "-joined
    body: str  # summary (when it is not the body's lead), body sections and FAQ


def to_doc(page: Page) -> Doc:
    """The peer view of one of our pages: the same text our index holds."""
    body = body_text(page)
    parts = [] if page.summary and page.summary in body else [page.summary]
    parts += [body, *(f"{f.question} {f.answer}" for f in page.faq)]
    return Doc(
        slug=page.slug,
        title=page.title,
        aliases=" | ".join((*page.aliases, *page.search_phrases, *page.symptoms)),
        body="\n".join(p for p in parts if p),
    )


def query_words(text: str) -> list[str]:
    """The words of a query, lower-cased, with every syntax character dropped: user text is never syntax."""
    return WORD.findall(text.lower())


class Peer(Protocol):
    """A peer engine with a lifetime: built once over a corpus, queried, then closed."""

    name: str

    def build(self, docs: Sequence[Doc], work: Path) -> None:
        """Index the docs in a folder of its own."""

    def search(self, text: str, limit: int) -> list[str]:
        """Slugs of the best `limit` docs for the query, best first."""

    def size_mb(self) -> float:
        """The index on disk."""

    def close(self) -> None:
        """Release files and processes."""
