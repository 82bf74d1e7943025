"""Snippets: the sentence of a page that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

from search.analysis import stem, tokens
from search.pages import Page, body_text

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_CHARS = 220


Sentences = tuple[tuple[str, frozenset[str]], ...]


def sentences(page: Page) -> Sentences:
    """A page's candidate snippet sentences with their stems, computed once per generation."""
    texts: Iterable[str] = (page.summary, *page.symptoms, *SENTENCE.split(body_text(page)))
    return tuple((t, _stems(t)) for t in texts if t and len(t) >= 20)


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(t.word) for t in tokens(text))


def snippet(summary: str, candidates: Sentences, terms: Collection[str]) -> str:
    """HTML-safe text with <mark> around matched words; the summary when nothing matches."""
    wanted = set(terms)
    best, best_score = summary, 0
    for sentence, stems in candidates:
        score = len(stems & wanted)
        if score > best_score:
            best, best_score = sentence, score
    return mark(_trim(best), wanted)


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit(" ", 1)[0] + " …"


def mark(text: str, terms: Collection[str]) -> str:
    """Escape the text, then wrap words whose stem is in `terms` in <mark> (offsets from the tokenizer)."""
    out: list[str] = []
    last = 0
    for token in tokens(text):
        if token.start >= last and stem(token.word) in terms:
            out.append(html.escape(text[last : token.start]))
            out.append(f"<mark>{html.escape(text[token.start : token.end])}</mark>")
            last = token.end
    out.append(html.escape(text[last:]))
    return "".join(out)
