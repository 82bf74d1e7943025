"""Pin: Ranked -> Ranked, the crisis page first when the safety notice shows.

A crisis message is answered by the notice and by the page about suicidal thoughts, whatever its
other words match ("I'm a burden to my kids" must not lead with a parenting-stress page). A query
that names another page ("ptsd and suicidal thoughts") keeps that page first and the crisis page
second. A recognised figure of speech ("my back is killing me", "cefalea suicida") never ranks the
crisis page: it is taken out. A query with neither, whose only words for the crisis page are idiom
words ("lol im dead", "the paperwork is going to kill me"), does not lead with it: the page drops
below the next hit, still there for a crisis the rules missed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from search.query.bm25 import Bm25F
from search.query.confidence import site_wide
from search.query.expand import Plan
from search.query.rerank import Ranked, RankedHit

# Fields that name a page; summary and body prose use everyday words ("right now") too. Its search
# phrases and symptoms name it only through words not on most pages ("ketamine for suicidal thoughts").
TITLE_FIELDS = frozenset({"title", "aliases", "icd"})
NAMING_FIELDS = TITLE_FIELDS | {"phrases", "symptoms"}


def pin(ranked: Ranked, crisis_doc: int, crisis: bool, figure: bool, named: Sequence[int], bm25_score: float) -> Ranked:
    """Move (or bring) the crisis page to the top for a crisis; drop it for a figure of speech."""
    rest = tuple(h for h in ranked.hits if h.doc != crisis_doc)
    if not crisis:
        return Ranked(rest) if figure else ranked
    mine = next((h for h in ranked.hits if h.doc == crisis_doc), None)
    if mine is None:
        # Nothing in its words matched (a Spanish message, slang): it still answers the crisis.
        top = ranked.hits[0].score if ranked.hits else 1.0
        mine = RankedHit(crisis_doc, top, 0.0, "", bm25_score)
    if rest and rest[0].doc in named and crisis_doc in named:
        return Ranked((rest[0], mine, *rest[1:]))
    return Ranked((mine, *rest))


def named_pages(plan: Plan, names: Sequence[Sequence[Collection[str]]]) -> list[int]:
    """Pages the query names outright: every word of one of their titles or aliases was typed.

    A name of two-letter words only ("SI") is left out: typed, it is more often another word
    (Spanish "si", "if") than the name.
    """
    typed = set(plan.query.content) | set(plan.corrected_text.split())
    return [
        doc
        for doc, group in enumerate(names)
        if any(name and typed.issuperset(name) and max(map(len, name)) > 2 for name in group)
    ]


def idiom_led(
    ranked: Ranked, plan: Plan, bm25: Bm25F, crisis_doc: int, idioms: frozenset[str], broad_share: float
) -> bool:
    """Whether the crisis page leads on idiom words alone: the query has one, and no other word names the page.

    A word names the page when it is in its title or names, or in its search phrases or symptoms and
    not on most pages ("ketamine" is on all of them; "right now" in its summary is prose). The page
    may lead through the sentence vectors with no word matched at all ("i could murder a burger"):
    the idiom word is then what moved the vector.
    """
    if not ranked.hits or ranked.hits[0].doc != crisis_doc or not idioms.intersection(plan.query.content):
        return False
    for clause in plan.clauses:
        wanted = NAMING_FIELDS if not site_wide(bm25, clause, broad_share) else TITLE_FIELDS
        names_page = any(wanted & set(bm25.matched_fields(crisis_doc, list(a.terms))) for a in clause.alts)
        if names_page and clause.word not in idioms:
            return False
    return True


def demote(ranked: Ranked, doc: int) -> Ranked:
    """The page moved below the hit after it."""
    hits = ranked.hits
    if len(hits) < 2 or hits[0].doc != doc:
        return ranked
    return Ranked((hits[1], hits[0], *hits[2:]))
