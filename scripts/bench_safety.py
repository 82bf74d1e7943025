"""Crisis check latency: p50/p99 microseconds per query over the safety tables.

    python scripts/bench_safety.py [--rounds 20]

"cold" is the first pass on freshly loaded rules (every word looked up for the first time);
"warm" is the following passes (word lookups cached, as in a running server); "steady p99" is
the p99 over queries of each query's median warm time, which a busy machine's pauses do not
move. The rules are frozen out of the garbage collector's reach after loading, as the server's
generation swap does (`search.query.collector.settle`). The target is a p99 under 500 µs. Also
prints how long loading the rules takes.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.query import collector  # noqa: E402
from search.safety import check, load_rules  # noqa: E402
from search.settings import Settings  # noqa: E402

TABLES = [
    *sorted((ROOT / "tests" / "relevance" / "safety").glob("set-*.tsv")),
    ROOT / "tests" / "relevance" / "safety.tsv",
]


def queries(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [row[0] for row in rows[1:] if row]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="warm passes over each table (default 20)")
    args = parser.parse_args()
    started = time.perf_counter()
    load_rules(Settings().safety_file)
    print(f"load and compile the rules: {(time.perf_counter() - started) * 1000:.0f} ms")
    header = ("table", "queries", "cold p50", "cold p99", "warm p50", "warm p99", "steady p99")
    print(f"{header[0]:<12} {header[1]:>7} " + " ".join(f"{h:>10}" for h in header[2:]) + "  (µs)")
    for path in TABLES:
        texts = queries(path)
        rules = load_rules(Settings().safety_file)  # fresh: empty word caches
        # As the server holds them: frozen after loading, so no full collection walks the rules' objects.
        collector.settle()
        cold: list[float] = []
        warm: list[list[float]] = [[] for _ in texts]
        for n in range(1 + args.rounds):
            for k, text in enumerate(texts):
                start = time.perf_counter_ns()
                check(text, rules)
                took = (time.perf_counter_ns() - start) / 1000
                (cold.append(took) if n == 0 else warm[k].append(took))
        every = [t for times in warm for t in times]
        steady = [statistics.median(times) for times in warm]
        figures = (statistics.median(cold), percentile(cold, 0.99), statistics.median(every), percentile(every, 0.99))
        print(
            f"{path.name:<12} {len(texts):>7} " + " ".join(f"{f:>10.0f}" for f in (*figures, percentile(steady, 0.99)))
        )


if __name__ == "__main__":
    main()
