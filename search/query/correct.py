"""Correct: a ParsedQuery -> Corrected, one clause per content word with its typo, join and
completion alternatives."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import partial

from rapidfuzz.distance import DamerauLevenshtein

from search.analysis import KEEP_WORDS, NEGATIONS, PEOPLE, is_stop, spelling_variants, stem
from search.language import spelling_words, zipf
from search.query.clauses import Alt, Clause, Origin
from search.query.config import ExpandWeights, TypoRules
from search.query.parse import ParsedQuery
from search.query.typos import Correction, Corrector, english_guess, english_likelihood


@dataclass(frozen=True)
class Corrected:
    """The typed words as clauses, what was corrected, and the query as corrected."""

    query: ParsedQuery
    clauses: tuple[Clause, ...]
    corrections: tuple[tuple[str, str], ...]
    words: tuple[str, ...]  # the content words with the best correction of each applied
    unusable: tuple[str, ...]  # typed words nothing in the index could stand for
    misspelled: int = 0  # corrected words that are no word of the language: truly misspelled


def _correction_alt(word: str, fix: Correction, weights: ExpandWeights) -> Alt:
    if fix.kind == "sound":
        weight = weights.sound
    elif fix.kind == "split":
        weight = weights.split
    else:
        weight = {1: weights.one_typo, 2: weights.two_typos}.get(fix.distance, weights.more_typos)
    terms = tuple(stem(w) for w in fix.word.split() if not is_stop(w))
    return Alt(terms, weight, Origin.CORRECTED, word, fix.word)


# A neighbour this common in English ("back", "after") says too little to justify a correction.
CONTEXT_MAX_ZIPF = 5.0
# A typed word this common is meant as written, whatever pair a correction would make: "pine
# needles" is not "pins needles"; rarer real words still yield ("aurora" 3.7, "hermetic" 2.6).
CONTEXT_MAX_TYPED_ZIPF = 4.0


def is_real_word(word: str, language: str, min_zipf: float) -> bool:
    """A word of the query's language (English always counts: Spanglish mixes it in)."""
    return zipf(word, "en") >= min_zipf or (language == "es" and zipf(word, language) >= min_zipf)


def is_spelled_right(word: str, language: str, min_zipf: float) -> bool:
    """A real word, or a rarer one an English spelling dictionary lists ("naturopathy"): either way not a
    typo to replace. Only the replacing asks the dictionary; joins and completions keep the frequency rule."""
    return is_real_word(word, language, min_zipf) or word in spelling_words()


def correct(
    query: ParsedQuery,
    corrector: Corrector,
    vocabulary: Collection[str],
    weights: ExpandWeights,
    ambiguous: Collection[str] = (),
    bigrams: Collection[tuple[str, str]] = frozenset(),
) -> Corrected:
    """One clause per content word (plus joins of neighbours); unknown words get their corrections.

    A real word the pages do not use ("couch", "price", "quiero") is not a typo: it stays as typed
    and counts as a word nothing answers, unless a correction makes a phrase the pages use with a
    neighbouring word (`bigrams`: "migraine with aurora" -> "aura").
    """
    clauses: list[Clause] = []
    corrections: list[tuple[str, str]] = []
    best_words: list[str] = []
    unusable: list[str] = []
    misspelled = 0
    content = list(query.content)
    real = partial(is_real_word, language=query.language, min_zipf=corrector.rules.real_word_zipf)
    for i, word in enumerate(content):
        term = stem(word)
        alts: list[Alt] = []
        known = term in vocabulary or corrector.known(word)
        if term in vocabulary:
            # "sad" typed in lower case is the word, not the abbreviation SAD: skip the alias field.
            lower_abbreviation = word in ambiguous and word.upper() not in query.raw
            skip = frozenset({"aliases"}) if lower_abbreviation else frozenset()
            alts.append(Alt((term,), 1.0, Origin.TYPED, word, skip_fields=skip))
        if i + 1 < len(content) and not query.long:
            # Two real words side by side are a typo of one word only when glued they are a word
            # the pages use ("bi polar", "flash backs"), never by a further typo ("de la" -> "delay").
            both_real = real(word) and real(content[i + 1])
            join = None
            if not (both_real and query.language != "en"):  # "no se" is two Spanish words, not "nose"
                join = _join(word, content[i + 1], known, corrector, weights, not both_real, query.language)
            if join is not None:
                clauses.append(Clause((join,), join.label))
                if not both_real:  # "every day" is right as typed: searched as "everyday" too, not corrected
                    corrections.append((join.source, join.target))
        other = None
        if term not in vocabulary and query.language == "en" and real(word):
            other = _other_spelling(word, vocabulary)
        if other is not None:
            # The same word spelt the other way ("tumor", "behaviour"): searched as the pages spell it, never offered.
            alts.append(Alt((stem(other),), 1.0, Origin.TYPED, word, other))
            best_words.append(word)
        elif not known:
            # A Spanish word in a query too short to read as Spanish ("precio") is a word nothing answers;
            # beside English words it is more likely a typo ("childhood trama" is "trauma").
            spanish = (
                query.language == "en"
                and _spanish_word(word, corrector.rules)
                and not any(_english_word(other) for other in content if other != word)
            )
            fixes = corrector.correct(word, language=query.language) if word not in NEGATIONS and not spanish else []
            beside = {content[j] for j in (i - 1, i + 1) if 0 <= j < len(content)}
            if fixes and is_spelled_right(word, query.language, corrector.rules.real_word_zipf):
                # Context is a neighbouring word that means something ("migraine", not "after").
                near = {n for n in beside if n not in KEEP_WORDS and zipf(n, "en") < CONTEXT_MAX_ZIPF}
                near = set() if zipf(word, query.language) >= CONTEXT_MAX_TYPED_ZIPF else near
                fixes = [
                    f
                    for f in fixes
                    if _variant(word, f.word) or condition_form(word, f.word) or _in_context(f.word, near, bigrams)
                ]
            elif fixes:
                # A misspelled word's neighbours choose among its fixes: "back pian" is "back pain", not "plan".
                fixes = sorted(fixes, key=lambda f: not _in_context(f.word, beside, bigrams))
                # A word still being typed that begins a page word is not a whole word to judge yet.
                last = i == len(content) - 1 and query.partial_last
                unfinished = last and bool(corrector.completions(word, 1, query.language))
                if (
                    not unfinished
                    and not _in_context(fixes[0].word, beside, bigrams)
                    and _meant_elsewhere(word, fixes[0], corrector, vocabulary, query.language)
                ):
                    fixes = []  # "itemized recipt" means "receipt", which no page uses: not "resist"
                else:
                    misspelled += 1
            alts.extend(_correction_alt(word, fix, weights) for fix in fixes)
            if fixes and not inflection(word, fixes[0].word):
                if fixes[0].kind != "split":  # a space added changes no letter ("bloodwork"): searched, not offered
                    corrections.append((word, fixes[0].word))
                best_words.extend(fixes[0].word.split())
            else:  # nothing to offer, or another form of the word ("tightens" / "tightness"): searched, not offered
                best_words.append(word)
        else:
            best_words.append(word)
        if i == len(content) - 1 and query.partial_last:
            alts.extend(_completions(word, known or real(word), corrector, weights, query.language))
        if alts:
            clauses.append(Clause(tuple(_dedupe(alts)), word))
        elif word not in PEOPLE:  # "my son ...": who it is about is no word the site fails to answer
            unusable.append(word)
    return Corrected(query, tuple(clauses), tuple(corrections), tuple(best_words), tuple(unusable), misspelled)


def _spanish_word(word: str, rules: TypoRules) -> bool:
    """Whether a word is common in Spanish and rare in English: never an English word misspelled."""
    return zipf(word, "es") >= rules.spanish_word_zipf and zipf(word, "en") < rules.real_word_zipf


def _english_word(word: str) -> bool:
    """Whether a word reads as English rather than Spanish."""
    return zipf(word, "en") > zipf(word, "es") + 1.0


def _other_spelling(word: str, vocabulary: Collection[str]) -> str | None:
    """The British or American spelling of a word when the pages use that one ("tumor" -> "tumour")."""
    for variant in spelling_variants(word):
        if stem(variant) in vocabulary:
            return variant
    return None


def _meant_elsewhere(
    word: str, fix: Correction, corrector: Corrector, vocabulary: Collection[str], language: str
) -> bool:
    """Whether a misspelled word is far likelier an English word the pages do not use than the fix.

    The corrector only knows the pages' words, so "cancle" would become "canal"; English as a whole
    says "cancel", and a word nothing answers is better left unanswered than answered wrongly.
    """
    if language != "en":
        return False
    rules = corrector.rules
    guess = english_guess(word, rules)
    if guess is None or guess == fix.word or corrector.known(guess) or stem(guess) in vocabulary:
        return False
    ours = english_likelihood(word, fix.word, fix.distance, rules) + rules.site_word_zipf
    return english_likelihood(word, guess, 1, rules) >= ours + rules.other_word_margin_zipf


def _completions(word: str, known: bool, corrector: Corrector, weights: ExpandWeights, language: str) -> list[Alt]:
    """Completions of the word being typed, and of its likeliest corrections when it has a typo.

    A known or real word ("cost") is completed only as typed, never through a correction.
    """
    if len(word) < 2 or word in KEEP_WORDS:
        return []
    completions = corrector.completions(word, weights.prefix_completions, language)
    if not completions and not known and len(word) >= weights.typo_prefix_min_length:
        fixes = corrector.correct(word, weights.typo_prefix_corrections, language)
        for fix in fixes:
            completions.extend(corrector.completions(fix.word, weights.typo_prefix_completions, language))
        if not fixes and not corrector.written_on_purpose(word):  # "cigna" is whole, not unfinished
            # No whole word is one typo away: the typo is inside the unfinished word ("nuero").
            completions = corrector.fuzzy_completions(word, weights.typo_prefix_completions, language)
    # A word that is already whole ("year") is more likely finished than a prefix.
    base = weights.prefix * (weights.known_prefix_factor if known else 1.0)
    return [
        Alt((stem(completion),), base - weights.prefix_rank_step * rank, Origin.PREFIX, word, completion)
        for rank, completion in enumerate(completions)
    ]


# Endings that turn one form of an English word into another ("hypervigil-ant" / "-ance", "tight-ens" / "-ness").
ENDINGS = (
    "s",
    "es",
    "ed",
    "ing",
    "ly",
    "ness",
    "ant",
    "ance",
    "ancy",
    "ent",
    "ence",
    "ency",
    "ive",
    "ion",
    "ic",
    "ical",
    "al",
    "ous",
    "ity",
    "er",
    "ers",
    "en",
    "ens",
    "y",
    "ia",
    "ment",
    "ful",
    "less",
)
INFLECTION_STEM = 5  # a shorter shared stem is as likely a different word


# A condition's name and the word for its sufferer or its adjective: "insomnia" / "insomniac",
# "agoraphobia" / "agoraphobic", "neuropathy" / "neuropathic", "psychosis" / "psychotic".
CONDITION_FORMS = (("ia", "ic"), ("ia", "iac"), ("y", "ic"), ("sis", "tic"), ("ism", "ic"))


def condition_form(typed: str, fix: str) -> bool:
    """Whether typed and fix are a condition's name and its adjective or sufferer, either way round."""
    for a, b in CONDITION_FORMS + tuple((b, a) for a, b in CONDITION_FORMS):
        if typed.endswith(a) and len(typed) - len(a) >= INFLECTION_STEM and fix == typed[: len(typed) - len(a)] + b:
            return True
    return False


def inflection(typed: str, fix: str) -> bool:
    """Whether the fix is another form of the typed word (a shared stem, endings that derive one from the other)."""
    if typed == fix:
        return False
    if condition_form(typed, fix):
        return True
    # Both carry an ending: a bare stem is an unfinished word ("insomn" -> "insomnia"), not another form.
    for a in ENDINGS:
        if not typed.endswith(a) or len(typed) - len(a) < INFLECTION_STEM:
            continue
        stem_ = typed[: len(typed) - len(a)]
        for b in ENDINGS:
            # Endings one letter apart are a typo, not another form: "treatmant", "persistant", "stres".
            if fix == stem_ + b and DamerauLevenshtein.distance(a, b) >= 2:
                return True
    return False


def _variant(typed: str, fix: str) -> bool:
    """An informal spelling of the fix: a dropped final g ("feelin", "nothin")."""
    return typed.endswith("in") and fix == typed + "g"


def _in_context(fix: str, near: set[str], bigrams: Collection[tuple[str, str]]) -> bool:
    """Whether the fix and a neighbouring word make a pair the pages or the lexicon use."""
    return any((n, fix) in bigrams or (fix, n) in bigrams for n in near)


def _join(
    word: str,
    nxt: str,
    known: bool,
    corrector: Corrector,
    weights: ExpandWeights,
    typos: bool = True,
    language: str = "en",
) -> Alt | None:
    """Two typed words that are one word in the corpus ("after birth" -> "afterbirth")."""
    joined = word + nxt
    typed = f"{word} {nxt}"
    if corrector.known(joined):
        return Alt((stem(joined),), weights.join, Origin.JOINED, typed, joined)
    if not typos or (known and corrector.known(nxt)):
        return None
    fixes = [c for c in corrector.correct(joined, 1, language) if c.kind == "typo"]
    if not fixes:
        return None
    return Alt((stem(fixes[0].word),), weights.one_typo, Origin.JOINED, typed, fixes[0].word)


def _dedupe(alts: list[Alt]) -> list[Alt]:
    best: dict[tuple[str, ...], Alt] = {}
    for alt in alts:
        if alt.terms and (alt.terms not in best or alt.weight > best[alt.terms].weight):
            best[alt.terms] = alt
    return list(best.values())
