"""Nearby: a query's sentence vector -> how much nearer past in-scope queries are than out-of-scope ones.

The topic model draws one line through the sentence vectors between this site's queries and everything
else; a query full of everyday detail ("zoom meetings with my camera on make me sweat through my
shirt") can sit near that line though a past query of another author says nearly the same thing. Here
the nearest tuning query that a page answered (or a page's own text) and the nearest one no page
answered are compared: the cosine lead, read as (1 + lead) / 2, is the `nearby` feature of scope and
confidence. Written by `scripts/calibrate.py --write`, which fits those models on each tuning file's
lead with that file's own rows left out; stamped with the encoder and the pages it was written for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError

FIX = "run `python scripts/calibrate.py --write` to write it again"
NEUTRAL_NEARBY = 0.5  # no lead either way: what the feature reads without an encoder or on another corpus


@dataclass(frozen=True)
class ScopeNeighbours:
    """Unit sentence vectors of past queries and page texts, each marked answered by a page or not."""

    vectors: Vectors  # float32, one unit row per query or page text
    inside: np.ndarray  # bool per row: a page answers it
    stamp: Stamp  # the encoder whose vectors these are
    pages: str  # pages_digest of the corpus they were written for

    def leads(self, queries: Vectors, keep: np.ndarray | None = None) -> Vectors:
        """Per query row: nearest answered row's cosine minus nearest unanswered one's (`keep`: rows it may read)."""
        sims = self.vectors @ queries.astype(np.float32).T  # rows by queries: one matrix-vector product for one query
        if keep is not None:
            sims = np.where(keep[:, None], sims, -1.0)
        return np.asarray(sims[self.inside].max(axis=0) - sims[~self.inside].max(axis=0))

    def reading(self, vector: Vectors) -> float:
        """The `nearby` feature of one query: (1 + lead) / 2, in [0, 1]."""
        return float((1.0 + self.leads(vector[None, :])[0]) / 2.0)


def load_scope_neighbours(path: Path) -> ScopeNeighbours:
    """Read a scope neighbours file; errors name the file and how to write it again."""
    try:
        with np.load(path) as data:
            model = ScopeNeighbours(
                vectors=np.asarray(data["vectors"], dtype=np.float32),
                inside=np.asarray(data["inside"], dtype=bool),
                stamp=Stamp(**json.loads(str(data["stamp"]))),
                pages=str(data["pages"]),
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the scope neighbours ({exc}); {FIX}") from None
    rows, dims = model.vectors.shape if model.vectors.ndim == 2 else (0, 0)
    if dims != model.stamp.dimensions or model.inside.shape != (rows,) or model.inside.all() or not model.inside.any():
        raise ConfigError(
            f"{path}: expected rows of {model.stamp.dimensions} dimensions, some answered by a page and some not; "
            f"got vectors {model.vectors.shape} and labels {model.inside.shape}; {FIX}"
        )
    return model


def save_scope_neighbours(model: ScopeNeighbours, path: Path) -> None:
    """Write a scope neighbours file (vectors in half precision: cosines need no more)."""
    np.savez_compressed(
        path,
        allow_pickle=False,
        vectors=model.vectors.astype(np.float16),
        inside=model.inside.astype(bool),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
        pages=np.array(model.pages),
    )
