"""Parse: raw user text -> folded words; user text is never query syntax."""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import KEEP_WORDS, fold, is_stop, surface_words

MAX_CHARS = 2000  # longer input is cut: a pasted essay must not cost more than a paragraph
MAX_WORDS = 80
LONG_QUERY_WORDS = 12


@dataclass(frozen=True)
class ParsedQuery:
    """The user's words, and whether the last one may still be being typed."""

    raw: str
    text: str
    words: tuple[str, ...]
    content: tuple[str, ...]
    partial_last: bool
    long: bool


def parse(raw: str) -> ParsedQuery:
    """Fold and split the query; `*`, `title:x`, quotes and AND/OR/NOT are plain words."""
    raw = raw[:MAX_CHARS]
    words = tuple(surface_words(raw))[:MAX_WORDS]
    content = tuple(w for w in words if not is_stop(w))
    long = len(content) > LONG_QUERY_WORDS
    if long:
        # In a pasted description "not", "in", "after" are narrative, not qualifiers.
        content = tuple(w for w in content if w not in KEEP_WORDS)
    trimmed = raw.rstrip()
    partial = bool(words) and trimmed == raw and bool(trimmed) and trimmed[-1].isalnum()
    return ParsedQuery(
        raw=raw,
        text=" ".join(words),
        words=words,
        content=content,
        partial_last=partial and not long,
        long=long,
    )


__all__ = ["ParsedQuery", "fold", "parse"]
