"""The semantic stage's cost per query class, and whole searches with and without it.

    python scripts/bench_semantic.py [--rounds 3] [--medlineplus-index DIR]

Builds the clinic index (29 pages) and the MedlinePlus one (981 topics) in a temp folder (or reads
a MedlinePlus index you built), then times, in-process and warm (after one untimed pass):
the encoder alone per query (`encode`), and `Searcher.search(q, limit=10)` with the stage on and
off (`CONDSEARCH_SEMANTIC=false`: no encoder, no crisis classifier, no topic model). Short
queries are the lay, misspelled and Spanish sets; long ones the stories and 30-60 word
descriptions. Prints p50 and p99 in ms per corpus and class; "steady p99" is the p99 over queries
of each query's median time, which a busy machine's pauses do not move.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder  # noqa: E402
from search.evaluate import read_cases  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
from search.settings import Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

SHARED = ROOT.parent / "shared"
REL = ROOT / "tests" / "relevance"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
CLASSES = {
    "clinic": {
        "short": [
            REL / "traffic-a" / "lay.tsv",
            REL / "traffic-a" / "misspelled.tsv",
            REL / "meaning-a" / "spanish.tsv",
        ],
        "long": [REL / "meaning-a" / "story.tsv", REL / "clinic-long.tsv"],
    },
    "medlineplus": {
        "short": [REL / "medlineplus-lay.tsv", REL / "medlineplus-misspelled.tsv"],
        "long": [SHARED / "eval" / "dev" / "medlineplus-symptom-descriptions.tsv"],
    },
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Callable[[str], object], texts: list[str], rounds: int) -> tuple[float, float, float]:
    """p50, p99 and steady p99 of warm calls, in ms."""
    for text in texts:
        call(text)  # warm: postings decoded, caches filled, as in a running server
    per_query: list[list[float]] = [[] for _ in texts]
    for _ in range(rounds):
        for k, text in enumerate(texts):
            started = time.perf_counter()
            call(text)
            per_query[k].append((time.perf_counter() - started) * 1000)
    flat = [t for times in per_query for t in times]
    steady = [statistics.median(times) for times in per_query]
    return percentile(flat, 0.5), percentile(flat, 0.99), percentile(steady, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over each class (default 3)")
    parser.add_argument("--medlineplus-index", type=Path, help="an index of the MedlinePlus topics to reuse")
    args = parser.parse_args()
    encoder = load_encoder()
    with tempfile.TemporaryDirectory() as tmp:
        indexes = {"clinic": Path(tmp) / "clinic", "medlineplus": args.medlineplus_index or Path(tmp) / "mlp"}
        build_index(list(load_pages([ROOT / "data" / "conditions"]).pages), indexes["clinic"], encoder=encoder)
        if args.medlineplus_index is None:
            topics = load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP).pages
            build_index(list(topics), indexes["medlineplus"], encoder=encoder)
        print(f"{'corpus':12} {'class':6} {'n':>5} {'what':16} {'p50':>7} {'p99':>7} {'steady p99':>11}  (ms)")
        for corpus, classes in CLASSES.items():
            settings = Settings(index_dir=indexes[corpus], analytics_enabled=False)
            on = Searcher(settings)
            off = Searcher(settings.model_copy(update={"semantic": False}))
            for name, files in classes.items():
                texts = [c.query for f in files for c in read_cases(f)]
                rows = {
                    "encode": timed(encoder.encode_one, texts, args.rounds),
                    "search, stage on": timed(partial(on.search, limit=10), texts, args.rounds),
                    "search, stage off": timed(partial(off.search, limit=10), texts, args.rounds),
                }
                for what, (p50, p99, steady) in rows.items():
                    print(f"{corpus:12} {name:6} {len(texts):>5} {what:16} {p50:7.2f} {p99:7.2f} {steady:11.2f}")


if __name__ == "__main__":
    main()
