"""Snippets: the sentence of a page that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import stem, surface_words, tokens
from search.pages import Page, body_text

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_CHARS = 220
SHOWN_CACHE = 4096  # sentences whose word offsets are kept: the few shown most (a page's summary, mostly)


@dataclass(frozen=True)
class Sentence:
    """A candidate snippet, trimmed, with the stems of its words: computed once per page."""

    text: str
    stems: frozenset[str]


@dataclass(frozen=True)
class Sentences:
    """A page's candidate snippet sentences, its summary first, and which of them hold each stem."""

    items: tuple[Sentence, ...]
    # Stem -> positions in `items`: a query's few terms find their sentences without reading the
    # hundred or so a page has, once for every hit of every query.
    holding: Mapping[str, tuple[int, ...]]


def _sentence(text: str) -> Sentence:
    # What a sentence can match is judged on the whole of it, not only the part shown. Offsets are
    # found only for the sentence a snippet shows (most candidates are never shown).
    return Sentence(_trim(text), frozenset(map(stem, surface_words(text))))


def sentences(page: Page) -> Sentences:
    """A page's candidate snippet sentences with their stems, computed once per generation."""
    texts: Iterable[str] = (*page.symptoms, *SENTENCE.split(body_text(page)))
    items = (_sentence(page.summary), *(_sentence(t) for t in texts if t and len(t) >= 20))
    holding: dict[str, list[int]] = {}
    for i, sentence in enumerate(items):
        for word in sentence.stems:
            holding.setdefault(word, []).append(i)
    return Sentences(items, {word: tuple(at) for word, at in holding.items()})


def snippet(candidates: Sentences, terms: Collection[str]) -> str:
    """HTML-safe text with <mark> around matched words; the summary when nothing matches.

    The sentence holding the most of the terms wins, the earliest of equals; a summary shorter than
    a sentence competes only as the fallback.
    """
    wanted = set(terms)
    first = 0 if len(candidates.items[0].text) >= 20 else 1
    counts: Counter[int] = Counter(i for term in wanted for i in candidates.holding.get(term, ()) if i >= first)
    best = candidates.items[0]
    if counts:
        most = max(counts.values())
        best = candidates.items[min(i for i, n in counts.items() if n == most)]
    return _mark(best, wanted)


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit(" ", 1)[0] + " …"


@lru_cache(maxsize=SHOWN_CACHE)
def _spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """Each word's offsets and stem: a shown sentence was tokenised anew for every query (a fifth of a search)."""
    return tuple((token.start, token.end, stem(token.word)) for token in tokens(text))


def _mark(sentence: Sentence, terms: Collection[str]) -> str:
    out: list[str] = []
    last = 0
    text = sentence.text
    for start, end, stemmed in _spans(text):
        if start >= last and stemmed in terms:
            out.append(html.escape(text[last:start]))
            out.append(f"<mark>{html.escape(text[start:end])}</mark>")
            last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def mark(text: str, terms: Collection[str]) -> str:
    """Escape the text, then wrap words whose stem is in `terms` in <mark> (offsets from the tokenizer)."""
    return _mark(Sentence(text, frozenset()), terms)
