"""Parse: raw user text -> folded words; user text is never query syntax."""

from __future__ import annotations

import re
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


# Pasted addresses and numbers (links, e-mails, phone, ID and card numbers, years) say nothing
# about a condition: they are not searched. Short numbers stay ("type 2"), and so do ICD-11 codes.
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+")
LONG_NUMBER = re.compile(r"^\d{3,}$")


def parse(raw: str) -> ParsedQuery:
    """Fold and split the query; `*`, `title:x`, quotes and AND/OR/NOT are plain words."""
    raw = raw[:MAX_CHARS]
    words = tuple(w for w in surface_words(NOISE.sub(" ", raw)) if not LONG_NUMBER.match(w))[:MAX_WORDS]
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
