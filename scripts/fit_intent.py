"""Fit the intent model (which page a query's meaning was after) on the tuning sets only.

    python scripts/fit_intent.py            # cross-validated acc@1 per tuning set, for each L2 and weight
    python scripts/fit_intent.py --write    # ... and writes search/resources/intent-model.npz

Examples: every tuning query that names its page (lay, misspelled, long, confusable, real words,
paraphrases, stories, Spanish; not the as-you-type prefixes, whose unfinished words mean nothing
to the encoder) and each page's own texts (title, summary, search phrases, symptoms, aliases).
The cross-validation holds out a fifth of the queries at a time (the pages' texts always stay in),
asks the engine once with the stage off, and scores the hits reordered by each setting on every
tuning set, the prefixes included: the `intent` section of the ranking file is chosen from this
table, by hand, each value with its reason.
tests/relevance/independent/ is never read here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder, page_texts  # noqa: E402
from search.evaluate import read_cases  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.pages import Page  # noqa: E402
from search.probe import pages_digest  # noqa: E402
from search.query.confidence import confidence  # noqa: E402
from search.query.config import IntentRules  # noqa: E402
from search.query.intent import IntentModel, intent_weight, reorder, save_intent_model  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
from search.settings import RESOURCES, Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

REL = ROOT / "tests" / "relevance"
TUNING = [
    *sorted(REL.glob("clinic-*.tsv")),
    *sorted((REL / "traffic-a").glob("*.tsv")),
    *sorted((REL / "meaning-a").glob("*.tsv")),
]
SCORED_ONLY = ("prefix",)  # as-you-type sets: their unfinished words teach nothing, but the order must not suffer
FOLDS = 5
L2 = 3e-5  # chosen by the table this script prints (with the ranking file's weight 1.0, floor 0.5, skip 0.95)
L2_GRID = (1e-4, 3e-5)
SKIP = 0.95  # the word match a query needs to be trusted as it is (as the semantic stage's)
RULES = [IntentRules(0.0, 1.0, SKIP)] + [
    IntentRules(w, f, s) for w in (0.5, 1.0, 2.0) for f in (0.0, 0.5, 1.0) for s in (SKIP, 1.01)
]
STEPS = 1500


def fit(x: np.ndarray, labels: np.ndarray, pages: int, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by full-batch Adam from zero (deterministic): weights (pages, dims), bias (pages,)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    onehot = np.eye(pages)[labels]
    w = np.zeros((d + 1, pages))
    m, v = np.zeros_like(w), np.zeros_like(w)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, STEPS + 1):
        z = xb @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = xb.T @ (p - onehot) / n
        grad[:-1] += 2 * l2 * w[:-1]
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        w -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return w[:-1].T.copy(), w[-1].copy()


def tuning_queries(row_of: dict[str, int]) -> list[tuple[str, str, int, tuple[str, ...]]]:
    """(set, query, label, expected) for every tuning query that names a page of `row_of`."""
    queries = []
    for path in TUNING:
        for case in read_cases(path):
            known = [e for e in case.expected if e in row_of]
            if known:
                queries.append((f"{path.parent.name}/{path.stem}", case.query, row_of[known[0]], case.expected))
    return queries


def clinic_pages() -> tuple[list[Page], list[str], dict[str, int], list[tuple[str, int]]]:
    """The clinic's pages, their slugs, each slug's row, and every page text with its page's row."""
    pages = list(load_pages([ROOT / "data" / "conditions"]).pages)
    slugs = [p.slug for p in pages]
    row_of = {slug: i for i, slug in enumerate(slugs)}
    return pages, slugs, row_of, [(t, row_of[p.slug]) for p in pages for t in page_texts(p)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the model beside the ranking file")
    args = parser.parse_args()
    settings = Settings()
    encoder = load_encoder()
    pages, slugs, row_of, texts = clinic_pages()
    queries = tuning_queries(row_of)
    taught = np.array([not any(k in name for k in SCORED_ONLY) for name, _, _, _ in queries])
    q_vectors = encoder.encode([q for _, q, _, _ in queries]).astype(np.float64)
    t_vectors = encoder.encode([t for t, _ in texts]).astype(np.float64)
    q_labels = np.array([label for _, _, label, _ in queries])
    t_labels = np.array([label for _, label in texts])
    print(
        f"{int(taught.sum())} tuning queries taught, {len(queries)} scored, {len(texts)} page texts, {len(slugs)} pages"
    )

    with tempfile.TemporaryDirectory() as tmp:
        build_index(pages, Path(tmp), encoder=encoder)
        searcher = Searcher(settings.model_copy(update={"index_dir": Path(tmp), "intent_model": None}))
        snap = searcher.snapshot
        explained = [searcher.explain(q) for _, q, _, _ in queries]
        gate = searcher.config.lexical_scope
        words_match = [confidence(x.words_features, gate) if x.words_features is not None else 0.0 for x in explained]
    folds = np.random.default_rng(0).integers(0, FOLDS, len(queries))
    names = sorted({s for s, _, _, _ in queries})
    heads = "  ".join(f"{n.split('/')[-1][:11]:>11}" for n in names)
    print(f"{'l2':>7} {'weight':>6} {'floor':>5} {'skip':>4}  {heads}   mean")
    for l2 in L2_GRID:
        held = np.zeros((len(queries), len(snap.heads)))  # each query's probabilities by document, out of fold
        for k in range(FOLDS):
            train = (folds != k) & taught
            x = np.vstack([q_vectors[train], t_vectors])
            y = np.concatenate([q_labels[train], t_labels])
            w, b = fit(x, y, len(slugs), l2)
            fold_model = IntentModel(tuple(slugs), w.astype(np.float32), b.astype(np.float32), encoder.stamp, "")
            for n in np.flatnonzero(folds == k).tolist():
                held[n] = fold_model.by_doc(q_vectors[n].astype(np.float32), snap.by_slug, len(snap.heads))
        for rules in RULES:
            right: dict[str, list[bool]] = {n: [] for n in names}
            for i, (name, _, _, expected) in enumerate(queries):
                ranked = reorder(explained[i].ranked, held[i], intent_weight(words_match[i], rules))
                first = snap.heads[ranked.hits[0].doc].slug if ranked.hits else ""
                right[name].append(first in expected)
            means = [float(np.mean(right[n])) for n in names]
            cells = "  ".join(f"{m:11.3f}" for m in means)
            row = f"{l2:7.0e} {rules.weight:6.2f} {rules.floor:5.2f} {rules.skip_scope:4.2f}  {cells}"
            print(row + f"  {np.mean(means):.3f}")
    x, y = np.vstack([q_vectors[taught], t_vectors]), np.concatenate([q_labels[taught], t_labels])
    w, b = fit(x, y, len(slugs), L2)
    model = IntentModel(tuple(slugs), w.astype(np.float32), b.astype(np.float32), encoder.stamp, pages_digest(slugs))
    if args.write:
        path = RESOURCES / "intent-model.npz"
        save_intent_model(model, path)
        print(f"written to {path}")


if __name__ == "__main__":
    main()
