"""Open one index and time every MedlinePlus lay, misspelled and story query once, in process.

    python scripts/bench_index.py /tmp/index-100k      # an index built from scripts/make_corpus.py output

Prints the open time, search p50 / p99 / max over the queries (each asked once, the first time:
what a term's first use costs is included) and the peak RSS of the process. A quick check between
full `scripts/bench.py` runs; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.query.searcher import Searcher  # noqa: E402
from search.settings import Settings  # noqa: E402

SETS = ["medlineplus-lay.tsv", "medlineplus-misspelled.tsv", "independent/meaning-b/story.tsv"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    searcher = Searcher(Settings(index_dir=args.index_dir))
    opened = time.perf_counter() - started
    queries: list[str] = []
    for name in SETS:
        with (ROOT / "tests" / "relevance" / name).open(encoding="utf-8") as handle:
            queries += [row[0] for row in list(csv.reader(handle, delimiter="\t"))[1:]]
    times = []
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    ms = np.array(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.index_dir}: {searcher.snapshot.bm25.size} pages, open {opened:.1f} s; {len(ms)} queries: "
        f"p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms; "
        f"peak RSS {rss:.0f} MiB"
    )


if __name__ == "__main__":
    main()
