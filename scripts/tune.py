"""Grid-search ranking weights on the dev sets and print accuracy@1 per setting.

    python scripts/tune.py [--index-dir-medlineplus DIR] [--write]

Each grid point is a RankingConfig (search/resources/ranking.yaml with some values changed), passed
to its own Searcher: nothing is patched. `--write` stores the best point's values in the ranking
file, keeping each value's reason; the figures go to docs/relevance.md.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder  # noqa: E402
from search.evaluate import evaluate  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.query.config import RankingConfig, load_config, save_config, with_values  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
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


def point(base: RankingConfig, phrase: float, synonym: float, title: float, phrases_aliases: float) -> RankingConfig:
    """One point of the grid as a config."""
    weights = dict(base.retrieve.field_weights)
    weights.update(title=title, phrases=phrases_aliases, aliases=phrases_aliases)
    return with_values(
        base,
        rerank={"phrase_weight": phrase},
        expand={"synonym": synonym},
        retrieve={"field_weights": weights},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir-medlineplus", type=Path)
    parser.add_argument("--write", action="store_true", help="store the best point in the ranking file")
    args = parser.parse_args()
    settings = Settings()
    base = load_config(settings.ranking_file)
    with tempfile.TemporaryDirectory() as tmp:
        clinic_dir = Path(tmp) / "clinic"
        build_index(list(load_pages([ROOT / "data" / "conditions"]).pages), clinic_dir, encoder=load_encoder())
        mlp_dir = args.index_dir_medlineplus
        if mlp_dir is None:
            mlp_dir = Path(tmp) / "mlp"
            topics = load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP)
            build_index(list(topics.pages), mlp_dir, encoder=load_encoder())
        names = [n.removesuffix(".tsv") for n in CLINIC_SETS] + [p.stem for p in MLP_SETS]
        print(" ".join(f"{k:>8}" for k in GRID), " ".join(f"{n[:14]:>14}" for n in names), "    mean")
        rows = []
        for values in itertools.product(*GRID.values()):
            config = point(base, *values)
            clinic = Searcher(settings.model_copy(update={"index_dir": clinic_dir}), config)
            mlp = Searcher(settings.model_copy(update={"index_dir": mlp_dir}), config)
            accs = [evaluate(REL / n, clinic.search).accuracy_at_1 for n in CLINIC_SETS]
            accs += [evaluate(p, mlp.search).accuracy_at_1 for p in MLP_SETS]
            mean = sum(accs) / len(accs)
            rows.append((mean, values, accs))
            print(" ".join(f"{v:8.2f}" for v in values), " ".join(f"{a:14.3f}" for a in accs), f"{mean:8.4f}")
        best = max(rows)
        print("best:", dict(zip(GRID, best[1], strict=True)), f"mean {best[0]:.4f}")
        if args.write:
            save_config(point(base, *best[1]), settings.ranking_file)
            print(f"written to {settings.ranking_file}")


if __name__ == "__main__":
    main()
