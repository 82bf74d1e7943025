"""As-you-type suggestions: titles, search phrases and aliases completed from a prefix, typo-tolerant."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from search.analysis import surface_words
from search.language import detect_language
from search.pages import Page
from search.query.typos import Corrector

KIND_RANK = {"title": 0, "alias": 1, "phrase": 2}


@dataclass(frozen=True, slots=True)  # 200,000 of them at 100,000 pages: no dict each
class Suggestion:
    """One completion the box can offer."""

    text: str
    slug: str
    title: str
    kind: str  # "title", "phrase" or "alias"
    url: str = ""  # the page's address on the site


@dataclass(frozen=True)
class SuggestIndex:
    """Suggestion entries with an inverted index from word to entries, built per generation."""

    entries: tuple[Suggestion, ...]
    heads: tuple[str, ...]
    postings: dict[str, array[int]]  # word -> entries holding it (machine ints, not a tuple of objects)
    sorted_words: tuple[str, ...]


def build_suggest_index(pages: Sequence[Page]) -> SuggestIndex:
    """Every title, alias and search phrase of the pages, ready for prefix lookups."""
    entries: list[Suggestion] = []
    heads: list[str] = []
    postings: dict[str, array[int]] = defaultdict(lambda: array("i"))
    seen: set[tuple[str, str]] = set()
    for page in pages:
        items = [(page.title, "title")]
        items += [(a, "alias") for a in page.aliases]
        items += [(p, "phrase") for p in page.search_phrases]
        for text, kind in items:
            folded = surface_words(text)  # once per entry: 200,000 of them at 100,000 pages
            key = (" ".join(folded), page.slug)
            if key[0] and key not in seen:
                seen.add(key)
                for word in frozenset(folded):
                    postings[word].append(len(entries))
                entries.append(Suggestion(text, page.slug, page.title, kind, page.href))
                heads.append(key[0])
    return SuggestIndex(
        entries=tuple(entries), heads=tuple(heads), postings=dict(postings), sorted_words=tuple(sorted(postings))
    )


def _prefixed(index: SuggestIndex, prefix: str) -> set[int]:
    """Entries with a word starting with `prefix`."""
    out: set[int] = set()
    start = bisect_left(index.sorted_words, prefix)
    for word in index.sorted_words[start:]:
        if not word.startswith(prefix):
            break
        out.update(index.postings[word])
    return out


def _word_matches(index: SuggestIndex, word: str, corrector: Corrector, partial: bool, language: str) -> set[int]:
    """Entries containing the word (as a prefix when partial), or its typo corrections."""
    found = _prefixed(index, word) if partial else set(index.postings.get(word, ()))
    if found or len(word) < 4:
        return found
    for fix in corrector.correct(word, 2, language):
        for part in fix.word.split():
            found |= _prefixed(index, part) if partial else set(index.postings.get(part, ()))
    if found or not partial or corrector.written_on_purpose(word):
        return found  # a listed name ("cigna") is a whole word, not an unfinished one with a typo
    # An unfinished word with a typo: match entries whose words are within reach of it.
    for fix in corrector.correct(word[:-1], 2, language) if len(word) > 4 else ():
        found |= _prefixed(index, fix.word)
    if not found:
        # The typo is in the part typed so far ("nuero", "fibromia"): same length rules as words.
        for completion in corrector.fuzzy_completions(word, 6, language):
            found |= _prefixed(index, completion)
    return found


def suggest(index: SuggestIndex, corrector: Corrector, raw: str, limit: int = 8) -> list[Suggestion]:
    """Completions for what the user has typed so far; every typed word must be matched."""
    words = surface_words(raw)
    if not words:
        return []
    partial = not raw[-1:].isspace()
    language = detect_language(raw)
    candidates: set[int] | None = None
    for i, word in enumerate(words):
        last = i == len(words) - 1
        matches = _word_matches(index, word, corrector, (partial and last) or len(word) < 3, language)
        candidates = matches if candidates is None else candidates & matches
        if not candidates:
            return []
    assert candidates is not None
    typed = " ".join(words)
    ranked = sorted(
        candidates,
        key=lambda i: (
            not index.heads[i].startswith(typed),
            KIND_RANK[index.entries[i].kind],
            len(index.entries[i].text),
            index.entries[i].text,
        ),
    )
    out: list[Suggestion] = []
    seen_text: set[str] = set()
    for i in ranked:
        entry = index.entries[i]
        if entry.text.lower() in seen_text:
            continue
        seen_text.add(entry.text.lower())
        out.append(entry)
        if len(out) >= limit:
            break
    return out
