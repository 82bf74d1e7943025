"""A third crisis signal: a message much nearer the tuning sets' crisis messages than anything else they hold.

The classifier draws one line through the sentence vectors; wording that one author's crisis messages
share closely with another's can sit on the wrong side of it. Here a rule-silent message counts as a
crisis when its nearest labelled crisis message is nearer, by a margin, than its nearest labelled
other row (everyday queries, figures of speech, alarming-but-safe questions) and the classifier
reads it at least at a gate probability. Both were fitted on the tuning sets, leaving each author's
set out in turn (scripts/fit_crisis.py, which writes the file), to add recall at the classifier's
own false alarm rate on their rule-silent non-crisis rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError

FIX = "run `python scripts/fit_crisis.py --write` to write it again"


@dataclass(frozen=True)
class CrisisNeighbours:
    """Labelled sentence vectors (unit rows), the margin the nearest crisis row must lead by, and the gate."""

    vectors: Vectors  # float32, one unit row per labelled message
    crisis: np.ndarray  # bool per row: a crisis message
    margin: float  # nearest crisis cosine minus nearest other cosine, above which a message is a crisis
    gate: float  # the classifier probability a message must also reach
    stamp: Stamp  # the encoder whose vectors these are

    def leads(self, queries: Vectors) -> Vectors:
        """For each query row, how much nearer its nearest crisis row is than its nearest other row (cosine)."""
        sims = queries.astype(np.float32) @ self.vectors.T
        return np.asarray(sims[:, self.crisis].max(axis=1) - sims[:, ~self.crisis].max(axis=1))

    def lead(self, vector: Vectors) -> float:
        """The lead of one query's vector."""
        return float(self.leads(vector[None, :])[0])

    def flags(self, vector: Vectors, probability: float) -> bool:
        """True when the nearest crisis row leads by the margin and the classifier reaches the gate."""
        return probability >= self.gate and self.lead(vector) > self.margin


def load_neighbours(path: Path) -> CrisisNeighbours:
    """Read a neighbours file written by scripts/fit_crisis.py; errors name the file and the fix."""
    try:
        with np.load(path) as data:
            model = CrisisNeighbours(
                vectors=np.asarray(data["vectors"], dtype=np.float32),
                crisis=np.asarray(data["crisis"], dtype=bool),
                margin=float(data["margin"]),
                gate=float(data["gate"]),
                stamp=Stamp(**json.loads(str(data["stamp"]))),
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the crisis neighbours ({exc}); {FIX}") from None
    rows, dims = model.vectors.shape if model.vectors.ndim == 2 else (0, 0)
    if dims != model.stamp.dimensions or model.crisis.shape != (rows,) or model.crisis.all() or not model.crisis.any():
        raise ConfigError(
            f"{path}: expected labelled rows of {model.stamp.dimensions} dimensions with both labels, "
            f"got vectors {model.vectors.shape} and labels {model.crisis.shape}; {FIX}"
        )
    return model


def save_neighbours(model: CrisisNeighbours, path: Path) -> None:
    """Write a neighbours file (vectors in half precision: cosines need no more)."""
    np.savez_compressed(
        path,
        allow_pickle=False,
        vectors=model.vectors.astype(np.float16),
        crisis=model.crisis.astype(bool),
        margin=np.array(model.margin, dtype=np.float64),
        gate=np.array(model.gate, dtype=np.float64),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
    )
