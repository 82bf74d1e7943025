"""Benchmark the search service against its targets and against the engines a user might pick instead.

    .venv/bin/pip install -e '.[test,bench]'
    .venv/bin/python scripts/bench.py            # full run (30-60 minutes): writes docs/benchmarks.md
    .venv/bin/python scripts/bench.py --quick    # clinic + MedlinePlus, few queries, no peers: < 1 minute

For each corpus (the clinic's 29 pages, MedlinePlus's 981, and 10,000 and 100,000 pages made by
scripts/make_corpus.py) it builds the index in a child process (time, peak memory, size), opens it,
times search and suggest per query class in-process, scores accuracy@1 on the dev sets, runs the
same queries through the peers (whoosh, SQLite FTS5, tantivy, Typesense), and serves the index with
`condsearch serve --workers 2` under a loopback load generator. It prints the report, writes it to
docs/benchmarks.md (a full run) or --out, and the raw figures to results.json in the work folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import corpora, serving, snapshot
from bench.corpora import Corpus
from bench.machine import load_average, machine
from bench.peers import Doc, Peer, to_doc
from bench.peers.registry import PEERS, make_peer
from bench.queries import QuerySet, by_class, query_sets
from bench.report import ENGINE, render
from bench.results import ClassLatency, Http, Opened, PeerBuild, PeerLatency, Results
from bench.stats import summarize
from bench.timing import score, time_calls

from search.pages import Page
from search.query.searcher import Searcher
from search.settings import Settings
from search.sources import load_pages

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the checkout

DEFAULT_OUT = PROJECT_ROOT / "docs" / "benchmarks.md"
NOTES_MARKER = "<!-- Notes below this line are written by hand; scripts/bench.py keeps them. -->"
WARM_UP = ("warm up", "headache", "pain in my lower back")
DEV_CORPORA = ("clinic", "medlineplus")
STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, with the time since the start."""
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def _ranker(searcher: Searcher):  # type: ignore[no-untyped-def]
    return lambda q: [(h.slug, h.title) for h in searcher.search(q, limit=10).hits]


def measure_ours(corpus: Corpus, index_dir: Path, sets: Sequence[QuerySet], code: Path, results: Results) -> None:
    """Open the index, time search and suggest per class, then score the dev sets."""
    settings = Settings(
        index_dir=index_dir,
        data_dir=index_dir.parent / "var",
        lexicon_dir=code / "search" / "resources" / "lexicon",
        safety_file=code / "search" / "resources" / "safety.yaml",
    )
    started = time.perf_counter()
    searcher = Searcher(settings)
    results.opened.append(Opened(corpus.name, (time.perf_counter() - started) * 1000.0))
    classes = {klass: queries for klass, queries in by_class(sets).items() if queries}
    for query in WARM_UP:
        searcher.search(query)
        searcher.suggest(query)
    timed = _time_classes(searcher, classes, corpus.name, suggest=True)
    for qs in sets:
        if qs.accuracy:
            results.scores.append(score(ENGINE, corpus.name, qs, _ranker(searcher)))
    # The same classes with the semantic stage off, in a searcher of its own (a first ask each time
    # again): the difference is what the sentence encoder and the vectors cost per query.
    searcher = Searcher(settings.model_copy(update={"semantic": False}))
    for query in WARM_UP:
        searcher.search(query)
    words_only = _time_classes(searcher, classes, f"{corpus.name}, semantic stage off", suggest=False)
    for klass, (searched, suggested) in timed.items():
        lexical = summarize(words_only[klass][0])
        results.latency.append(ClassLatency(corpus.name, klass, summarize(searched), summarize(suggested), lexical))


def _time_classes(
    searcher: Searcher, classes: dict[str, list[str]], label: str, suggest: bool
) -> dict[str, tuple[list[float], list[float]]]:
    """Each class's search (and suggest) times, one call per query."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for klass, queries in classes.items():
        progress(f"{label}: {klass}, {len(queries)} queries")
        searched = time_calls(lambda q: searcher.search(q, limit=10), queries)
        out[klass] = (searched, time_calls(lambda q: searcher.suggest(q, 8), queries) if suggest else [])
    return out


def measure_peer(
    name: str,
    corpus: Corpus,
    docs: Sequence[Doc],
    sets: Sequence[QuerySet],
    work: Path,
    budget: float,
    results: Results,
) -> None:
    """Build one peer over the corpus, time the latency classes within the budget, score the dev sets."""
    made = make_peer(name)
    if isinstance(made, str):
        results.peer_builds.append(PeerBuild(name, corpus.name, error=made))
        progress(f"{corpus.name}: {name} unavailable: {made}")
        return
    peer: Peer = made
    titles = {d.slug: d.title for d in docs}
    try:
        progress(f"{corpus.name}: {name}: indexing {len(docs):,} docs")
        started = time.perf_counter()
        try:
            peer.build(docs, work)
        except Exception as exc:  # a peer that fails is reported, the run goes on
            results.peer_builds.append(PeerBuild(name, corpus.name, error=f"{type(exc).__name__}: {exc}"))
            progress(f"{corpus.name}: {name} failed: {exc}")
            return
        results.peer_builds.append(PeerBuild(name, corpus.name, time.perf_counter() - started, peer.size_mb()))
        for query in WARM_UP:
            peer.search(query, 10)
        for klass, queries in by_class(sets).items():
            if queries:
                timed = time_calls(lambda q: peer.search(q, 10), queries, budget)
                results.peer_latency.append(
                    PeerLatency(name, corpus.name, klass, len(queries), len(timed), summarize(timed))
                )
        for qs in sets:
            if qs.accuracy:
                progress(f"{corpus.name}: {name}: accuracy on {qs.name}")
                results.scores.append(
                    score(name, corpus.name, qs, lambda q: [(s, titles[s]) for s in peer.search(q, 10)])
                )
    finally:
        peer.close()


def measure_http(
    corpus: Corpus, index_dir: Path, sets: Sequence[QuerySet], args: argparse.Namespace, results: Results
) -> None:
    """Serve the index with --workers 2 and load /healthz, /search and /suggest in turn."""
    classes = by_class(sets)
    searches = [q for queries in classes.values() for q in queries]
    random.Random(args.seed).shuffle(searches)
    prefixes = classes["prefix"]
    log = index_dir.parent / "serve.log"
    progress(f"{corpus.name}: starting condsearch serve --workers {args.workers}")
    server = serving.start(index_dir, args.workers, log, index_dir.parent / "var", args.code)
    try:
        warm = max(1.0, args.http_seconds / 5)
        serving.measure(server, "/search", searches, args.clients, warm, 10**9)
        serving.measure(server, "/suggest", prefixes, args.clients, warm / 2, 10**9)
        runs = []
        for path, queries in (("/healthz", []), ("/search", searches), ("/suggest", prefixes)):
            progress(f"{corpus.name}: loading {path} for {args.http_seconds:.0f} s with {args.clients} clients")
            runs.append(serving.measure(server, path, queries, args.clients, args.http_seconds, args.max_requests))
        rss = tuple(serving.worker_rss_mb(server))
        switch = None
        if args.switch and corpus.name == "medlineplus":
            progress(f"{corpus.name}: building a new generation under load")
            switch = serving.switch_under_load(
                server, corpus, index_dir, searches, args.clients, index_dir.parent / "switch.log", args.code
            )
        results.http.append(
            Http(corpus.name, args.workers, args.clients, server.ready_seconds, tuple(runs), rss, switch)
        )
    finally:
        serving.stop(server)


def run_corpus(corpus: Corpus, work: Path, args: argparse.Namespace, results: Results) -> None:
    """Every measurement of one corpus."""
    folder = work / corpus.name
    index_dir = folder / "index"
    shutil.rmtree(folder, ignore_errors=True)
    results.load[f"{corpus.name} build"] = load_average()
    progress(f"{corpus.name}: indexing {corpus.pages:,} pages")
    build = corpora.build(corpus, index_dir, args.code)
    results.builds.append(build)
    progress(f"{corpus.name}: built in {build.seconds:.1f} s, peak {build.peak_rss_mb:.0f} MB")
    loaded = load_pages([corpus.source], corpus.mapping)
    pages: list[Page] = list(loaded.pages)
    sets = query_sets(corpus.kind, pages, corpus.name in DEV_CORPORA, args.limit, args.seed)
    results.load[f"{corpus.name} in-process"] = load_average()
    measure_ours(corpus, index_dir, sets, args.code, results)
    gc.collect()
    if args.peers:
        docs = [to_doc(p) for p in pages]
        results.load[f"{corpus.name} peers"] = load_average()
        for name in args.peers:
            measure_peer(name, corpus, docs, sets, folder / name, args.peer_budget, results)
            gc.collect()
        del docs
    del pages, loaded
    gc.collect()
    if args.workers > 0 and corpus.name in args.http_corpora:
        results.load[f"{corpus.name} http"] = load_average()
        measure_http(corpus, index_dir, sets, args, results)


def with_notes(report: str, out: Path) -> str:
    """The new report, followed by the hand-written notes of the file it replaces."""
    if out.exists():
        old = out.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            return report + "\n" + NOTES_MARKER + old.split(NOTES_MARKER, 1)[1]
    return report + "\n" + NOTES_MARKER + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; --quick changes the defaults, explicit options still win."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="clinic + MedlinePlus, few queries, no peers, short load")
    parser.add_argument("--out", type=Path, help="report file (default: docs/benchmarks.md; none with --quick)")
    parser.add_argument("--work", type=Path, help="folder for corpora and indexes (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temp work folder")
    parser.add_argument("--sizes", help="generated corpus sizes, comma-separated (default 10000,100000)")
    parser.add_argument("--peers", help=f"comma-separated peers (default all: {','.join(PEERS)}); 'none' for none")
    parser.add_argument("--limit", type=int, help="queries per set (default: all, titles 300)")
    parser.add_argument("--peer-budget", type=float, default=60.0, help="seconds per peer, class and corpus")
    parser.add_argument("--workers", type=int, default=2, help="server workers for the HTTP runs (0: no HTTP)")
    parser.add_argument(
        "--http", help="corpora served over HTTP, comma-separated (default: all; medlineplus with --quick)"
    )
    parser.add_argument("--no-switch", action="store_true", help="skip the generation switch under load")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--http-seconds", type=float, help="seconds of load per endpoint (default 15)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="request cap per endpoint run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpora and query samples")
    args = parser.parse_args(argv)
    sizes = args.sizes if args.sizes is not None else ("" if args.quick else "10000,100000")
    args.sizes = [int(s) for s in sizes.split(",") if s.strip()]
    peers = args.peers if args.peers is not None else ("none" if args.quick else ",".join(PEERS))
    args.peers = [] if peers == "none" else [p.strip() for p in peers.split(",") if p.strip()]
    unknown = [p for p in args.peers if p not in PEERS]
    if unknown:
        parser.error(f"--peers: unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    names = ["clinic", "medlineplus", *map(corpora.synthetic_name, args.sizes)]
    http = args.http if args.http is not None else ("medlineplus" if args.quick else ",".join(names))
    args.http_corpora = [c.strip() for c in http.split(",") if c.strip()]
    args.switch = not (args.no_switch or args.quick)
    if args.limit is None and args.quick:
        args.limit = 20
    if args.http_seconds is None:
        args.http_seconds = 1.0 if args.quick else 15.0
    if args.out is None and not args.quick:
        args.out = DEFAULT_OUT
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement, then print and write the report."""
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="condsearch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Children (builds, servers) run this copy: others may edit the working tree during a long run.
    args.code = snapshot.take(work)
    shown = ["python", "scripts/bench.py", *(sys.argv[1:] if argv is None else argv)]
    results = Results(
        command=shlex.join(shown),
        started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        quick=args.quick,
        machine=machine(),
    )
    plan = [corpora.clinic(args.code), corpora.medlineplus()]
    for size in args.sizes:
        progress(f"generating {size:,} pages (seed {args.seed})")
        plan.append(corpora.synthetic(size, work, args.seed))
    raw = work / "results.json"
    try:
        for corpus in plan:
            try:
                run_corpus(corpus, work, args, results)
            except Exception as exc:  # a failed phase is reported; the corpora after it are still measured
                results.errors.append(f"{corpus.name}: {type(exc).__name__}: {exc}")
                progress(f"{corpus.name}: failed: {type(exc).__name__}: {exc}")
            raw.write_text(json.dumps(dataclasses.asdict(results), indent=1), encoding="utf-8")
        results.seconds.append(time.perf_counter() - STARTED)
        raw.write_text(json.dumps(dataclasses.asdict(results), indent=1), encoding="utf-8")
        report = render(results)
        print(report)
        if args.out:
            args.out.write_text(with_notes(report, args.out), encoding="utf-8")
            progress(f"wrote {args.out}")
        if args.work is not None or args.keep:
            progress(f"raw figures: {raw}")
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if results.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
