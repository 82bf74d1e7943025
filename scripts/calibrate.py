"""Fit the confidence model and pick the unmatched threshold on the dev sets.

    python scripts/calibrate.py            # prints coefficients, reliability and threshold table

The label of a query is whether its top hit is acceptable; the features are those of the top hit
(search/query/confidence.py). Paste the printed COEFFICIENTS into that module.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.evaluate import read_cases  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.query import confidence as conf  # noqa: E402
from search.query import pipeline  # noqa: E402
from search.settings import Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

SHARED = ROOT.parent / "shared"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
NAMES = ("coverage", "margin", "phrase", "exact", "strength")
# MedlinePlus topics a clinic page can answer; every other MedlinePlus query is out of scope for the
# clinic index, so any top hit there is wrong: the negatives that teach confidence to say "no".
CLINIC_TOPICS = (
    "depress",
    "bipolar",
    "anxiety",
    "panic",
    "stress",
    "obsess",
    "alcohol",
    "opioid",
    "pain",
    "fibromyalgia",
    "migraine",
    "headache",
    "neur",
    "nerve",
    "shingles",
    "sleep",
    "insomnia",
    "suicid",
    "grief",
    "bereavement",
    "affective",
    "postpartum",
    "phobia",
    "mental",
    "drug",
    "substance",
    "trauma",
    "limb",
    "amput",
    "chemotherapy",
    "diabet",
    "back",
)


def collect(searcher: pipeline.Searcher, files: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """Top-hit features and correctness for every query of the files."""
    rows: list[list[float]] = []
    labels: list[float] = []
    for path in files:
        for case in read_cases(path):
            snap = searcher.snapshot
            query = pipeline.parse(case.query)
            the_plan = pipeline.plan(query, snap.corrector, snap.stats.vocabulary, snap.lexicon, snap.stats.term_idf)
            result = searcher.search(case.query, limit=1)
            if not result.hits:
                rows.append([0.0] * len(NAMES))
                labels.append(0.0)
                continue
            ranked = pipeline.ranked_for(snap, the_plan, query)
            feats = pipeline.features(snap, the_plan, ranked, 0)
            rows.append([getattr(feats, n) for n in NAMES])
            top = result.hits[0]
            labels.append(float(top.slug.lower() in case.expected or top.title.lower() in case.expected))
    return np.array(rows), np.array(labels)


def out_of_scope(searcher: pipeline.Searcher, files: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """Features of the clinic index's top hit for MedlinePlus queries no clinic page answers."""
    rows: list[list[float]] = []
    for path in files:
        for case in read_cases(path):
            if any(word in " ".join(case.expected) for word in CLINIC_TOPICS):
                continue
            snap = searcher.snapshot
            query = pipeline.parse(case.query)
            the_plan = pipeline.plan(query, snap.corrector, snap.stats.vocabulary, snap.lexicon, snap.stats.term_idf)
            ranked = pipeline.ranked_for(snap, the_plan, query)
            if ranked:
                feats = pipeline.features(snap, the_plan, ranked, 0)
                rows.append([getattr(feats, n) for n in NAMES])
    return np.array(rows), np.zeros(len(rows))


def fit(x: np.ndarray, y: np.ndarray, steps: int = 20000, rate: float = 0.5, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by gradient descent (bias first)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        w -= rate * (xb.T @ (p - y) / len(y) + l2 * np.r_[0.0, w[1:]])
    return w


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clinic_dir, mlp_dir = Path(tmp) / "clinic", Path(tmp) / "mlp"
        build_index(list(load_pages([ROOT / "data" / "conditions"]).pages), clinic_dir)
        build_index(
            list(load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP).pages), mlp_dir
        )
        clinic = pipeline.Searcher(Settings(index_dir=clinic_dir))
        mlp = pipeline.Searcher(Settings(index_dir=mlp_dir))
        rel = ROOT / "tests" / "relevance"
        x1, y1 = collect(clinic, sorted(rel.glob("clinic-*.tsv")))
        descriptions = SHARED / "eval/dev/medlineplus-symptom-descriptions.tsv"
        x2, y2 = collect(mlp, [*sorted(rel.glob("medlineplus-*.tsv")), descriptions])
        x3, y3 = out_of_scope(clinic, sorted(rel.glob("medlineplus-*.tsv")))
        print(f"{len(y3)} out-of-scope queries against the clinic index")
    x, y = np.vstack([x1, x2, x3]), np.concatenate([y1, y2, y3])
    w = fit(x, y)
    coefficients = {"bias": round(float(w[0]), 3), **{n: round(float(v), 3) for n, v in zip(NAMES, w[1:], strict=True)}}
    print(f"{len(y)} queries, {int(y.sum())} with a correct top hit")
    print("COEFFICIENTS =", coefficients)
    p = np.array([conf.confidence(conf.Features(*row), coefficients) for row in x])
    print("\nreliability: predicted confidence bin -> observed share correct (n)")
    for lo in np.arange(0.0, 1.0, 0.1):
        mask = (p >= lo) & (p < lo + 0.1)
        if mask.any():
            print(f"  {lo:.1f}-{lo + 0.1:.1f}: {y[mask].mean():.2f} ({int(mask.sum())})")
    print("\nunmatched threshold: flags top confidence below it; precision = flagged that were wrong,")
    print("recall = wrong answers flagged")
    wrong = y == 0
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        flagged = p < t
        precision = (flagged & wrong).sum() / max(1, flagged.sum())
        recall = (flagged & wrong).sum() / max(1, wrong.sum())
        print(f"  {t:.2f}: precision {precision:.2f}  recall {recall:.2f}  flagged {int(flagged.sum())}")


if __name__ == "__main__":
    main()
