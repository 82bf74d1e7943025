"""Snippets: the sentence of a page that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
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


Sentences = tuple[Sentence, ...]  # the page's summary first, then its other candidate sentences


def _sentence(text: str) -> Sentence:
    # What a sentence can match is judged on the whole of it, not only the part shown. Offsets are
    # found only for the sentence a snippet shows (most candidates are never shown).
    return Sentence(_trim(text), frozenset(map(stem, surface_words(text))))


def sentences(page: Page) -> Sentences:
    """A page's candidate snippet sentences with their stems, computed once per generation."""
    texts: Iterable[str] = (*page.symptoms, *SENTENCE.split(body_text(page)))
    return (_sentence(page.summary), *(_sentence(t) for t in texts if t and len(t) >= 20))


def snippet(candidates: Sentences, terms: Collection[str]) -> str:
    """HTML-safe text with <mark> around matched words; the summary when nothing matches."""
    wanted = set(terms)
    best, best_score = candidates[0], 0
    for sentence in candidates if len(candidates[0].text) >= 20 else candidates[1:]:
        score = len(sentence.stems & wanted)
        if score > best_score:
            best, best_score = sentence, score
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
