"""The Markdown report of a run: the tables docs/benchmarks.md holds, with the command that made them."""

from __future__ import annotations

from collections.abc import Sequence

from bench.queries import CLASSES
from bench.results import Results
from bench.stats import Latency
from bench.targets import verdicts

ENGINE = "condsearch"
REPRODUCE = """```sh
python3 -m venv .venv && .venv/bin/pip install -e '.[test,bench]'   # the peers are the `bench` extra
.venv/bin/python scripts/bench.py            # full run: writes docs/benchmarks.md (30-60 minutes)
.venv/bin/python scripts/bench.py --quick    # clinic + MedlinePlus, few queries, no peers: under a minute
```"""


def table(header: Sequence[str], rows: Sequence[Sequence[object]], right_from: int = 1) -> list[str]:
    """A Markdown table; columns from `right_from` on are right-aligned (numbers)."""
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def ms(value: float) -> str:
    """Milliseconds, two decimals under 10, one above."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def lat(latency: Latency) -> str:
    """p50 / p99 in one cell."""
    return f"{ms(latency.p50)} / {ms(latency.p99)}"


def _engines(results: Results) -> list[str]:
    names = [ENGINE]
    for b in results.peer_builds:
        if b.engine not in names:
            names.append(b.engine)
    return names


def _header(results: Results) -> list[str]:
    m = results.machine
    versions = ", ".join(f"{k} {v}" for k, v in m.versions.items())
    load = "; ".join(f"{phase} {values[0]:.2f}" for phase, values in results.load.items())
    total = f"{results.seconds[0] / 60:.1f} min" if results.seconds else "?"
    return [
        "# Benchmarks",
        "",
        "Search-as-you-type must feel instant: hosted engines promise answers under 50 ms end to end. These are",
        "our server's figures at the clinic's size and far beyond it, next to the engines a user would pick",
        "instead, measured in one run by `scripts/bench.py`"
        + (" in its `--quick` mode (few queries, no peers, no 10k/100k)." if results.quick else "."),
        "",
        "Reproduce from a fresh clone (with `../shared` beside the repository):",
        "",
        REPRODUCE,
        "",
        f"This run: `{results.command}`, started {results.started}, took {total}.",
        f"Machine: {m.cpu}, {m.cores} cores, {m.memory_gb:.0f} GiB; Python {m.python}; commit {m.commit[:12]}"
        + (" with uncommitted changes" if m.dirty else "")
        + ".",
        f"Versions: {versions}.",
        "Builds and servers run a copy of `search/` and `data/` taken when the run starts, so that edits made",
        "to the working tree during a long run cannot mix two versions of the code in one report.",
        "",
        f"Load average (1 min) at the start of each phase: {load}. The machine is shared: a load above the",
        "2 cores means other processes ran during that phase, and its figures are pessimistic.",
        "",
    ]


def _targets(results: Results) -> list[str]:
    rows = []
    for v in verdicts(results):
        mark = "not measured" if v.met is None else ("**met**" if v.met else "**missed**")
        rows.append((v.target, v.measured, mark))
    return ["## Targets", "", *table(("target", "measured", "verdict"), rows, right_from=3)]


def _builds(results: Results) -> list[str]:
    opened = {o.corpus: o.milliseconds for o in results.opened}
    rows = [
        (
            b.corpus,
            f"{b.pages:,}",
            f"{b.seconds:.1f}",
            f"{b.build_seconds:.1f}",
            f"{b.peak_rss_mb:.0f}",
            f"{b.index_mb:.1f}",
            f"{opened.get(b.corpus, 0.0):.0f}",
        )
        for b in results.builds
    ]
    header = ("corpus", "pages", "build s", "of which build_index s", "build peak RSS MB", "index MB", "open ms")
    return [
        "## Index: build, size, open",
        "",
        "`build s` is the wall time of `condsearch index` in a child process (start-up, reading the source,",
        "building, writing); `build peak RSS` is that child's ru_maxrss (getrusage's RUSAGE_CHILDREN figure, read",
        "for that child alone with os.wait4). `index MB` is the generation folder. `open ms` is the",
        "construction of `Searcher` (opening the generation and building its query-time structures).",
        "",
        *table(header, rows),
    ]


def _latency(results: Results) -> list[str]:
    rows = [
        (
            r.corpus,
            r.klass,
            r.search.n,
            ms(r.search.p50),
            ms(r.search.p95),
            ms(r.search.p99),
            ms(r.suggest.p50),
            ms(r.suggest.p95),
            ms(r.suggest.p99),
        )
        for r in results.latency
    ]
    header = ("corpus", "class", "n", "search p50", "p95", "p99", "suggest p50", "p95", "p99")
    return [
        "## In-process latency (ms)",
        "",
        "`Searcher.search(q, limit=10)` and `Searcher.suggest(q, 8)`, each query timed once with",
        "`perf_counter`, the first time it is asked in the process. Classes: `title` exact titles (a seeded",
        "sample of the corpus's pages); `lay` and `misspelled` the `tests/relevance` sets of the corpus's kind",
        "(clinic or MedlinePlus); `prefix` `clinic-prefix.tsv` (clinic) plus titles cut inside a word;",
        "`long` `clinic-long.tsv` (clinic) or the 30-60-word MedlinePlus symptom descriptions. The 10k and 100k",
        "corpora use the MedlinePlus sets.",
        "",
        *table(header, rows, right_from=2),
    ]


def _semantic(results: Results) -> list[str]:
    rows = [
        (r.corpus, r.klass, r.search.n, lat(r.search), lat(r.lexical), ms(r.search.p50 - r.lexical.p50))
        for r in results.latency
        if r.lexical is not None
    ]
    if not rows:
        return []
    header = ("corpus", "class", "n", "stage on p50 / p99", "stage off p50 / p99", "cost at p50")
    return [
        "## What the semantic stage costs per query class (ms)",
        "",
        "The same queries in the same process, searched by a second `Searcher` with the semantic stage off",
        "(`CONDSEARCH_SEMANTIC=false`: no sentence encoder, no page vectors, no crisis classifier, topic or",
        "intent model), each query again asked for the first time in that searcher.",
        "",
        *table(header, rows, right_from=2),
    ]


def _accuracy(results: Results) -> list[str]:
    engines = _engines(results)
    keys: list[tuple[str, str]] = []
    cells: dict[tuple[str, str, str], str] = {}
    sizes: dict[tuple[str, str], int] = {}
    for s in results.scores:
        key = (s.corpus, s.queries)
        if key not in keys:
            keys.append(key)
        sizes[key] = s.n
        cells[(s.corpus, s.queries, s.engine)] = f"**{s.accuracy_at_1:.3f}** · {lat(s.latency)}"
    rows = [(c, q, sizes[(c, q)], *(cells.get((c, q, e), "-") for e in engines)) for c, q in keys]
    return [
        "## Accuracy@1 on the dev sets, with each engine's latency",
        "",
        "Each cell: accuracy@1 · p50 / p99 ms of the same calls. Clinic sets against the clinic corpus, MedlinePlus",
        "sets against MedlinePlus. A hit counts when its slug or title is among the expected answers.",
        "",
        *table(("corpus", "set", "n", *engines), rows, right_from=2),
    ]


def _peer_latency(results: Results) -> list[str]:
    if not results.peer_latency:
        return []
    engines = _engines(results)
    ours = {(r.corpus, r.klass): r.search for r in results.latency}
    cells: dict[tuple[str, str, str], str] = {}
    corpora: list[str] = []
    for p in results.peer_latency:
        if p.corpus not in corpora:
            corpora.append(p.corpus)
        short = f" (n={p.asked}/{p.planned})" if p.asked < p.planned else ""
        cells[(p.corpus, p.klass, p.engine)] = lat(p.latency) + short
    rows = []
    for corpus in corpora:
        for klass in CLASSES:
            mine = ours.get((corpus, klass))
            rows.append(
                (corpus, klass, lat(mine) if mine else "-", *(cells.get((corpus, klass, e), "-") for e in engines[1:]))
            )
    builds = [
        (
            b.corpus,
            b.engine,
            f"{b.seconds:.1f}" if not b.error else "-",
            f"{b.size_mb:.1f}" if not b.error else "-",
            b.error or "",
        )
        for b in results.peer_builds
    ]
    return [
        "## Search latency next to the peers (p50 / p99 ms)",
        "",
        "The same queries as above, in the same process (Typesense over loopback HTTP, which its figures",
        "include). Each peer gets a time budget per class and corpus; `n=a/b` marks a class it could only",
        "time for a of its b queries. Our figures include ranking, snippets, confidence and corrections;",
        "the peers return ids.",
        "",
        *table(("corpus", "class", *engines), rows, right_from=2),
        "Peer builds (in-process, except Typesense's server):",
        "",
        *table(("corpus", "engine", "build s", "index MB", "error"), builds, right_from=2),
    ]


def _http(results: Results) -> list[str]:
    if not results.http:
        return []
    rows = []
    for h in results.http:
        noop = next((e for e in h.endpoints if e.load.path == "/healthz"), None)
        for e in h.endpoints:
            ratio = e.load.throughput / noop.load.throughput if noop and noop.load.throughput else 0.0
            rows.append(
                (
                    h.corpus,
                    e.load.path,
                    e.load.requests,
                    e.load.errors,
                    f"{e.load.throughput:.0f}",
                    f"{ratio:.2f}",
                    ms(e.load.latency.p50),
                    ms(e.load.latency.p99),
                    lat(e.load.server) if e.load.server else "-",
                    f"{e.server_cpu_seconds:.1f}",
                    " + ".join(f"{w:.1f}" for w in e.worker_cpu_seconds),
                    f"{e.client_cpu_seconds:.1f}",
                    f"{e.per_core:.0f}",
                )
            )
    header = (
        "corpus",
        "endpoint",
        "requests",
        "errors",
        "req/s",
        "vs /healthz",
        "p50 ms",
        "p99 ms",
        "server time p50 / p99 ms",
        "server CPU s",
        "per worker",
        "client CPU s",
        "req/s per server core",
    )
    first = results.http[0]
    memory = [
        (h.corpus, f"{h.ready_seconds:.1f}", " / ".join(f"{r:.0f}" for r in h.worker_rss_mb)) for h in results.http
    ]
    switches = [
        (
            h.corpus,
            f"{h.switch.old} -> {h.switch.new}",
            f"{h.switch.build_seconds:.1f}",
            f"{h.switch.seconds_to_all_workers:.2f}",
            h.switch.load.requests,
            h.switch.load.errors,
            ms(h.switch.load.latency.p99),
        )
        for h in results.http
        if h.switch
    ]
    out = [
        "## HTTP: `condsearch serve --workers 2` under load",
        "",
        f"{first.clients} concurrent clients (asyncio + httpx, one keep-alive connection each, loopback only),",
        "each endpoint loaded in turn for a fixed time after a warm-up; `/search` cycles through every query",
        "above, `/suggest` through the prefix class, `/healthz` is the app's no-op. The load generator runs on",
        "the same 2 cores as the server: `client CPU s` is its share. `req/s per server core` is successful",
        "requests divided by the CPU time the server's processes used meanwhile: what one busy core serves,",
        "whatever the client could drive; it is the figure that sizes a deployment (docs/operations.md).",
        "`server time` is the app's own time per answer (its `Server-Timing` header: from the request reaching",
        "the app to the response starting), which excludes the wait in the connection's queue.",
        "",
        *table(header, rows, right_from=2),
        "Worker memory (RSS after the load above) and time from start to every worker ready:",
        "",
        *table(("corpus", "ready s", "worker RSS MB"), memory),
    ]
    if switches:
        out += [
            "A new generation built and switched to under `/search` load (the `condsearch index` of the same",
            "source; `seconds to switch`: from the build's exit to 20 consecutive `/readyz` answers naming it):",
            "",
            *table(("corpus", "generation", "build s", "seconds to switch", "requests", "errors", "p99 ms"), switches),
        ]
    return out


def _errors(results: Results) -> list[str]:
    if not results.errors:
        return []
    return ["## Failed phases", "", *(f"- {e}" for e in results.errors), ""]


def render(results: Results) -> str:
    """The whole report."""
    lines = [
        *_header(results),
        *_errors(results),
        *_targets(results),
        *_builds(results),
        *_latency(results),
        *_semantic(results),
        *_accuracy(results),
        *_peer_latency(results),
        *_http(results),
    ]
    return "\n".join(lines).rstrip() + "\n"
