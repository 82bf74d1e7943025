"""The issue's targets, checked against what a run measured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.results import ClassLatency, Results
from bench.stats import Latency


@dataclass(frozen=True)
class Verdict:
    """One target: what was asked, what was measured, whether it was met (None: not measured)."""

    target: str
    measured: str
    met: bool | None


def _worst(rows: list[ClassLatency], pick: Callable[[ClassLatency], Latency]) -> tuple[str, float] | None:
    if not rows:
        return None
    row = max(rows, key=lambda r: pick(r).p99)
    return row.klass, pick(row).p99


def _p99_target(results: Results, corpus: str, label: str, limit: float, what: str) -> Verdict:
    rows = [r for r in results.latency if r.corpus == corpus]

    def pick(r: ClassLatency) -> Latency:
        return r.search if what == "search" else r.suggest

    worst = _worst(rows, pick)
    target = f"{what} p99 <= {limit:g} ms for every query class at {label} (in-process)"
    if worst is None:
        return Verdict(target, "not measured", None)
    over = [f"{r.klass} {pick(r).p99:.1f}" for r in rows if pick(r).p99 > limit]
    measured = f"worst: {worst[0]} {worst[1]:.1f} ms" + (f"; over: {', '.join(over)}" if over else "")
    return Verdict(target, measured, worst[1] <= limit)


def verdicts(results: Results) -> list[Verdict]:
    """Every target of the issue, in its order."""
    out = [
        _p99_target(results, "medlineplus", "981 pages", 10.0, "search"),
        _p99_target(results, "10k", "10,000 pages", 30.0, "search"),
        _p99_target(results, "medlineplus", "981 pages", 3.0, "suggest"),
    ]
    for http in results.http:
        by_path = {e.load.path: e for e in http.endpoints}
        search, noop = by_path.get("/search"), by_path.get("/healthz")
        target = f"HTTP /search throughput >= 1/2 of /healthz in the same run ({http.corpus})"
        if search is None or noop is None or not noop.load.throughput:
            out.append(Verdict(target, "not measured", None))
            continue
        ratio = search.load.throughput / noop.load.throughput
        measured = f"{search.load.throughput:.0f} vs {noop.load.throughput:.0f} req/s = {ratio:.2f}"
        failed = search.load.errors + noop.load.errors
        if failed:
            measured += f" ({failed} failed requests)"
        out.append(Verdict(target, measured, ratio >= 0.5 and not failed))
        if http.corpus == "medlineplus":
            timed = f"HTTP /search server time p50 <= 2 ms, p99 <= 10 ms ({http.corpus}, semantic stage on)"
            server = search.load.server
            if server is None:
                out.append(Verdict(timed, "not measured", None))
            else:
                shown = f"p50 {server.p50:.2f} ms, p99 {server.p99:.2f} ms"
                out.append(Verdict(timed, shown, server.p50 <= 2.0 and server.p99 <= 10.0))
    builds = {b.corpus: b for b in results.builds}
    mlp, big = builds.get("medlineplus"), builds.get("100k")
    out.append(
        Verdict("981 pages build in < 5 s", f"{mlp.seconds:.1f} s", mlp.seconds < 5.0)
        if mlp
        else Verdict("981 pages build in < 5 s", "not measured", None)
    )
    if big:
        out.append(Verdict("100,000 pages build in < 5 min", f"{big.seconds / 60:.1f} min", big.seconds < 300.0))
        out.append(
            Verdict("100,000 pages build: peak memory < 2 GB", f"{big.peak_rss_mb:.0f} MB", big.peak_rss_mb < 2048)
        )
    else:
        out.append(Verdict("100,000 pages build in < 5 min, peak memory < 2 GB", "not measured", None))
    served = next((h for h in results.http if h.corpus == "10k"), None)
    target = "a serving worker at 10,000 pages uses < 500 MB (RSS after warm-up)"
    if served and served.worker_rss_mb:
        rss = max(served.worker_rss_mb)
        out.append(Verdict(target, f"{rss:.0f} MB (largest of {len(served.worker_rss_mb)} workers)", rss < 500))
    else:
        out.append(Verdict(target, "not measured", None))
    return out
