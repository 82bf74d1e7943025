"""Score: Ranked -> Features per hit -> how sure the ranker is (the hit, and that any page fits)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from search.analysis import stem
from search.language import zipf
from search.query.bm25 import Bm25F
from search.query.clauses import Alt, Clause, Origin
from search.query.config import AnswerRules, ConfidenceModel
from search.query.elsewhere import NONE, Elsewhere
from search.query.expand import Plan
from search.query.nearby import NEUTRAL_NEARBY
from search.query.rerank import Ranked

# Fields whose words say what a page is about; body and FAQ prose also mention neighbours.
STRONG_FIELDS = frozenset({"title", "phrases", "aliases", "symptoms", "summary", "icd"})
# What the user's own words became; completions are guesses and synonyms are ours.
TYPED = frozenset({Origin.TYPED, Origin.CORRECTED, Origin.JOINED})
WORDS_SCALE = math.log1p(80)  # the longest query the parser keeps
NEUTRAL_MEANING = 0.5  # the topic model's say when it cannot speak (no encoder, another corpus)


@dataclass(frozen=True)
class Features:
    """What the ranker knows about a hit, each in [0, 1]."""

    coverage: float  # share of query clauses the hit matched
    margin: float  # lead of this hit's BM25F over the best other hit's, relative to a full match
    phrase: float  # best whole-query phrase similarity
    exact: float  # share of matched clauses matched by typed words, not corrections
    strength: float  # raw BM25F over the score of a page matching every clause at saturation
    strong: float = 0.0  # share of matched clauses found in the page's title, names, symptoms or summary
    specific: float = 0.0  # 1 - page share of the rarest matched term: "ketamine" is on every page
    focus: float = 0.0  # the same, averaged over matched clauses
    unknown: float = 0.0  # share of typed words nothing in the index could stand for, or no page holds
    long: float = 0.0  # 1 for a description (a bag of symptom words)
    words: float = 0.0  # how many content words, log-scaled
    topical: float = 0.0  # share of the query's clauses that reach a word some page is named or described by
    meaning: float = NEUTRAL_MEANING  # the topic model: how much the query means what this site's queries mean
    nearby: float = NEUTRAL_NEARBY  # how much nearer past in-scope queries are than out-of-scope ones

    def vector(self) -> dict[str, float]:
        """The features by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def confidence(features: Features, model: ConfidenceModel) -> float:
    """Logistic model over the features, in [0, 1]."""
    z = model.bias + sum(getattr(model, name) * value for name, value in features.vector().items())
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def ideal_score(bm25: Bm25F, plan: Plan) -> float:
    """The score of a page matching every clause at saturation: what `strength` is measured against."""
    k1 = bm25.rules.k1
    total = 0.0
    for clause in plan.clauses:
        best = 0.0
        for alt in clause.alts:
            idfs = [bm25.term_idf(t) or 0.0 for t in alt.terms]
            idf = sum(min(x, alt.idf_cap) if alt.idf_cap is not None else x for x in idfs) / len(alt.terms)
            best = max(best, alt.weight * idf * (k1 + 1.0))
        total += best
    return total or 1.0


def holder(bm25: Bm25F, doc: int) -> Callable[[str], bool]:
    """Whether the document holds a term, each term looked up once (a long story has eighty, read often)."""
    seen: dict[str, bool] = {}

    def held(term: str) -> bool:
        found = seen.get(term)
        if found is None:
            found = seen[term] = bm25.contains(term, doc)
        return found

    return held


def alt_hit(held: Callable[[str], bool], alt: Alt) -> bool:
    """Whether the document holds every term of the alternative.

    A synonym of several words counts only whole: "shaking palsy" (Parkinson's) is not matched by a
    page that says "shake", nor "attention deficit hyperactivity disorder" by one that says "disorder".
    """
    return all(map(held, alt.terms))


def answered(bm25: Bm25F, clause: Clause) -> bool:
    """Whether some page holds every term of one of the clause's alternatives."""
    return any(holding_all(bm25, alt.terms) for alt in clause.alts)


def holding_all(bm25: Bm25F, terms: Sequence[str]) -> int:
    """How many pages hold every one of the terms (0 for none)."""
    docs = sorted((bm25.postings(t).union for t in terms), key=len)
    return int(_common(docs).size) if docs and docs[0].size else 0


def _common(arrays: list[np.ndarray]) -> np.ndarray:
    """Positions in every one of the ascending arrays (shortest first): binary searches, no sorting."""
    found = arrays[0]
    for other in arrays[1:]:
        at = np.minimum(np.searchsorted(other, found), other.size - 1)
        found = found[other[at] == found]
        if not found.size:
            break
    return found


def site_wide(bm25: Bm25F, clause: Clause, share: float) -> bool:
    """Whether every word the user typed for this clause is on at least `share` of the pages."""
    dfs = [bm25.postings(t).df for a in clause.alts if a.origin in TYPED for t in a.terms]
    dfs = [df for df in dfs if df]
    return bool(dfs) and min(dfs) >= share * bm25.size


@dataclass(frozen=True)
class QueryEvidence:
    """What the confidence features need of the query alone: computed once, read for every hit."""

    ideal: float  # ideal_score of the plan
    # Clauses of site-wide words ("ketamine" on every page of a ketamine clinic) are left out: they
    # say nothing about which page, so "ketamine cost" is judged by "cost" alone.
    clauses: tuple[Clause, ...]
    slots: int  # informative clauses plus typed words nothing could stand for
    topical: float
    unknown: float
    long: float
    words: float
    meaning: float
    nearby: float


def query_evidence(
    bm25: Bm25F,
    plan: Plan,
    broad_share: float,
    meaning: float = NEUTRAL_MEANING,
    elsewhere: Elsewhere = NONE,
    medicines: frozenset[str] = frozenset(),
    nearby: float = NEUTRAL_NEARBY,
) -> QueryEvidence:
    """The query-level part of the features (`medicines`: terms that count as the site's subject too)."""
    informative = [c for c in plan.clauses if not site_wide(bm25, c, broad_share)]
    # Words nothing could stand for ("tennis") count against coverage.
    slots = len(informative) + len(plan.unusable)
    content = len(plan.query.content)
    # Words that name a condition with no page here ("adhd", "eating disorder") are answered by no
    # page, whatever pages share their words: they stay in the slots and are never matched.
    named = {stem(plan.query.content[i]) for i in elsewhere.covered(plan.query.content)}
    if elsewhere.about_treatment(plan.query.content) and not any(names_condition(bm25, c) for c in informative):
        # A question about the treatment itself ("throwing up after ketamine"): its symptom words are
        # the treatment's effects, not a condition a page treats, unless a word names one
        # ("depression came back after ketamine").
        named = {stem(w) for w in plan.query.content}
    clauses = tuple(c for c in informative if stem(c.word) not in named)
    # A word the lexicon knows but no page holds ("adhd" -> "attention deficit hyperactivity
    # disorder", on no page whole) is as unanswered as one nothing could stand for.
    unanswered = sum(1 for c in plan.clauses if stem(c.word) in named or not answered(bm25, c))
    return QueryEvidence(
        ideal=ideal_score(bm25, plan),
        clauses=clauses,
        slots=slots,
        topical=sum(1 for c in clauses if _topical(bm25, c, medicines)) / slots if clauses else 0.0,
        unknown=min(1.0, (len(plan.unusable) + unanswered) / content) if content else 0.0,
        long=float(plan.long),
        words=min(1.0, math.log1p(content) / WORDS_SCALE),
        meaning=meaning,
        nearby=nearby,
    )


def features(
    bm25: Bm25F, ranked: Ranked, i: int, query: QueryEvidence, medicines: frozenset[str] = frozenset()
) -> Features:
    """Confidence features of the i-th ranked hit (a clause matched by `medicines` alone counts as strong)."""
    hit = ranked.hits[i]
    doc = hit.doc
    ideal = query.ideal
    # The lead over the best other hit, against what a full match would score: a lone weak
    # match has a small lead, not a perfect one; every hit below the first has none.
    other = max((r.bm25 for j, r in enumerate(ranked.hits) if j != i), default=0.0)
    held = holder(bm25, doc)
    hit_clauses = [c for c in query.clauses if any(alt_hit(held, a) for a in c.alts)]
    typed = [c for c in hit_clauses if any(a.origin is Origin.TYPED and alt_hit(held, a) for a in c.alts)]
    strong = 0
    specific: list[float] = []
    for clause in hit_clauses:
        terms = [t for a in clause.alts for t in a.terms if held(t)]
        if bm25.in_fields(doc, terms, STRONG_FIELDS) or (terms and medicines.issuperset(terms)):
            strong += 1
        specific.append(1.0 - min(bm25.postings(t).df for t in terms) / bm25.size)
    matched = bool(query.clauses)
    return Features(
        coverage=len(hit_clauses) / query.slots if matched else 0.0,
        margin=min(1.0, max(0.0, (hit.bm25 - other) / ideal)),
        phrase=hit.phrase_score,
        exact=len(typed) / len(hit_clauses) if hit_clauses else 0.0,
        strength=min(1.0, hit.bm25 / ideal) if matched else 0.0,
        strong=strong / len(hit_clauses) if hit_clauses else 0.0,
        specific=max(specific, default=0.0),
        focus=sum(specific) / len(specific) if specific else 0.0,
        unknown=query.unknown,
        long=query.long,
        words=query.words,
        topical=query.topical,
        meaning=query.meaning,
        nearby=query.nearby,
    )


# Fields that name a page's condition: its title and the other names it goes by.
NAME_FIELDS = frozenset({"title", "aliases"})
# An everyday word in a title ("back", "chronic", "pain") names no condition by itself; Zipf 5 is
# about "back", "work", "drink"; "depression", "migraine", "alcohol" sit below it.
NAMING_MAX_ZIPF = 5.0


def names_condition(bm25: Bm25F, clause: Clause) -> bool:
    """Whether a word the user typed for the clause is in some page's title or other names, and no everyday word."""
    if zipf(clause.word, "en") >= NAMING_MAX_ZIPF:
        return False
    return any(NAME_FIELDS & set(bm25.postings(t).fields) for a in clause.alts if a.origin in TYPED for t in a.terms)


def _topical(bm25: Bm25F, clause: Clause, medicines: frozenset[str] = frozenset()) -> bool:
    """Whether any alternative of the clause is a word of some page's title, names, symptoms or summary,
    or a medicine some page names."""
    return any(t in medicines or STRONG_FIELDS & set(bm25.postings(t).fields) for a in clause.alts for t in a.terms)


def is_broad(bm25: Bm25F, plan: Plan, rules: AnswerRules) -> bool:
    """Whether the words typed reach only site-wide terms ("ketamine", "treatment", "pain" alone).

    Such a query fits many pages equally: it gets an overview, never one page at high confidence.
    Lexicon synonyms do not make it specific; a word nothing answers makes it not broad but unknown.
    """
    if plan.unusable or not plan.clauses:
        return False
    typed = [c for c in plan.clauses if any(a.origin in TYPED for a in c.alts)]
    if not typed or not all(site_wide(bm25, c, rules.broad_share) for c in typed):
        return False
    return not any(names_few(bm25, c, rules.broad_share) for c in plan.clauses if " " in c.word)


def names_few(bm25: Bm25F, clause: Clause, share: float) -> bool:
    """Whether a phrase the user typed ("chronic pain", "clinical depression") is a name for something
    fewer than `share` of the pages hold whole, though each of its words is on most of them."""
    return any(
        alt.origin is Origin.SYNONYM and 0 < holding_all(bm25, alt.terms) < share * bm25.size for alt in clause.alts
    )


def bare_medicines(bm25: Bm25F, plan: Plan, medicines: frozenset[str], share: float) -> bool:
    """Whether the query is only medicine names, as typed or by their lexicon names ("savella", "belsomra").

    Not a completion or a correction of an unfinished word ("cita" -> citalopram), not with a word
    nothing answers ("cost of spravato"), not a medicine nearly every page names ("ketamine").
    """
    named = (Origin.TYPED, Origin.SYNONYM)

    def medicine(alt: Alt) -> bool:
        rare = all(bm25.postings(t).df < share * bm25.size for t in alt.terms)
        return alt.origin in named and bool(alt.terms) and medicines.issuperset(alt.terms) and rare

    return bool(plan.clauses) and not plan.unusable and all(any(map(medicine, c.alts)) for c in plan.clauses)


def shown_confidences(feats: Sequence[Features], model: ConfidenceModel, cap: float = 1.0) -> list[float]:
    """Each ranked hit's confidence, never above a hit ranked higher (nor above `cap`).

    Ordering by confidence instead of score loses accuracy (docs/relevance.md), so the order stays
    and a lower hit shows at most the confidence of the hits above it: the page never shows a
    higher confidence below a lower one.
    """
    out: list[float] = []
    for f in feats:
        out.append(min(cap, out[-1] if out else 1.0, confidence(f, model)))
    return out
