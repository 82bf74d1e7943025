"""Write the precedents (past queries by page) and judge their vote, leaving each tuning file out in turn.

    python scripts/fit_precedents.py            # acc@1 per tuning file for each k, weight and floor
    python scripts/fit_precedents.py --write    # ... and writes search/resources/precedents.npz

Rows: every tuning query that names its page (the files `fit_intent.py` teaches from) and each
page's own texts. The table asks the engine once per query as it serves today (the page model on,
the precedents off), then, for each query, lets only the other files' queries and the page texts
vote: what an author's wording gains from other authors' queries. The page model was fitted on
every tuning file, the left-out one included, so the baseline column is in-sample and the gains
read low. The `intent.precedent_*` values in the ranking file are chosen from this table, by hand.
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

from fit_intent import SCORED_ONLY, clinic_pages, tuning_queries  # noqa: E402

from search.embedding import load_encoder  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.probe import pages_digest  # noqa: E402
from search.query.confidence import confidence  # noqa: E402
from search.query.config import IntentRules  # noqa: E402
from search.query.intent import intent_weight, reorder  # noqa: E402
from search.query.precedent import Precedents, save_precedents  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
from search.settings import RESOURCES, Settings  # noqa: E402

GRID = [(k, w, f) for k in (5, 10, 20) for w in (0.25, 0.5, 1.0) for f in (0.0, 0.5)]


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length one, in single precision."""
    return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the precedents beside the ranking file")
    args = parser.parse_args()
    settings = Settings()
    encoder = load_encoder()
    pages, slugs, row_of, texts = clinic_pages()
    # Not the as-you-type sets: unfinished words mean nothing to the encoder.
    queries = [q for q in tuning_queries(row_of) if not any(k in q[0] for k in SCORED_ONLY)]
    q_vectors = unit(encoder.encode([q for _, q, _, _ in queries]))
    t_vectors = unit(encoder.encode([t for t, _ in texts]))
    q_labels = np.array([label for _, _, label, _ in queries])
    t_labels = np.array([label for _, label in texts])
    files = np.array([f for f, _, _, _ in queries])
    names = sorted(set(files))
    print(f"{len(queries)} tuning queries in {len(names)} files, {len(texts)} page texts, {len(slugs)} pages")

    with tempfile.TemporaryDirectory() as tmp:
        build_index(pages, Path(tmp), encoder=encoder)
        searcher = Searcher(settings.model_copy(update={"index_dir": Path(tmp), "precedents": None}))
        snap = searcher.snapshot
        explained = [searcher.explain(q) for _, q, _, _ in queries]
        gate = searcher.config.lexical_scope
        skip = searcher.config.intent.skip_scope
    words_match = [confidence(x.words_features, gate) if x.words_features is not None else 0.0 for x in explained]
    # Each file's queries vote with the other files' queries and every page text, as served.
    left_out = {
        name: Precedents(
            tuple(slugs),
            np.vstack([q_vectors[files != name], t_vectors]),
            np.concatenate([q_labels[files != name], t_labels]),
            encoder.stamp,
            "",
        )
        for name in names
    }
    size = len(snap.heads)
    votes = {
        k: [left_out[name].by_doc(q_vectors[i], snap.by_slug, size, k) for i, (name, *_) in enumerate(queries)]
        for k in sorted({k for k, _, _ in GRID})
    }

    def accuracy(k: int, weight: float, floor: float) -> list[float]:
        right: dict[str, list[bool]] = {n: [] for n in names}
        for i, (name, _, _, expected) in enumerate(queries):
            ranked = explained[i].ranked
            if weight > 0:
                ranked = reorder(ranked, votes[k][i], intent_weight(words_match[i], IntentRules(weight, floor, skip)))
            first = snap.heads[ranked.hits[0].doc].slug if ranked.hits else ""
            right[name].append(first in expected)
        return [float(np.mean(right[n])) for n in names]

    base = accuracy(0, 0.0, 0.0)
    heads = " ".join(f"{n.split('/')[-1][:10]:>10}" for n in names)
    print(f"{'k':>3} {'weight':>6} {'floor':>5}  {heads}    mean  worst change")
    print(f"{'-':>3} {0.0:6.2f} {'-':>5}  " + " ".join(f"{m:10.3f}" for m in base) + f"  {np.mean(base):.4f}")
    for k, weight, floor in GRID:
        means = accuracy(k, weight, floor)
        worst = min(m - b for m, b in zip(means, base, strict=True))
        cells = " ".join(f"{m:10.3f}" for m in means)
        print(f"{k:3d} {weight:6.2f} {floor:5.2f}  {cells}  {np.mean(means):.4f}  {worst:+.3f}")
    model = Precedents(
        tuple(slugs),
        np.vstack([q_vectors, t_vectors]),
        np.concatenate([q_labels, t_labels]),
        encoder.stamp,
        pages_digest(slugs),
    )
    if args.write:
        path = RESOURCES / "precedents.npz"
        save_precedents(model, path)
        print(f"written to {path}")


if __name__ == "__main__":
    main()
