"""The page nearest to a failed search, found by the real pipeline, and whether it fits well enough to propose."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from search.query.searcher import Searcher


@dataclass(frozen=True)
class Nearest:
    """The page the pipeline ranks first for a text (or suggests), its confidence, file, and whether it fits."""

    slug: str
    title: str
    score: float | None
    file: str
    fits: bool


def page_file(conditions_dir: Path, slug: str) -> str:
    """The page's Markdown file, relative to the working directory when it lives under it."""
    path = conditions_dir / f"{slug}.md"
    if not path.exists():
        return f"the page {slug}"
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def nearest_page(searcher: Searcher, conditions_dir: Path, text: str) -> Nearest | None:
    """The top hit for the text, or else its first suggestion; None when nothing comes close.

    It fits only when the pipeline would answer with it (kind "match") and its own confidence clears the
    unmatched threshold: the nearest of poor candidates is no place to add a phrase.
    """
    result = searcher.search(text, limit=1)  # slugs, not document numbers: safe across a reload
    if result.hits:
        hit = result.hits[0]
        fits = result.kind == "match" and hit.confidence >= searcher.unmatched_threshold
        return Nearest(hit.slug, hit.title, hit.confidence, page_file(conditions_dir, hit.slug), fits)
    found = searcher.suggest(text, 1)
    if found:
        return Nearest(found[0].slug, found[0].title, None, page_file(conditions_dir, found[0].slug), False)
    return None
