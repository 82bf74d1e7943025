"""Intent: Ranked -> Ranked, reordering the hits by which page queries that meant the same were after.

A softmax over the site's pages, read from the query's sentence vector and fitted by
`scripts/fit_intent.py` on the tuning queries (lay, misspelled, paraphrases, stories, Spanish) and
on each page's own texts. Where the semantic stage compares a query with what a page says, this
compares it with what patients who wanted that page typed: "highs where I spend all my money then
a long dark low" is nearer bipolar depression's queries than its page. Its weight grows as the
words match less, from a floor, and a confident word match is trusted as it is: a page's name,
even misspelled, keeps its order, a paraphrase leans on what it means. The model is stamped with
the encoder it reads and the pages it was fitted for; on any other corpus it says nothing. Like
the semantic stage it only reorders pages the lexical stages found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError
from search.query.config import IntentRules
from search.query.rerank import Ranked
from search.query.semantic import blend

FIX = "run `python scripts/fit_intent.py --write` to write it again"


@dataclass(frozen=True)
class IntentModel:
    """Weights over the sentence vector, one row per page, and a bias per page."""

    slugs: tuple[str, ...]  # the pages, in the order of the rows
    weights: Vectors  # (pages, dimensions)
    bias: Vectors  # (pages,)
    stamp: Stamp  # the encoder whose vectors it reads
    pages: str  # pages_digest of the corpus it was fitted for

    def probabilities(self, vector: Vectors) -> Vectors:
        """How likely the query was after each page (the rows' order), summing to one."""
        z = self.weights @ vector + self.bias
        e = np.exp(z - float(z.max()))
        return np.asarray(e / float(e.sum()), dtype=np.float32)

    def by_doc(self, vector: Vectors, by_slug: dict[str, int], size: int) -> Vectors:
        """The probabilities laid out by a generation's document numbers (0 for a page it does not know)."""
        return by_doc(self.slugs, self.probabilities(vector), by_slug, size)


def by_doc(slugs: tuple[str, ...], values: Vectors, by_slug: dict[str, int], size: int) -> Vectors:
    """Per-page values (in `slugs`' order) laid out by a generation's document numbers, 0 for a page it lacks."""
    out = np.zeros(size, dtype=np.float32)
    for slug, value in zip(slugs, values, strict=True):
        doc = by_slug.get(slug)
        if doc is not None:
            out[doc] = value
    return out


def intent_weight(words_match: float, rules: IntentRules) -> float:
    """The page model's weight for a query whose words match this well (lexical scope, 0..1)."""
    if words_match >= rules.skip_scope:
        return 0.0
    return rules.weight * (rules.floor + (1.0 - rules.floor) * (1.0 - words_match))


def reorder(ranked: Ranked, probabilities: Vectors, weight: float) -> Ranked:
    """The hits reordered by score / best + weight x probability; `semantic` keeps the meaning's share."""
    return blend(ranked, probabilities, weight)


def load_intent_model(path: Path) -> IntentModel:
    """Read a model file; errors name the file and how to write it again."""
    try:
        with np.load(path) as data:
            stamp = Stamp(**json.loads(str(data["stamp"])))
            model = IntentModel(
                slugs=tuple(str(s) for s in data["slugs"]),
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=np.asarray(data["bias"], dtype=np.float32),
                stamp=stamp,
                pages=str(data["pages"]),
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the intent model ({exc}); {FIX}") from None
    expected = (len(model.slugs), stamp.dimensions)
    if model.weights.shape != expected or model.bias.shape != (len(model.slugs),):
        raise ConfigError(
            f"{path}: weights have shape {model.weights.shape} and bias {model.bias.shape}, expected {expected} "
            f"and ({len(model.slugs)},); {FIX}"
        )
    return model


def save_intent_model(model: IntentModel, path: Path) -> None:
    """Write a model file."""
    np.savez_compressed(
        path,
        allow_pickle=False,
        slugs=np.array(model.slugs),
        weights=model.weights.astype(np.float32),
        bias=model.bias.astype(np.float32),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
        pages=np.array(model.pages),
    )
