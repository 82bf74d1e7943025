"""A second crisis signal: a logistic classifier over the query's sentence vector and its spelling.

The rules in safety.yaml stay the reviewable core and answer first. This catches what no rule
words yet ("no le veo futuro a mi vida", "dont really care anymore if i live or die"): wording
whose meaning sits near the crisis messages of the tuning sets, or whose words are spelt like
theirs (hashed character n-grams: slang, regional Spanish, misspellings). It never overrides a recognised
figure of speech, and its threshold is fitted to flag at most one in a thousand of the tuning sets'
rule-silent everyday and alarming-but-safe queries (scripts/fit_crisis.py, which writes the model file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from search.probe import VectorModel, load_vector_model, save_vector_model

CATEGORY = "similar-wording"  # the category a classifier match reports: no rule named it
CrisisClassifier = VectorModel


@dataclass(frozen=True)
class ClassifierMatch:
    """A crisis recognised by the classifier (the notice reads phrase and category)."""

    probability: float
    phrase: str = ""
    category: str = CATEGORY


def load_classifier(path: Path) -> CrisisClassifier:
    """Read a classifier written by scripts/fit_crisis.py; errors name the file and the fix."""
    return load_vector_model(path, "crisis classifier", "run `python scripts/fit_crisis.py --write` to write it again")


def save_classifier(model: CrisisClassifier, path: Path) -> None:
    """Write a classifier beside the rules."""
    save_vector_model(model, path)
