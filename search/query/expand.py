"""Expand: Corrected -> Plan, adding lexicon synonyms of the corrected words and the phrase texts."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from search.analysis import is_stop, stem
from search.lexicon import Lexicon
from search.query.clauses import Alt, Clause, Origin
from search.query.config import ExpandWeights
from search.query.correct import Corrected
from search.query.parse import ParsedQuery


@dataclass(frozen=True)
class Plan:
    """What the query became: clauses to score, what was corrected and expanded, texts to compare."""

    query: ParsedQuery
    clauses: tuple[Clause, ...]
    corrections: tuple[tuple[str, str], ...]
    synonyms: tuple[tuple[str, str], ...]
    corrected_text: str  # the content words as corrected (what analytics groups by)
    phrase_texts: tuple[tuple[str, float], ...]
    unusable: tuple[str, ...] = ()  # typed words nothing in the index or lexicon could stand for
    suggested_text: str = ""  # every typed word, negations kept, corrections applied: "did you mean"
    misspelled: int = 0  # corrected words that are no word of the language

    @property
    def long(self) -> bool:
        """Whether the query is a description (scored as a bag of words)."""
        return self.query.long


def expand(
    corrected: Corrected,
    lexicon: Lexicon,
    vocabulary: Collection[str],
    weights: ExpandWeights,
    idf: Callable[[str], float | None] = lambda term: None,
) -> Plan:
    """Add a clause per lexicon span of the corrected words; the whole query and its correction
    become phrase texts."""
    query = corrected.query
    words = list(corrected.words)
    synonyms, lexicon_clauses, phrase_texts = _expand(words, lexicon, vocabulary, weights, idf)
    phrase_texts.insert(0, (query.text, 1.0))
    suggested = apply_corrections(query.words, corrected.corrections) if corrected.corrections else ""
    if suggested:
        phrase_texts.insert(1, (suggested, weights.corrected_phrase))
    # A word a lexicon entry covered was usable after all.
    covered = {w for c in lexicon_clauses for w in c.word.split()}
    return Plan(
        query=query,
        clauses=corrected.clauses + tuple(lexicon_clauses),
        corrections=corrected.corrections,
        synonyms=tuple(synonyms),
        corrected_text=" ".join(words),
        phrase_texts=tuple(phrase_texts),
        unusable=tuple(w for w in corrected.unusable if w not in covered),
        suggested_text=suggested,
        misspelled=corrected.misspelled,
    )


def apply_corrections(words: tuple[str, ...], corrections: tuple[tuple[str, str], ...]) -> str:
    """The typed words (stop words and negations kept) with each correction, joins too, applied."""
    fixes = dict(corrections)
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in fixes:
            out.append(fixes[pair])
            i += 2
        else:
            out.append(fixes.get(words[i], words[i]))
            i += 1
    return " ".join(out)


def _expand(
    words: list[str],
    lexicon: Lexicon,
    vocabulary: Collection[str],
    weights: ExpandWeights,
    idf: Callable[[str], float | None],
) -> tuple[list[tuple[str, str]], list[Clause], list[tuple[str, float]]]:
    """Lexicon spans of the (corrected) words -> synonym clauses and phrase texts."""
    keys = [stem(w) for w in words if not is_stop(w)]
    surface = [w for w in words if not is_stop(w)]
    base = weights.synonym
    synonyms: list[tuple[str, str]] = []
    clauses: list[Clause] = []
    phrases: list[tuple[str, float]] = []
    typed = set(keys)
    for start in range(len(keys)):
        for n in range(min(lexicon.longest, len(keys) - start), 0, -1):
            span = tuple(keys[start : start + n])
            expansions = lexicon.lookup(span)
            if not expansions:
                continue
            alts = []
            typed_idfs = [x for x in map(idf, span) if x is not None]
            cap = max(typed_idfs) if typed_idfs else None
            source = " ".join(surface[start : start + n])
            for exp in expansions:
                terms = tuple(t for t in exp.terms if t in vocabulary)
                if not terms or set(exp.terms) <= typed or set(span) < set(exp.terms):
                    # Nothing new, or only narrowing words added to what was typed
                    # ("neuropathy" -> "peripheral neuropathy"): a specialisation, not a synonym.
                    continue
                weight = base * (1.0 + weights.synonym_span_bonus * (n - 1)) * len(terms) / len(exp.terms)
                alts.append(Alt(exp.terms, weight, Origin.SYNONYM, source, exp.text, idf_cap=cap))
                synonyms.append((source, exp.text))
                phrases.append((exp.text, weights.whole_query_synonym if n == len(keys) else base))
            if alts:
                clauses.append(Clause(tuple(alts), source))
    return synonyms, clauses, phrases
