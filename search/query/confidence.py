"""Confidence: a calibrated probability that the top hit is the page the user wanted."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Logistic coefficients fitted by `python scripts/calibrate.py` on the dev sets (docs/relevance.md).
COEFFICIENTS = {
    "bias": -4.273,
    "coverage": 3.175,
    "margin": 1.965,
    "phrase": 3.195,
    "exact": 1.442,
    "strength": 0.213,
}


@dataclass(frozen=True)
class Features:
    """What the ranker knows about a hit, each in [0, 1]."""

    coverage: float  # share of query clauses the hit matched
    margin: float  # lead of this hit's BM25F over the best other hit's, relative to a full match
    phrase: float  # best whole-query phrase similarity
    exact: float  # share of matched clauses matched by typed words, not corrections
    strength: float = 0.0  # raw BM25F over the score of a page matching every clause at saturation

    def vector(self) -> dict[str, float]:
        """The features by name."""
        return {
            "coverage": self.coverage,
            "margin": self.margin,
            "phrase": self.phrase,
            "exact": self.exact,
            "strength": self.strength,
        }


def confidence(features: Features, coefficients: dict[str, float] | None = None) -> float:
    """Logistic model over the features, in [0, 1]."""
    coef = coefficients or COEFFICIENTS
    z = coef["bias"] + sum(coef[name] * value for name, value in features.vector().items())
    return 1.0 / (1.0 + math.exp(-z))
