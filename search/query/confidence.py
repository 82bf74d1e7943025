"""Confidence: a calibrated probability that the top hit is the page the user wanted."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Logistic coefficients fitted by `python scripts/calibrate.py` on the dev sets (docs/relevance.md).
COEFFICIENTS = {"bias": -3.361, "coverage": 4.191, "margin": 3.929, "phrase": 1.259, "exact": -0.244}


@dataclass(frozen=True)
class Features:
    """What the ranker knows about a hit, each in [0, 1]."""

    coverage: float  # share of query clauses the hit matched
    margin: float  # lead of this hit's score over the next one, relative to its own
    phrase: float  # best whole-query phrase similarity
    exact: float  # share of matched clauses matched by typed words, not corrections

    def vector(self) -> dict[str, float]:
        """The features by name."""
        return {"coverage": self.coverage, "margin": self.margin, "phrase": self.phrase, "exact": self.exact}


def confidence(features: Features, coefficients: dict[str, float] | None = None) -> float:
    """Logistic model over the features, in [0, 1]."""
    coef = coefficients or COEFFICIENTS
    z = coef["bias"] + sum(coef[name] * value for name, value in features.vector().items())
    return 1.0 / (1.0 + math.exp(-z))
