"""Negation: condition names the query says the person does not have ("I don't have diabetes").

A story that rules a condition out ("never had chemo", "no history of mania", "i dont have panic
attacks exactly") names it all the same, and a word match would count the name for that page. The
scope is NegEx's, kept narrow: after a negation, only filler words ("have", "a", "history of") and
further names continue it, so "meds not really helping my migraines" negates nothing, and a name is
negated only after a word of having ("dont have", "never had", "no history of", "not from"): "no
pulse", "no spit" describe symptoms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from search.analysis import stem, tokens
from search.language import zipf
from search.query.bm25 import Bm25F
from search.query.confidence import NAME_FIELDS
from search.query.expand import Plan

TRIGGERS = frozenset(
    [
        "no",
        "not",
        "non",
        "never",
        "without",
        "nor",
        "neither",
        "dont",
        "doesnt",
        "didnt",
        "havent",
        "hasnt",
        "hadnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "sin",
        "nunca",
        "ni",
    ]
)
# Words that stand between a negation and what it negates: "never [been diagnosed with] bipolar".
FILLER = frozenset(
    [
        "have",
        "has",
        "had",
        "having",
        "a",
        "an",
        "any",
        "the",
        "my",
        "his",
        "her",
        "their",
        "history",
        "of",
        "ever",
        "been",
        "diagnosed",
        "with",
        "from",
        "due",
        "to",
        "caused",
        "by",
        "or",
        "nor",
        "get",
        "got",
        "real",
        "true",
        "signs",
        "symptoms",
        "sign",
        "symptom",
        "episode",
        "episodes",
        "phase",
        "phases",
        "type",
        "kind",
        "like",
        "tengo",
        "tiene",
        "tuve",
        "tenido",
        "he",
        "ha",
        "sido",
        "diagnosticado",
        "diagnosticada",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "un",
        "una",
        "ningun",
        "ninguna",
        "por",
        "o",
    ]
)
# A condition and the adjective pages name it by: "diabetes" / "diabetic", "mania" / "manic".
FORMS = (("es", "ic"), ("ia", "ic"), ("ia", "iac"), ("sis", "tic"), ("ism", "ic"))
# Of those, the words that make the negation a statement about having a condition.
HAVING = frozenset(
    {"have", "has", "had", "having", "been", "get", "got", "history", "diagnosed", "from", "caused", "due", "ever"}
    | {"tengo", "tiene", "tuve", "tenido", "diagnosticado", "diagnosticada"}  # Spanish
)
BREAK = re.compile(r"[.,;:!?()\n]")  # punctuation ends a negation's scope


def negated_words(raw: str, is_name: Callable[[str], bool]) -> frozenset[str]:
    """The names the query negates, and never also mentions outside a negation."""
    found = tokens(raw)
    negated: set[str] = set()
    scoped = [False] * len(found)
    for i, token in enumerate(found):
        if token.word not in TRIGGERS:
            continue
        having = False  # "no pulse", "no spit" describe a symptom; "no history of", "dont have" rule one out
        for j in range(i + 1, len(found)):
            if BREAK.search(raw[found[j - 1].end : found[j].start]):
                break
            word = found[j].word
            if having and is_name(word):
                negated.add(word)
                scoped[j] = True
            elif word in FILLER:
                having = having or word in HAVING
            else:
                break
    affirmed = {t.word for t, inside in zip(found, scoped, strict=True) if not inside}
    return frozenset(negated - affirmed)


def is_condition_name(bm25: Bm25F, share: float, max_zipf: float) -> Callable[[str], bool]:
    """Whether a word names some pages' condition (title or other names) but not most pages, nor is everyday."""

    def named(term: str) -> bool:
        postings = bm25.postings(term)
        return 0 < postings.df < share * bm25.size and bool(NAME_FIELDS & set(postings.fields))

    def check(word: str) -> bool:
        if zipf(word, "en") >= max_zipf:
            return False
        forms = [word] + [word[: -len(a)] + b for a, b in FORMS if word.endswith(a) and len(word) > len(a) + 2]
        return any(named(stem(form)) for form in forms)

    return check


def drop_negated(plan: Plan, negated: frozenset[str]) -> Plan:
    """The plan without the clauses of negated names: a word match must not count them for their page."""
    if not negated:
        return plan
    kept = tuple(c for c in plan.clauses if not set(c.word.split()) <= negated)
    # "not bipolar" alone still asks about bipolar: with nothing else left, the name stays.
    if all(c.word in TRIGGERS for c in kept):
        return plan
    return replace(plan, clauses=kept)
