"""Where a search's CPU goes: one request at a time over HTTP, next to the same searches in process.

    python scripts/bench_cost.py [--index DIR] [--passes 2] [--limit 300]

Builds the MedlinePlus index (981 topics) in a temp folder, or reads one you built, and takes the
query mix of `scripts/bench.py` (titles, title prefixes, lay, misspelled, 30-60 word descriptions).
Then:
- starts `condsearch serve --workers 1` twice (analytics on, then off) and sends `/healthz` and
  `/search` one request at a time on one keep-alive connection: no queueing and no other request to
  share the cores with, so the server's CPU per request is the cost of the request itself. The CPU is
  read from /proc per thread: the event loop's thread (HTTP, middleware, the search) and the others
  (the analytics writer: scrubbing, the corrected form, the database);
- times the same searches in this process, warm: `Searcher.search` with the semantic stage on and
  off, and the sentence encoder alone.

It prints what issue #17's ratio target allows a search (half of `/healthz`'s throughput: twice its
CPU per request) beside what each part costs. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench.corpora import MEDLINEPLUS, MEDLINEPLUS_MAP  # noqa: E402
from bench.procstat import thread_cpu_seconds  # noqa: E402
from bench.queries import by_class, query_sets  # noqa: E402
from bench.serving import Server, start, stop  # noqa: E402

from search.embedding import load_encoder  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.pages import Page  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
from search.settings import Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

WARM_UP = 200  # requests before timing: the generation's caches filled, as in a running server


@dataclass(frozen=True)
class Cost:
    """One endpoint, one request at a time: server CPU per request and the time the app measured."""

    label: str
    requests: int
    cpu_ms: float  # all threads of the worker, per request
    loop_ms: float  # the event loop's thread (HTTP, middleware, the search)
    other_ms: float  # every other thread (the analytics writer)
    server_ms: tuple[float, float, float]  # Server-Timing p50, p99, mean


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(pages: Sequence[Page], limit: int, seed: int) -> list[str]:
    """The MedlinePlus query mix of scripts/bench.py, every class, in a seeded shuffle."""
    texts = [q for qs in by_class(query_sets("medlineplus", pages, True, limit, seed)).values() for q in qs]
    random.Random(seed).shuffle(texts)
    return texts


def over_http(server: Server, label: str, path: str, texts: Sequence[str], passes: int) -> Cost:
    """Send every text `passes` times, one request at a time, and read the worker's CPU per thread."""
    pid = server.process.pid
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for text in texts[:WARM_UP]:
            client.get(path, params={"q": text})
        before = thread_cpu_seconds(pid)
        timings: list[float] = []
        for _ in range(passes):
            for text in texts:
                answer = client.get(path, params={"q": text})
                answer.raise_for_status()
                timings.append(float(answer.headers["server-timing"].split("dur=")[1]))
        after = thread_cpu_seconds(pid)
    spent = {tid: after[tid] - before.get(tid, 0.0) for tid in after}
    n = len(timings)
    loop = spent.get(pid, 0.0)
    other = sum(v for tid, v in spent.items() if tid != pid)
    server_ms = (percentile(timings, 0.5), percentile(timings, 0.99), statistics.fmean(timings))
    return Cost(label, n, (loop + other) / n * 1000, loop / n * 1000, other / n * 1000, server_ms)


def in_process(call: Callable[[str], object], texts: Sequence[str], passes: int) -> tuple[float, float, float]:
    """p50, p99 and mean in ms of warm calls (one untimed pass first)."""
    for text in texts:
        call(text)
    times: list[float] = []
    for _ in range(passes):
        for text in texts:
            started = time.perf_counter()
            call(text)
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5), percentile(times, 0.99), statistics.fmean(times)


def serve_costs(index: Path, work: Path, texts: Sequence[str], passes: int) -> list[Cost]:
    """The HTTP costs with analytics on, then off (a server each)."""
    costs: list[Cost] = []
    for analytics in (True, False):
        data = work / f"data-{'on' if analytics else 'off'}"
        data.mkdir()
        server = start(index, 1, work / f"serve-{data.name}.log", data, ROOT, analytics=analytics)
        try:
            tag = "analytics on" if analytics else "analytics off"
            costs.append(over_http(server, f"/healthz ({tag})", "/healthz", texts, passes))
            costs.append(over_http(server, f"/search ({tag})", "/search", texts, passes))
        finally:
            stop(server)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="a MedlinePlus index to reuse (default: build one)")
    parser.add_argument("--passes", type=int, default=2, help="timed passes over the query mix (default 2)")
    parser.add_argument("--limit", type=int, default=300, help="queries per class (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pages = list(load_pages([MEDLINEPLUS], MEDLINEPLUS_MAP).pages)
    texts = queries(pages, args.limit, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index = args.index
        if index is None:
            index = work / "mlp"
            build_index(pages, index, encoder=load_encoder())
        costs = serve_costs(index, work, texts, args.passes)
        settings = Settings(index_dir=index, analytics_enabled=False)
        on = Searcher(settings)
        off = Searcher(settings.model_copy(update={"semantic": False}))
        encoder = load_encoder()
        local = {
            "search, semantic stage on": in_process(lambda t: on.search(t, limit=10), texts, args.passes),
            "search, semantic stage off": in_process(lambda t: off.search(t, limit=10), texts, args.passes),
            "sentence encoder alone": in_process(encoder.encode_one, texts, args.passes),
        }
    print(f"MedlinePlus (981 pages), {len(texts)} queries x {args.passes} passes, one request at a time\n")
    print("| endpoint | requests | server CPU per request | event loop thread | other threads ", end="")
    print("| Server-Timing p50 / p99 / mean |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c in costs:
        p50, p99, mean = c.server_ms
        print(
            f"| {c.label} | {c.requests:,} | {c.cpu_ms:.2f} | {c.loop_ms:.2f} | {c.other_ms:.2f} "
            f"| {p50:.2f} / {p99:.2f} / {mean:.2f} |"
        )
    print("\n| in process, warm | p50 ms | p99 ms | mean ms |\n| --- | ---: | ---: | ---: |")
    for what, (p50, p99, mean) in local.items():
        print(f"| {what} | {p50:.2f} | {p99:.2f} | {mean:.2f} |")
    healthz = next(c for c in costs if c.label.startswith("/healthz (analytics on"))
    search = next(c for c in costs if c.label.startswith("/search (analytics on"))
    print(
        f"\nHalf of /healthz's throughput allows a search {2 * healthz.cpu_ms:.2f} ms of server CPU; "
        f"it takes {search.cpu_ms:.2f} ms ({search.cpu_ms / (2 * healthz.cpu_ms):.1f}x). "
        f"The sentence encoder alone takes {local['sentence encoder alone'][2]:.2f} ms (mean)."
    )


if __name__ == "__main__":
    main()
