"""The lay <-> clinical lexicon: load and validate data/lexicon/*.yaml, expand query spans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from search.analysis import fold, is_stop, stem, surface_words
from search.errors import LexiconError
from search.pages import Page


@dataclass(frozen=True)
class Expansion:
    """One target a lexicon key expands to."""

    text: str
    terms: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Lexicon:
    """Keys (stemmed word tuples) -> expansions; `words` feeds the typo corrector."""

    entries: Mapping[tuple[str, ...], tuple[Expansion, ...]]
    words: frozenset[str]
    longest: int
    size: int

    def lookup(self, key: tuple[str, ...]) -> tuple[Expansion, ...]:
        """Expansions of a stemmed word tuple (empty when none)."""
        return self.entries.get(key, ())


def key_of(phrase: str) -> tuple[str, ...]:
    """The lookup key of a phrase: its stemmed non-stop words."""
    return tuple(stem(w) for w in surface_words(phrase) if not is_stop(w))


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


def parse_entries(data: object, source: str) -> list[tuple[list[str], list[str]]]:
    """(from, to) pairs of one lexicon document; a two-way entry gives one pair per term."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{source}: expected a mapping with an `entries:` list at the top")
    pairs: list[tuple[list[str], list[str]]] = []
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
            pairs.extend(([t], [o for o in terms if o != t]) for t in terms)
        else:
            pairs.append((_terms(entry, "from", where), _terms(entry, "to", where)))
    return pairs


def build_lexicon(pairs: Iterable[tuple[list[str], list[str], str]]) -> Lexicon:
    """Index (from, to, source) triples by the stemmed key of each `from` term."""
    table: dict[tuple[str, ...], dict[tuple[str, ...], Expansion]] = defaultdict(dict)
    words: set[str] = set()
    count = 0
    for sources, targets, origin in pairs:
        count += 1
        for term in sources + targets:
            words.update(w for w in surface_words(term) if not is_stop(w))
        for source in sources:
            key = key_of(source)
            for target in targets:
                terms = key_of(target)
                if terms and terms != key:
                    table[key].setdefault(terms, Expansion(target, terms, origin))
    entries = {k: tuple(v.values()) for k, v in table.items()}
    return Lexicon(
        entries=MappingProxyType(entries),
        words=frozenset(words),
        longest=max((len(k) for k in entries), default=0),
        size=count,
    )


def load_lexicon(folder: Path, pages: Iterable[Page] = (), ambiguous: Collection[str] = ()) -> Lexicon:
    """Load every YAML file of `folder`, plus each page's aliases as one-way entries to its title.

    An all-caps alias that is also an everyday word (`ambiguous`, e.g. "SAD") is left out: in
    lower case the word means itself.
    """
    triples: list[tuple[list[str], list[str], str]] = []
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise LexiconError(f"{path}{line}: not valid YAML; check indentation and quoting") from None
        triples.extend((f, t, path.name) for f, t in parse_entries(data, str(path)))
    for page in pages:
        title = fold(page.title)
        for alias in page.aliases:
            if key_of(alias) and not (alias.isupper() and alias.lower() in ambiguous):
                triples.append(([fold(alias)], [title], f"page:{page.slug}"))
    return build_lexicon(triples)


__all__ = ["Expansion", "Lexicon", "LexiconError", "key_of", "load_lexicon", "parse_entries"]
