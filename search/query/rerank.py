"""Rerank: Candidates -> Ranked, adding the whole query's similarity to each page's phrases."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
from rapidfuzz import fuzz, process

from search.query.config import RerankRules
from search.query.expand import Plan
from search.query.retrieve import Candidates


@dataclass(frozen=True)
class RankedHit:
    """One candidate after reranking."""

    doc: int
    score: float  # normalised BM25F plus the phrase stage: the order
    phrase_score: float  # best weighted phrase similarity
    phrase: str  # the page phrase it was
    bm25: float  # raw BM25F, what confidence reads
    semantic: float = 0.0  # what the semantic and intent stages added to `score` (0 when neither ran)


@dataclass(frozen=True)
class Ranked:
    """Candidates in final order."""

    hits: tuple[RankedHit, ...]

    def __len__(self) -> int:
        return len(self.hits)


def rerank(candidates: Candidates, plan: Plan, names: Sequence[Phrases], rules: RerankRules) -> Ranked:
    """Order candidates by normalised BM25F plus the weighted square of their phrase similarity."""
    docs = list(candidates.docs)
    if not docs:
        return Ranked(())
    top = candidates.top
    weight = rules.long_phrase_weight if plan.long else rules.phrase_weight
    if plan.long:
        # A description is compared with phrases only to break near-ties among the best few.
        docs = docs[: rules.long_phrase_candidates]
    sims = phrase_scores(plan.phrase_texts, [names[d] for d in docs], rules.min_similarity)
    rows = [
        RankedHit(
            doc, float(candidates.scores[doc]) / top + weight * sim * sim, sim, which, float(candidates.scores[doc])
        )
        for doc, (sim, which) in zip(docs, sims, strict=True)
    ]
    rows.sort(key=lambda r: -r.score)
    return Ranked(tuple(rows))


# What rapidfuzz splits words on: Unicode whitespace except U+0085 and U+00A0 (str.split takes those too).
SPACE = re.compile("[\t-\r\x1c-\x20\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class Phrases:
    """A page's phrases with the word orders their similarity reads, computed once per generation."""

    texts: tuple[str, ...]
    ordered: tuple[str, ...]  # each phrase's words, sorted
    distinct: tuple[str, ...]  # each phrase's distinct words, sorted
    holding: Mapping[str, tuple[int, ...]]  # word -> the phrases that have it
    whole: bool  # every phrase has a word (rapidfuzz scores a wordless one by rules of its own)

    def __len__(self) -> int:
        return len(self.texts)


def words(text: str) -> list[str]:
    """A text's words, split as rapidfuzz splits them."""
    return [w for w in SPACE.split(text) if w]


def phrases(texts: Sequence[str]) -> Phrases:
    """A page's phrases ready for `phrase_scores`."""
    split = [words(t) for t in texts]
    holding: dict[str, list[int]] = {}
    for i, ws in enumerate(split):
        for w in dict.fromkeys(ws):
            holding.setdefault(w, []).append(i)
    return Phrases(
        tuple(texts),
        tuple(" ".join(sorted(ws)) for ws in split),
        tuple(" ".join(sorted(set(ws))) for ws in split),
        {w: tuple(at) for w, at in holding.items()},
        all(split),
    )


def phrase_scores(
    texts: Sequence[tuple[str, float]], groups: Sequence[Phrases], min_similarity: float
) -> list[tuple[float, str]]:
    """For each group (a page's phrases): the best weighted similarity and that phrase.

    Similarity is token-aware (word order free, partial cover credited): the mean of rapidfuzz's
    token-set and token-sort ratios.
    """
    if not texts or not any(len(g) for g in groups):
        return [(0.0, "")] * len(groups)
    weights = np.array([w for _, w in texts])[:, None]
    sims = similarities([t for t, _ in texts], groups) / 200.0
    best_per_phrase = (sims * weights).max(axis=0)
    out: list[tuple[float, str]] = []
    start = 0
    for group in groups:
        end = start + len(group)
        if end == start:
            out.append((0.0, ""))
            continue
        i = int(np.argmax(best_per_phrase[start:end]))
        score = float(best_per_phrase[start + i])
        out.append((score, group.texts[i]) if score >= min_similarity else (0.0, ""))
        start = end
    return out


def similarities(texts: Sequence[str], groups: Sequence[Phrases]) -> np.ndarray:
    """token_set_ratio + token_sort_ratio of each text against every phrase of the groups, as rapidfuzz scores them.

    Both ratios are plain ratios of sorted words, which the phrases hold ready; rapidfuzz would split
    and sort every phrase again for every query (a tenth of a search). Token-set differs from the
    ratio of the distinct words only where the two share a word, so those few are scored in full.
    """
    flat = list(chain.from_iterable(g.texts for g in groups))
    split = [words(t) for t in texts]
    if not all(split) or not all(g.whole for g in groups):  # rapidfuzz's own rules for empty input
        return np.asarray(
            process.cdist(texts, flat, scorer=fuzz.token_set_ratio, dtype=np.float32)
            + process.cdist(texts, flat, scorer=fuzz.token_sort_ratio, dtype=np.float32)
        )
    distinct = list(chain.from_iterable(g.distinct for g in groups))
    by_set = process.cdist([" ".join(sorted(set(ws))) for ws in split], distinct, scorer=fuzz.ratio, dtype=np.float32)
    starts = list(accumulate((len(g) for g in groups), initial=0))[:-1]  # each group's first phrase
    for row, (text, ws) in enumerate(zip(texts, split, strict=True)):
        shared = sorted(
            {start + i for start, g in zip(starts, groups, strict=True) for w in ws for i in g.holding.get(w, ())}
        )
        if shared:
            scores = process.cdist([text], [flat[i] for i in shared], scorer=fuzz.token_set_ratio, dtype=np.float32)
            by_set[row, shared] = scores[0]
    ordered = list(chain.from_iterable(g.ordered for g in groups))
    by_sort = process.cdist([" ".join(sorted(ws)) for ws in split], ordered, scorer=fuzz.ratio, dtype=np.float32)
    return np.asarray(by_set + by_sort)
