"""Explain: Ranked -> Hits a person can read: snippet, confidence, and why each page matched."""

from __future__ import annotations

from search.pages import Page
from search.query.bm25 import Bm25F
from search.query.clauses import Origin
from search.query.confidence import alt_hit, holder
from search.query.expand import Plan
from search.query.rerank import RankedHit
from search.query.results import Hit, Matched
from search.query.snippet import Sentences, snippet

# A description is offered "did you mean" only when at least this many words were truly misspelled.
LONG_MISSPELLED = 2


def hit(page: Page, sentences: Sentences, bm25: Bm25F, plan: Plan, row: RankedHit, confidence: float) -> Hit:
    """A ranked page as a result, with what matched and how sure the ranker is."""
    held = holder(bm25, row.doc)
    used = [a for c in plan.clauses for a in c.alts if alt_hit(held, a)]
    terms = sorted({t for a in used for t in a.terms})

    def labels(*origins: Origin) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.label for a in used if a.origin in origins))

    return Hit(
        slug=page.slug,
        title=page.title,
        url=page.href,
        summary=page.summary,
        icd11=page.icd11,
        snippet=snippet(sentences, terms),
        score=round(row.score, 4),
        confidence=round(confidence, 3),
        matched=Matched(
            fields=bm25.matched_fields(row.doc, terms),
            phrase=row.phrase,
            phrase_score=round(row.phrase_score, 3),
            corrections=labels(Origin.CORRECTED, Origin.JOINED),
            synonyms=labels(Origin.SYNONYM),
            completions=labels(Origin.PREFIX),
            semantic=round(row.semantic, 4),
        ),
    )


def did_you_mean(plan: Plan, hits: tuple[Hit, ...]) -> str | None:
    """The corrected query, when a correction is what found the top hit."""
    if not plan.corrections or not hits or not hits[0].matched.corrections:
        return None
    if plan.long and plan.misspelled < LONG_MISSPELLED:
        return None  # one slip in a story is not worth echoing the whole story back
    return plan.suggested_text or None
