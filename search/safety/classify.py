"""A second crisis signal: a logistic classifier over the query's sentence vector.

The rules in safety.yaml stay the reviewable core and answer first. This catches what no rule
words yet ("no le veo futuro a mi vida", "dont really care anymore if i live or die"): wording
whose meaning sits near the crisis messages of the tuning sets. It never overrides a recognised
figure of speech, and its threshold is fitted to raise no false alarm on the tuning sets'
everyday and alarming-but-safe queries (scripts/fit_crisis.py, which writes the model file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.embedding import Stamp, Vectors
from search.errors import ConfigError

CATEGORY = "similar-wording"  # the category a classifier match reports: no rule named it


@dataclass(frozen=True)
class CrisisClassifier:
    """Weights over the sentence vector, a bias, and the probability above which it flags."""

    weights: Vectors
    bias: float
    threshold: float
    stamp: Stamp  # the model whose vectors it reads

    def probability(self, vector: Vectors) -> float:
        """How likely the query is a crisis message, by its meaning."""
        return float(1.0 / (1.0 + np.exp(-(self.bias + float(vector @ self.weights)))))

    def flags(self, vector: Vectors) -> bool:
        """True when the query's meaning is a crisis message's."""
        return self.probability(vector) >= self.threshold


@dataclass(frozen=True)
class ClassifierMatch:
    """A crisis recognised by the classifier (the notice reads phrase and category)."""

    probability: float
    phrase: str = ""
    category: str = CATEGORY


def load_classifier(path: Path) -> CrisisClassifier:
    """Read a classifier written by scripts/fit_crisis.py; errors name the file and the fix."""
    fix = "run `python scripts/fit_crisis.py --write` to write it again"
    try:
        with np.load(path) as data:
            stamp = Stamp(**json.loads(str(data["stamp"])))
            model = CrisisClassifier(
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                stamp=stamp,
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read the crisis classifier ({exc}); {fix}") from None
    if model.weights.shape != (stamp.dimensions,):
        raise ConfigError(f"{path}: weights have shape {model.weights.shape}, expected ({stamp.dimensions},); {fix}")
    return model


def save_classifier(model: CrisisClassifier, path: Path) -> None:
    """Write a classifier beside the rules."""
    np.savez(
        path,
        weights=model.weights.astype(np.float32),
        bias=np.float64(model.bias),
        threshold=np.float64(model.threshold),
        stamp=np.array(json.dumps(model.stamp.as_dict())),
    )
