"""Pin: Ranked -> Ranked, the crisis page first when the safety notice shows.

A crisis message is answered by the notice and by the page about suicidal thoughts, whatever its
other words match ("I'm a burden to my kids" must not lead with a parenting-stress page). A query
that names another page ("ptsd and suicidal thoughts") keeps that page first and the crisis page
second. A recognised figure of speech ("my back is killing me", "cefalea suicida") never ranks the
crisis page: it is taken out.
"""

from __future__ import annotations

from collections.abc import Sequence

from search.query.expand import Plan
from search.query.rerank import Ranked, RankedHit


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
    if rest and rest[0].doc in named:
        return Ranked((rest[0], mine, *rest[1:]))
    return Ranked((mine, *rest))


def named_pages(plan: Plan, names: Sequence[Sequence[frozenset[str]]]) -> list[int]:
    """Pages the query names outright: every word of one of their titles or aliases was typed."""
    typed = set(plan.query.content) | set(plan.corrected_text.split())
    return [doc for doc, group in enumerate(names) if any(name and name <= typed for name in group)]
