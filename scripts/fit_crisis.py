"""Fit the crisis classifier (a second signal beside the rules) on the tuning sets only.

    python scripts/fit_crisis.py            # prints cross-validated figures and the threshold
    python scripts/fit_crisis.py --write    # ... and writes search/resources/crisis-classifier.npz

Positives: the crisis messages of the tuning crisis sets (tests/relevance/safety/). Negatives: their
non-crisis rows (figures of speech, alarming-but-safe, everyday queries) and the everyday queries of
the tuning traffic and meaning sets (rows expecting the crisis page are left out of both). The
threshold is the lowest probability at which no tuning negative the rules leave silent is flagged
in 5-fold cross-validation: the classifier adds recall, never a false alarm the tuning data show.
tests/relevance/independent/ is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder  # noqa: E402
from search.evaluate import read_cases  # noqa: E402
from search.evaluate_safety import read_safety_cases  # noqa: E402
from search.safety import detect, load_rules  # noqa: E402
from search.safety.classify import CrisisClassifier, save_classifier  # noqa: E402
from search.settings import RESOURCES, Settings  # noqa: E402

REL = ROOT / "tests" / "relevance"
CRISIS_SETS = [REL / "safety" / f"set-{n}.tsv" for n in "acdefghi"]
EVERYDAY_SETS = [
    REL / "traffic-a" / f"{n}.tsv" for n in ("lay", "misspelled", "out-of-scope", "real-words", "prefix", "typo-prefix")
] + [REL / "meaning-a" / f"{n}.tsv" for n in ("paraphrase", "story", "spanish")]
L2 = 1e-4  # light: 512 weights over ~4,000 examples
STEPS = 6000
FOLDS = 5
MARGIN = 0.002  # the threshold sits just above the highest cross-validated false alarm


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """L2 logistic regression by gradient descent (bias first), classes weighted equally."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    weight = np.where(y == 1, 0.5 / y.sum(), 0.5 / (1 - y).sum()) * len(y)
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        w -= xb.T @ ((p - y) * weight) / len(y) + L2 * np.r_[0.0, w[1:]]
    return w


def probabilities(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The fitted model's probabilities."""
    return 1.0 / (1.0 + np.exp(-(w[0] + x @ w[1:])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the classifier beside the safety rules")
    args = parser.parse_args()
    settings = Settings()
    rules = load_rules(settings.safety_file)
    texts: list[str] = []
    labels: list[float] = []
    for path in CRISIS_SETS:
        for case in read_safety_cases(path):
            texts.append(case.query)
            labels.append(float(case.crisis))
    for path in EVERYDAY_SETS:
        for row in read_cases(path):
            if settings.crisis_page not in row.expected:
                texts.append(row.query)
                labels.append(0.0)
    encoder = load_encoder()
    x = encoder.encode(texts).astype(np.float64)
    y = np.array(labels)
    detections = [detect(t, rules) for t in texts]
    # The classifier is asked only when the rules are silent and recognise no figure of speech.
    asked = np.array([d.crisis is None and d.figure is None for d in detections])
    folds = np.random.default_rng(0).integers(0, FOLDS, len(y))
    oof = np.zeros(len(y))
    for k in range(FOLDS):
        oof[folds == k] = probabilities(fit(x[folds != k], y[folds != k]), x[folds == k])
    negatives = asked & (y == 0)
    threshold = min(0.999, float(oof[negatives].max()) + MARGIN)
    print(
        f"{len(y)} tuning texts: {int(y.sum())} crisis, {int((y == 0).sum())} not; rules silent on {int(asked.sum())}"
    )
    print(f"threshold {threshold:.3f}: the highest cross-validated probability of a silent negative + {MARGIN}")
    for text, p in sorted(zip(np.array(texts)[negatives], oof[negatives], strict=True), key=lambda r: -r[1])[:8]:
        print(f"  negative {p:.3f}  {text[:90]!r}")
    missed = asked & (y == 1)
    print(
        f"crisis messages the rules miss in tuning: {int(missed.sum())}, flagged out of fold: "
        f"{int((missed & (oof >= threshold)).sum())}"
    )
    w = fit(x, y)
    model = CrisisClassifier(w[1:].astype(np.float32), float(w[0]), round(threshold, 3), encoder.stamp)
    if args.write:
        path = RESOURCES / "crisis-classifier.npz"
        save_classifier(model, path)
        print(f"written to {path}")


if __name__ == "__main__":
    main()
