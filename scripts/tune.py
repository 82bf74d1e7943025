"""Grid-search the ranking weights on the dev sets and print accuracy@1 per setting.

    python scripts/tune.py [--index-dir-medlineplus DIR]

Weights are module constants (search/query/retrieve.py, expand.py, pipeline.py); this script sets
them in-process, so nothing is written. The chosen values and their figures go to docs/relevance.md.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.evaluate import evaluate  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.query import expand, pipeline, retrieve  # noqa: E402
from search.settings import Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

SHARED = ROOT.parent / "shared"
REL = ROOT / "tests" / "relevance"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
CLINIC_SETS = [
    "clinic-lay.tsv",
    "clinic-misspelled.tsv",
    "clinic-prefix.tsv",
    "clinic-confusable.tsv",
    "clinic-long.tsv",
]
MLP_SETS = [REL / "medlineplus-lay.tsv", REL / "medlineplus-misspelled.tsv"]

GRID = {
    "phrase": [0.4, 0.6, 0.9],
    "synonym": [0.35, 0.5],
    "title": [2.0, 3.0, 4.0],
    "phrases_aliases": [2.0, 2.5, 3.5],
}


def apply(phrase: float, synonym: float, title: float, phrases_aliases: float) -> None:
    """Set one point of the grid."""
    pipeline.PHRASE_WEIGHT = phrase
    expand.SYNONYM_WEIGHT = synonym
    weights = dict(retrieve.FIELD_WEIGHTS)
    weights.update(title=title, phrases=phrases_aliases, aliases=phrases_aliases)
    retrieve.FIELD_WEIGHTS = weights
    # score_clauses binds its default at definition time: pass the weights through the module.
    retrieve.score_clauses.__defaults__ = (weights,)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir-medlineplus", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clinic_dir = Path(tmp) / "clinic"
        build_index(list(load_pages([ROOT / "data" / "conditions"]).pages), clinic_dir)
        mlp_dir = args.index_dir_medlineplus
        if mlp_dir is None:
            mlp_dir = Path(tmp) / "mlp"
            topics = load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP)
            build_index(list(topics.pages), mlp_dir)
        clinic = pipeline.Searcher(Settings(index_dir=clinic_dir))
        mlp = pipeline.Searcher(Settings(index_dir=mlp_dir))
        names = [n.removesuffix(".tsv") for n in CLINIC_SETS] + [p.stem for p in MLP_SETS]
        print(" ".join(f"{k:>8}" for k in GRID), " ".join(f"{n[:14]:>14}" for n in names), "    mean")
        rows = []
        for point in itertools.product(*GRID.values()):
            apply(*point)
            accs = [evaluate(REL / n, lambda q: clinic.search(q)).accuracy_at_1 for n in CLINIC_SETS]
            accs += [evaluate(p, lambda q: mlp.search(q)).accuracy_at_1 for p in MLP_SETS]
            mean = sum(accs) / len(accs)
            rows.append((mean, point, accs))
            print(" ".join(f"{v:8.2f}" for v in point), " ".join(f"{a:14.3f}" for a in accs), f"{mean:8.4f}")
        best = max(rows)
        print("best:", dict(zip(GRID, best[1], strict=True)), f"mean {best[0]:.4f}")


if __name__ == "__main__":
    main()
