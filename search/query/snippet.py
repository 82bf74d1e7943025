"""Snippets: the sentence of a page that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from search.analysis import stem, tokens
from search.pages import Page, body_text

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_CHARS = 220


@dataclass(frozen=True)
class Sentence:
    """A candidate snippet, trimmed, with each word's stem and offsets: tokenized once per page."""

    text: str
    stems: frozenset[str]
    words: tuple[tuple[int, int, str], ...]  # (start, end, stem) in `text`


Sentences = tuple[Sentence, ...]  # the page's summary first, then its other candidate sentences


def _sentence(text: str) -> Sentence:
    trimmed = _trim(text)
    words = tuple((t.start, t.end, stem(t.word)) for t in tokens(trimmed))
    # What a sentence can match is judged on the whole of it, not only the part shown.
    stems = frozenset(stem(t.word) for t in tokens(text)) if trimmed != text else frozenset(w[2] for w in words)
    return Sentence(trimmed, stems, words)


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


def _mark(sentence: Sentence, terms: Collection[str]) -> str:
    out: list[str] = []
    last = 0
    text = sentence.text
    for start, end, word_stem in sentence.words:
        if start >= last and word_stem in terms:
            out.append(html.escape(text[last:start]))
            out.append(f"<mark>{html.escape(text[start:end])}</mark>")
            last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def mark(text: str, terms: Collection[str]) -> str:
    """Escape the text, then wrap words whose stem is in `terms` in <mark> (offsets from the tokenizer)."""
    return _mark(Sentence(text, frozenset(), tuple((t.start, t.end, stem(t.word)) for t in tokens(text))), terms)
