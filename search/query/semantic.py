"""Semantic: Ranked -> Ranked, reordering the lexical hits by what the query means.

The query's sentence vector is compared with every page's vector (cosine, min-max scaled over the
pages so one query's scale matches another's) and mixed into the lexical order with a weight that
grows as the lexical match weakens: a confident word match is trusted as it is, a paraphrase, a
story or a Spanish query leans on meaning. Only pages the lexical stages found are reordered: in
tuning, a page they missed never won on meaning alone, and the vectors cannot explain a match.
When no word of the query matched any page, the nearest pages by meaning are the only answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from search.embedding import Vectors
from search.indexing.vectors import PageVectors
from search.query.config import SemanticRules
from search.query.rerank import Ranked, RankedHit


def semantic_weight(scope: float, rules: SemanticRules) -> float:
    """The vectors' share of the order for a query whose lexical scope is `scope` (0: none)."""
    if scope >= rules.skip_scope:
        return 0.0
    return float(rules.max_weight * max(0.0, 1.0 - scope) ** rules.gamma)


# A corpus this large is compared with a query only at its hits: the scale is read from a sample
# of this many pages (every k-th) and the hits, not from every page (16 ms a query at 100,000).
SCALE_SAMPLE = 4096


def scale_sample(pages: PageVectors, size: int = SCALE_SAMPLE) -> Vectors | None:
    """Every k-th page vector, in memory, when there are more than `size` pages; None: compare every page."""
    if len(pages) <= size:
        return None
    return np.ascontiguousarray(pages[np.arange(0, len(pages), -(-len(pages) // size))])


def similarities(
    query: Vectors, pages: PageVectors, docs: Sequence[int] = (), sample: Vectors | None = None
) -> Vectors:
    """Cosine of the query with every page, min-max scaled to 0..1 over the pages.

    With a `sample` (a large corpus), only `docs` are compared, scaled over the sample and them;
    every other page reads 0.
    """
    if sample is None or not docs:
        cos = pages @ query
        low, high = float(cos.min()), float(cos.max())
        return np.asarray((cos - low) / max(high - low, 1e-9), dtype=np.float32)
    picked = np.asarray(docs, dtype=np.int64)
    at_docs = pages[picked] @ query
    scale = sample @ query
    low = min(float(scale.min()), float(at_docs.min()))
    high = max(float(scale.max()), float(at_docs.max()))
    out = np.zeros(len(pages), dtype=np.float32)
    out[picked] = (at_docs - low) / max(high - low, 1e-9)
    return out


def fuse(ranked: Ranked, scaled: Vectors, weight: float) -> Ranked:
    """The hits reordered by (1 - weight) x lexical score / best + weight x scaled similarity."""
    return blend(ranked, scaled, weight, keep=1.0 - weight)


def blend(ranked: Ranked, values: Vectors, weight: float, keep: float = 1.0) -> Ranked:
    """The hits reordered by keep x score / best + weight x their value; `semantic` keeps the meaning's share."""
    if not ranked.hits or weight <= 0.0:
        return ranked
    top = ranked.hits[0].score or 1.0
    rows = [
        replace(
            h,
            score=keep * h.score / top + weight * float(values[h.doc]),
            semantic=keep * h.semantic / top + weight * float(values[h.doc]),
        )
        for h in ranked.hits
    ]
    # A stable sort: equal scores keep the order they came in.
    rows.sort(key=lambda r: -r.score)
    return Ranked(tuple(rows))


def nearest(query: Vectors, pages: PageVectors, count: int) -> Ranked:
    """The `count` pages whose vectors are closest to the query's, as hits scored by cosine alone."""
    if count <= 0 or not len(pages):
        return Ranked(())
    cos = pages @ query
    top = np.argsort(-cos, kind="stable")[:count]
    return Ranked(tuple(RankedHit(int(d), float(cos[d]), 0.0, "", 0.0, float(cos[d])) for d in top))
