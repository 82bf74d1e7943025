"""Correct and expand: typed words -> clauses of alternatives (typos, joins, prefixes, synonyms)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from search.analysis import KEEP_WORDS, is_stop, stem
from search.lexicon import Lexicon
from search.query.correct import Correction, Corrector
from search.query.parse import ParsedQuery
from search.query.retrieve import Alt, Clause

# Below the typed word's 1.0: exact matches outrank corrections, one typo outranks two.
TYPO_WEIGHT = {1: 0.8, 2: 0.62}
SOUND_WEIGHT = 0.6
SPLIT_WEIGHT = 0.75
JOIN_WEIGHT = 0.9
PREFIX_WEIGHT = 0.85
SYNONYM_WEIGHT = 0.5  # expansions always score below the words typed
WHOLE_QUERY_SYNONYM_WEIGHT = 0.85
LONG_SYNONYM_WEIGHT = 0.5
PREFIX_COMPLETIONS = 6
KNOWN_PREFIX_FACTOR = 0.8


@dataclass(frozen=True)
class Plan:
    """What the query became: clauses to score, what was corrected and expanded."""

    clauses: tuple[Clause, ...]
    corrections: tuple[tuple[str, str], ...]
    synonyms: tuple[tuple[str, str], ...]
    corrected_text: str
    phrase_texts: tuple[tuple[str, float], ...]
    unusable: tuple[str, ...] = ()  # typed words nothing in the index or lexicon could stand for


def _correction_alt(word: str, fix: Correction) -> Alt:
    weight = (
        SOUND_WEIGHT
        if fix.kind == "sound"
        else SPLIT_WEIGHT
        if fix.kind == "split"
        else TYPO_WEIGHT.get(fix.distance, 0.55)
    )
    terms = tuple(stem(w) for w in fix.word.split() if not is_stop(w))
    return Alt(terms, weight, "corrected", f"{word} -> {fix.word}")


def plan(
    query: ParsedQuery,
    corrector: Corrector,
    vocabulary: Collection[str],
    lexicon: Lexicon,
    idf: Callable[[str], float | None] = lambda term: None,
    ambiguous: Collection[str] = (),
) -> Plan:
    """Build the clauses: one per content word, plus joins of neighbours and lexicon spans."""
    clauses: list[Clause] = []
    corrections: list[tuple[str, str]] = []
    best_words: list[str] = []  # the query as corrected, for the lexicon and "did you mean"
    unusable: list[str] = []
    content = list(query.content)
    for i, word in enumerate(content):
        last = i == len(content) - 1
        term = stem(word)
        alts: list[Alt] = []
        known = term in vocabulary or corrector.known(word)
        if term in vocabulary:
            # "sad" typed in lower case is the word, not the abbreviation SAD: skip the alias field.
            lower_abbreviation = word in ambiguous and word.upper() not in query.raw
            skip = frozenset({"aliases"}) if lower_abbreviation else frozenset()
            alts.append(Alt((term,), 1.0, "typed", word, skip_fields=skip))
        if i + 1 < len(content) and not query.long:
            join = _join(word, content[i + 1], known, corrector)
            if join is not None:
                clauses.append(Clause((join,), join.label))
                corrections.append((f"{word} {content[i + 1]}", join.label.split(" -> ")[1]))
        if not known:
            fixes = corrector.correct(word)
            alts.extend(_correction_alt(word, fix) for fix in fixes)
            if fixes:
                corrections.append((word, fixes[0].word))
                best_words.extend(fixes[0].word.split())
            else:
                best_words.append(word)
        else:
            best_words.append(word)
        if last and query.partial_last and len(word) >= 2 and word not in KEEP_WORDS:
            completions = corrector.completions(word, PREFIX_COMPLETIONS)
            if not completions and not known and len(word) >= 4:
                # A mistyped unfinished word: complete its likeliest corrections' prefixes.
                for fix in corrector.correct(word, 2):
                    completions.extend(corrector.completions(fix.word, 3))
            # A word that is already whole ("year") is more likely finished than a prefix.
            base = PREFIX_WEIGHT * (KNOWN_PREFIX_FACTOR if known else 1.0)
            for rank, completion in enumerate(completions):
                label = f"{word}… -> {completion}"
                alts.append(Alt((stem(completion),), base - 0.03 * rank, "prefix", label))
        if alts:
            clauses.append(Clause(tuple(_dedupe(alts)), word))
        else:
            unusable.append(word)
    synonyms, lexicon_clauses, phrase_texts = _expand(
        best_words, lexicon, vocabulary, LONG_SYNONYM_WEIGHT if query.long else SYNONYM_WEIGHT, idf
    )
    clauses.extend(lexicon_clauses)
    corrected_text = " ".join(best_words)
    phrase_texts.insert(0, (query.text, 1.0))
    if corrections:
        phrase_texts.insert(1, (" ".join(_with_stops(query, corrections)), 0.9))
    # A word a lexicon entry covered was usable after all.
    covered = {w for c in lexicon_clauses for w in c.word.split()}
    return Plan(
        tuple(clauses),
        tuple(corrections),
        tuple(synonyms),
        corrected_text,
        tuple(phrase_texts),
        tuple(w for w in unusable if w not in covered),
    )


def _join(word: str, nxt: str, known: bool, corrector: Corrector) -> Alt | None:
    """Two typed words that are one word in the corpus ("after birth" -> "afterbirth")."""
    joined = word + nxt
    if corrector.known(joined):
        return Alt((stem(joined),), JOIN_WEIGHT, "joined", f"{word} {nxt} -> {joined}")
    if known and corrector.known(nxt):
        return None
    fixes = [c for c in corrector.correct(joined, 1) if c.kind == "typo"]
    if not fixes:
        return None
    return Alt((stem(fixes[0].word),), TYPO_WEIGHT[1], "joined", f"{word} {nxt} -> {fixes[0].word}")


def _with_stops(query: ParsedQuery, corrections: list[tuple[str, str]]) -> list[str]:
    """The typed words (stop words kept) with corrections applied, for phrase matching."""
    fixes = dict(corrections)
    return [fixes.get(w, w) for w in query.words]


def _dedupe(alts: list[Alt]) -> list[Alt]:
    best: dict[tuple[str, ...], Alt] = {}
    for alt in alts:
        if alt.terms and (alt.terms not in best or alt.weight > best[alt.terms].weight):
            best[alt.terms] = alt
    return list(best.values())


def _expand(
    words: list[str],
    lexicon: Lexicon,
    vocabulary: Collection[str],
    base: float,
    idf: Callable[[str], float | None],
) -> tuple[list[tuple[str, str]], list[Clause], list[tuple[str, float]]]:
    """Lexicon spans of the (corrected) words -> synonym clauses and phrase texts."""
    keys = [stem(w) for w in words if not is_stop(w)]
    surface = [w for w in words if not is_stop(w)]
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
            for exp in expansions:
                terms = tuple(t for t in exp.terms if t in vocabulary)
                if not terms or set(exp.terms) <= typed or set(span) < set(exp.terms):
                    # Nothing new, or only narrowing words added to what was typed
                    # ("neuropathy" -> "peripheral neuropathy"): a specialisation, not a synonym.
                    continue
                # Longer matched spans are stronger evidence than a single common word.
                weight = base * (1.0 + 0.25 * (n - 1)) * len(terms) / len(exp.terms)
                label = f"{' '.join(surface[start : start + n])} -> {exp.text}"
                alts.append(Alt(exp.terms, weight, "synonym", label, idf_cap=cap))
                synonyms.append((" ".join(surface[start : start + n]), exp.text))
                # A lay name that is the whole query ("suicide headache") is strong evidence.
                phrases.append((exp.text, WHOLE_QUERY_SYNONYM_WEIGHT if n == len(keys) else base))
            if alts:
                clauses.append(Clause(tuple(alts), " ".join(surface[start : start + n])))
    return synonyms, clauses, phrases
