"""Snippets: the sentence of a page that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from functools import lru_cache

from search.analysis import fold, stem
from search.pages import Page, body_text

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F'’]+")
MAX_CHARS = 220


Sentences = tuple[tuple[str, frozenset[str]], ...]


def sentences(page: Page) -> Sentences:
    """A page's candidate snippet sentences with their stems, computed once per generation."""
    texts: Iterable[str] = (page.summary, *page.symptoms, *SENTENCE.split(body_text(page)))
    return tuple((t, _stems(t)) for t in texts if t and len(t) >= 20)


def _stems(text: str) -> frozenset[str]:
    # Fold the sentence once, not word by word: this runs for every sentence of a page shown.
    return frozenset(stem(w.replace("'", "")) for w in WORD.findall(fold(text)))


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


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """The index term of a displayed word (cached: the same words recur on every results page)."""
    return stem(fold(word).replace("'", ""))


def mark(text: str, terms: Collection[str]) -> str:
    """Escape the text, then wrap words whose stem is in `terms` in <mark>."""
    out: list[str] = []
    last = 0
    for match in WORD.finditer(text):
        if _key(match.group()) in terms:
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
