"""A logistic model over a query's sentence vector: the crisis classifier and the topic model are one.

Weights are fitted by scripts (fit_crisis.py, calibrate.py) and shipped as small .npz files beside
the rules, stamped with the encoder whose vectors they read and, when they describe one site's
pages (the topic model), with a digest of those pages: a model is never applied to vectors of
another encoder, nor to a corpus it was not fitted for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError


def pages_digest(slugs: Iterable[str]) -> str:
    """A short digest of a set of pages: which corpus a topic model was fitted for."""
    return hashlib.sha256("\n".join(sorted(slugs)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class VectorModel:
    """Weights over the sentence vector, a bias, and the probability above which it flags."""

    weights: Vectors
    bias: float
    threshold: float
    stamp: Stamp  # the encoder whose vectors it reads
    pages: str = ""  # pages_digest of the corpus it describes; "" for any corpus

    def probability(self, vector: Vectors) -> float:
        """The model's probability for a query vector."""
        z = self.bias + float(vector @ self.weights)
        return float(1.0 / (1.0 + np.exp(-max(-40.0, min(40.0, z)))))

    def flags(self, vector: Vectors) -> bool:
        """True when the probability reaches the threshold."""
        return self.probability(vector) >= self.threshold


def load_vector_model(path: Path, what: str, fix: str) -> VectorModel:
    """Read a model file; errors name the file, what it is and how to write it again."""
    try:
        with np.load(path) as data:
            stamp = Stamp(**json.loads(str(data["stamp"])))
            model = VectorModel(
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                stamp=stamp,
                pages=str(data["pages"]) if "pages" in data else "",
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc}); {fix}") from None
    if model.weights.shape != (stamp.dimensions,):
        raise ConfigError(f"{path}: weights have shape {model.weights.shape}, expected ({stamp.dimensions},); {fix}")
    return model


def save_vector_model(model: VectorModel, path: Path) -> None:
    """Write a model file."""
    np.savez(
        path,
        weights=model.weights.astype(np.float32),
        bias=np.float64(model.bias),
        threshold=np.float64(model.threshold),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
        pages=np.array(model.pages),
    )
