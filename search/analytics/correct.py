"""The corrected form of a scrubbed query: the pipeline's own plan, placeholders left out."""

from __future__ import annotations

from search.analytics.scrub import without_placeholders
from search.query.searcher import Searcher


def corrected_form(searcher: Searcher, scrubbed: str) -> str:
    """The query's content words as the corrector reads them ("nueropathy pain" -> "neuropathy pain")."""
    words = without_placeholders(scrubbed)
    if not words:
        return ""
    # A finished query (trailing space): the last word is not completed as a prefix.
    return searcher.plan(words + " ").corrected_text
