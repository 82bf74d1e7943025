"""Parse: raw user text -> folded words (a ParsedQuery); user text is never query syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.analysis import KEEP_WORDS, is_stop, surface_words
from search.language import detect_language
from search.query.config import ParseRules


@dataclass(frozen=True)
class ParsedQuery:
    """The user's words, and whether the last one may still be being typed."""

    raw: str
    text: str
    words: tuple[str, ...]
    content: tuple[str, ...]
    partial_last: bool
    long: bool
    language: str = "en"  # "en" or "es"


# The longest query accepted, everywhere (API, page, parser): a description of symptoms fits.
MAX_QUERY_CHARS = 2000

# Pasted addresses and numbers (links, e-mails, phone, ID and card numbers, years) say nothing
# about a condition: they are not searched. Short numbers stay ("type 2"), and so do ICD-11 codes.
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+")
LONG_NUMBER = re.compile(r"^\d{3,}$")


def parse(raw: str, rules: ParseRules) -> ParsedQuery:
    """Fold and split the query; `*`, `title:x`, quotes and AND/OR/NOT are plain words."""
    raw = raw[:MAX_QUERY_CHARS]
    words = tuple(w for w in surface_words(NOISE.sub(" ", raw)) if not LONG_NUMBER.match(w))[: rules.max_words]
    content = tuple(w for w in words if not is_stop(w))
    long = len(content) > rules.long_query_words
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
        language=detect_language(raw) if words else "en",
    )
