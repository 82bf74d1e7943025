"""The whoosh schema: one text field per page part, exact ICD ids, stored result fields."""

from __future__ import annotations

import json

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import analyzer
from search.pages import Page, body_text, page_to_dict

SCHEMA_VERSION = "3"
# The searchable text fields, in the order the ranker reports them.
TEXT_FIELDS = ("title", "phrases", "aliases", "symptoms", "summary", "faq", "body")
# Fields the ranker scores: the text fields and the exact ICD-11 ids.
SCORED_FIELDS = (*TEXT_FIELDS, "icd")


def build_schema() -> Schema:
    """A new schema instance (whoosh schemas are mutable, so never share one)."""
    text = {name: TEXT(analyzer=analyzer(), phrase=False) for name in TEXT_FIELDS}
    return Schema(
        slug=ID(stored=True, unique=True),
        icd=KEYWORD(lowercase=True, commas=True, stored=True),
        hash=STORED(),
        page=STORED(),
        **text,
    )


def scored_texts(page: Page) -> dict[str, str]:
    """The text of each scored field of a page: what whoosh indexes and the postings arrays hold."""
    sep = "\n"  # one entry per line: whoosh fields hold text, the ranker does not need positions
    return {
        "icd": ",".join(page.icd11),
        "title": page.title,
        "phrases": sep.join(page.search_phrases),
        "aliases": sep.join(page.aliases),
        "symptoms": sep.join(page.symptoms),
        "summary": page.summary,
        "faq": sep.join(f.question for f in page.faq),
        "body": body_text(page) + sep + sep.join(page.treatments),
    }


def document(page: Page, digest: str) -> dict[str, str]:
    """The whoosh document for a page."""
    return {
        "slug": page.slug,
        "hash": digest,
        "page": json.dumps(page_to_dict(page), ensure_ascii=False),
        **scored_texts(page),
    }
