"""The lay <-> clinical lexicon: load and validate data/lexicon/*.yaml, expand query spans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

from search.analysis import fold, is_stop, stem, surface_words
from search.errors import LexiconError
from search.language import zipf
from search.pages import Page
from search.yamltext import load_yaml


@dataclass(frozen=True)
class Expansion:
    """One target a lexicon key expands to."""

    text: str
    terms: tuple[str, ...]
    source: str


TWO_WAY = " (two-way)"  # marks a triple from a `synonyms:` entry


@dataclass(frozen=True)
class Lexicon:
    """Keys (stemmed word tuples) -> expansions; `words` feeds the typo corrector."""

    entries: Mapping[tuple[str, ...], tuple[Expansion, ...]]
    words: frozenset[str]
    longest: int
    size: int
    phrases: frozenset[str] = frozenset()  # every term as written, for word-pair context
    # Words only a non-English file uses (`language: es`): known, never an English correction.
    foreign: frozenset[str] = frozenset()
    # Index terms of the one-word names in a `kind: medicines` file ("zolpidem", "lurasidone").
    medicines: frozenset[str] = frozenset()

    def lookup(self, key: tuple[str, ...]) -> tuple[Expansion, ...]:
        """Expansions of a stemmed word tuple (empty when none)."""
        return self.entries.get(key, ())


def key_of(phrase: str) -> tuple[str, ...]:
    """The lookup key of a phrase: its stemmed non-stop words."""
    return tuple(stem(w) for w in surface_words(phrase) if not is_stop(w))


def _analysed(phrase: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A phrase's lookup key and its non-stop words, from one split."""
    words = [w for w in surface_words(phrase) if not is_stop(w)]
    return tuple(stem(w) for w in words), frozenset(words)


def _check_term(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(f"{where}: {value!r} is not a term; write a word or phrase as text")
    if not key_of(value):
        raise LexiconError(f"{where}: {value!r} has only stop words; use a meaningful word or phrase")
    return fold(value.strip())


def _terms(entry: Mapping[str, object], name: str, where: str) -> list[str]:
    value = entry.get(name)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise LexiconError(f"{where}: `{name}` must be a non-empty list of terms, got {value!r}")
    return [_check_term(v, f"{where} `{name}`") for v in value]


def parse_entries(data: object, source: str) -> list[tuple[list[str], list[str], bool]]:
    """(from, to, two-way) of one lexicon document; a two-way entry gives one triple per term."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{source}: expected a mapping with an `entries:` list at the top")
    pairs: list[tuple[list[str], list[str], bool]] = []
    for number, entry in enumerate(data["entries"], start=1):
        where = f"{source} entry {number}"
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: expected `synonyms: [...]` or `from: [...]` + `to: [...]`")
        unknown = set(entry) - {"synonyms", "from", "to", "note"}
        if unknown:
            raise LexiconError(f"{where}: unknown key(s) {sorted(unknown)}; use synonyms, from, to or note")
        if "synonyms" in entry:
            if "from" in entry or "to" in entry:
                raise LexiconError(f"{where}: use either `synonyms` or `from`/`to`, not both")
            terms = _terms(entry, "synonyms", where)
            if len(set(terms)) < 2:
                raise LexiconError(f"{where}: `synonyms` needs at least two different terms")
            pairs.extend(([t], [o for o in terms if o != t], True) for t in terms)
        else:
            pairs.append((_terms(entry, "from", where), _terms(entry, "to", where), False))
    return pairs


def build_lexicon(pairs: Iterable[tuple[list[str], list[str], str]], foreign_sources: Collection[str] = ()) -> Lexicon:
    """Index (from, to, source) triples by the stemmed key of each `from` term.

    `foreign_sources` names the files written in another language than the pages: their words are
    known to the typo corrector but never offered to correct or complete an English query.
    """
    table: dict[tuple[str, ...], dict[tuple[str, ...], Expansion]] = defaultdict(dict)
    # Foreign words are the `from` words of foreign files that no English entry uses: their `to`
    # side is English ("surgery", "doctor") and stays a correction for English queries.
    english: set[str] = set()
    foreign: set[str] = set()
    phrases: set[str] = set()
    count = 0
    # A page's title is the target of each of its aliases: read each distinct term once, in one split.
    analysed = cache(_analysed)
    for sources, targets, origin in pairs:
        count += 1
        phrases.update(sources + targets)
        is_foreign = origin.removesuffix(TWO_WAY) in foreign_sources
        for term in sources + targets:
            if is_foreign and term in sources:
                foreign |= analysed(term)[1]
            else:
                english |= analysed(term)[1]
        for source in sources:
            key = analysed(source)[0]
            for target in targets:
                terms = analysed(target)[0]
                if terms and terms != key:
                    table[key].setdefault(terms, Expansion(target, terms, origin))
    entries = {k: tuple(v.values()) for k, v in table.items()}
    return Lexicon(
        entries=MappingProxyType(entries),
        words=frozenset(english | foreign),
        longest=max((len(k) for k in entries), default=0),
        size=count,
        phrases=frozenset(phrases),
        foreign=frozenset(foreign - english),
    )


def _documents(folder: Path) -> list[tuple[Path, object]]:
    """Every YAML file of the folder, parsed once."""
    documents: list[tuple[Path, object]] = []
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        try:
            documents.append((path, load_yaml(path.read_text(encoding="utf-8"))))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise LexiconError(f"{path}{line}: not valid YAML; check indentation and quoting") from None
    return documents


def _triples(
    documents: list[tuple[Path, object]], pages: Iterable[Page], ambiguous: Collection[str]
) -> list[tuple[list[str], list[str], str]]:
    triples: list[tuple[list[str], list[str], str]] = []
    for path, data in documents:
        # Two-way entries are marked in their origin: the generic-word check is about one-way ones.
        triples.extend((f, t, path.name + (TWO_WAY if both else "")) for f, t, both in parse_entries(data, str(path)))
    for page in pages:
        title = fold(page.title)
        for alias in page.aliases:
            if key_of(alias) and not (alias.isupper() and alias.lower() in ambiguous):
                triples.append(([fold(alias)], [title], f"page:{page.slug}"))
    return triples


def read_triples(
    folder: Path, pages: Iterable[Page] = (), ambiguous: Collection[str] = ()
) -> list[tuple[list[str], list[str], str]]:
    """(from terms, to terms, source) of every YAML file of `folder`, plus each page's aliases."""
    return _triples(_documents(folder), pages, ambiguous)


def load_lexicon(folder: Path, pages: Iterable[Page] = (), ambiguous: Collection[str] = ()) -> Lexicon:
    """Load every YAML file of `folder`, plus each page's aliases as one-way entries to its title.

    An all-caps alias that is also an everyday word (`ambiguous`, e.g. "SAD") is left out: in
    lower case the word means itself. A file whose `language:` is not English (the pages') is
    foreign: its words are known, never offered to correct an English query.
    """
    documents = _documents(folder)
    marked = {path.name: data for path, data in documents if isinstance(data, dict)}
    foreign = {name for name, data in marked.items() if data.get("language", "en") != "en"}
    medicine_files = {name for name, data in marked.items() if data.get("kind") == "medicines"}
    triples = _triples(documents, pages, ambiguous)
    medicines = medicine_terms(t for t in triples if t[2].removesuffix(TWO_WAY) in medicine_files)
    return replace(build_lexicon(triples, foreign), medicines=medicines)


# A medicine name this common in English is an everyday word too ("patch", "spray", "ice").
MEDICINE_MAX_ZIPF = 3.5


def medicine_terms(triples: Iterable[tuple[list[str], list[str], str]]) -> frozenset[str]:
    """The index terms of every one-word name of the given (from, to, source) triples."""
    terms: set[str] = set()
    for sources, targets, _ in triples:
        for name in (*sources, *targets):
            words = [w for w in surface_words(name) if not is_stop(w)]
            if len(words) == 1 and zipf(words[0], "en") < MEDICINE_MAX_ZIPF:
                terms.add(stem(words[0]))
    return frozenset(terms)


def generic_entries(
    triples: Iterable[tuple[list[str], list[str], str]],
    pages: Iterable[Page],
    is_everyday: Callable[[str], bool],
) -> list[str]:
    """Entries whose source is one everyday word (after stop words go) and whose target names one page.

    "pain all over" -> fibromyalgia keys on "pain" alone: every query with "pain" would lean to one
    page. Such a source needs a wording that keeps a second meaningful word.
    """
    # A page's names: its title and aliases, each as a set of index terms.
    names = [[set(key_of(name)) for name in (page.title, *page.aliases)] for page in pages]
    found = []
    for sources, targets, origin in triples:
        if origin.startswith("page:") or origin.endswith(TWO_WAY):
            continue  # a page's own aliases name it by design; true equivalents are not widenings
        for source in sources:
            key = key_of(source)
            words = [w for w in surface_words(source) if not is_stop(w)]
            if len(key) != 1 or not words or not is_everyday(words[0]):
                continue
            for target in targets:
                wanted = set(key_of(target))
                named = sum(1 for page in names if any(wanted and wanted <= name for name in page))
                if named == 1:
                    found.append(f"{origin}: {source!r} (read as {words[0]!r}) -> {target!r} names one page")
    return found


__all__ = [
    "Expansion",
    "Lexicon",
    "LexiconError",
    "generic_entries",
    "key_of",
    "load_lexicon",
    "parse_entries",
    "read_triples",
]
