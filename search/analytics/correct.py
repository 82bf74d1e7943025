"""The corrected form of a scrubbed query: the pipeline's own parse, corrector and lexicon, placeholders left out."""

from __future__ import annotations

from search.analytics.scrub import without_placeholders
from search.query.expand import plan
from search.query.parse import parse
from search.query.pipeline import Searcher


def corrected_form(searcher: Searcher, scrubbed: str) -> str:
    """The query's content words as the corrector reads them ("nueropathy pain" -> "neuropathy pain")."""
    words = without_placeholders(scrubbed)
    if not words:
        return ""
    snap = searcher.snapshot
    # A finished query: the last word is not completed as a prefix.
    query = parse(words + " ")
    the_plan = plan(query, snap.corrector, snap.stats.vocabulary, snap.lexicon, snap.stats.term_idf, snap.ambiguous)
    return the_plan.corrected_text
