"""Precedents: Ranked -> Ranked, reordering the hits by the pages of the nearest past queries.

The intent stage draws one boundary per page through the sentence vectors; a story or paraphrase
worded like a few past queries of another author can fall on the wrong side of it. Here the query's
nearest tuning queries (and the pages' own texts: title, summary, search phrases, symptoms) vote for
their pages, each vote its cosine, and the share of the vote is added to the hits' scores with a
weight that grows as the words match less (`intent.precedent_*` in the ranking file). Fitted and
judged by `scripts/fit_precedents.py`, leaving each tuning file out in turn. Stamped with the encoder
and the pages it was written for: on any other corpus it says nothing. It reorders only the pages the
lexical stages found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError
from search.query.intent import by_doc

FIX = "run `python scripts/fit_precedents.py --write` to write it again"


@dataclass(frozen=True)
class Precedents:
    """Past queries and page texts as unit sentence vectors, each labelled with the page it was after."""

    slugs: tuple[str, ...]  # the pages the labels index
    vectors: Vectors  # (rows, dimensions), unit rows
    labels: np.ndarray  # (rows,) index into slugs
    stamp: Stamp  # the encoder whose vectors these are
    pages: str  # pages_digest of the corpus they were written for

    def votes(self, vector: Vectors, k: int) -> Vectors:
        """Each page's share of the cosine-weighted vote of the k nearest rows (the slugs' order), summing to one."""
        sims = self.vectors @ vector.astype(np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        weights = np.maximum(sims[top], 0.0)
        out = np.zeros(len(self.slugs), dtype=np.float32)
        np.add.at(out, self.labels[top], weights)
        total = float(out.sum())
        return out / total if total > 0 else out

    def by_doc(self, vector: Vectors, by_slug: dict[str, int], size: int, k: int) -> Vectors:
        """The votes laid out by a generation's document numbers (0 for a page it does not know)."""
        return by_doc(self.slugs, self.votes(vector, k), by_slug, size)


def load_precedents(path: Path) -> Precedents:
    """Read a precedents file; errors name the file and how to write it again."""
    try:
        with np.load(path) as data:
            model = Precedents(
                slugs=tuple(str(s) for s in data["slugs"]),
                vectors=np.asarray(data["vectors"], dtype=np.float32),
                labels=np.asarray(data["labels"], dtype=np.int64),
                stamp=Stamp(**json.loads(str(data["stamp"]))),
                pages=str(data["pages"]),
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the precedents ({exc}); {FIX}") from None
    rows = model.vectors.shape[0] if model.vectors.ndim == 2 else 0
    if (
        rows == 0
        or model.vectors.shape[1] != model.stamp.dimensions
        or model.labels.shape != (rows,)
        or not 0 <= model.labels.min() <= model.labels.max() < len(model.slugs)
    ):
        raise ConfigError(
            f"{path}: expected rows of {model.stamp.dimensions} dimensions, each labelled with one of "
            f"{len(model.slugs)} pages; got vectors {model.vectors.shape} and labels {model.labels.shape}; {FIX}"
        )
    return model


def save_precedents(model: Precedents, path: Path) -> None:
    """Write a precedents file (vectors in half precision: cosines need no more)."""
    np.savez_compressed(
        path,
        allow_pickle=False,
        slugs=np.array(model.slugs),
        vectors=model.vectors.astype(np.float16),
        labels=model.labels.astype(np.int16),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
        pages=np.array(model.pages),
    )
