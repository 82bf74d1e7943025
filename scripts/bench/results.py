"""What one benchmark run measured: plain records, appended as the run goes, dumped to JSON at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.corpora import Build
from bench.serving import EndpointRun, Switch
from bench.stats import Latency
from bench.timing import Score


@dataclass(frozen=True)
class ClassLatency:
    """Our search and suggest on one query class of one corpus."""

    corpus: str
    klass: str
    search: Latency
    suggest: Latency
    lexical: Latency | None = None  # search with the semantic stage off: what that stage costs the class


@dataclass(frozen=True)
class Opened:
    """Searcher construction on one corpus, in the benchmark's own process."""

    corpus: str
    milliseconds: float


@dataclass(frozen=True)
class PeerBuild:
    """A peer's index over one corpus, or the exact error that kept it from being built."""

    engine: str
    corpus: str
    seconds: float = 0.0
    size_mb: float = 0.0
    error: str = ""


@dataclass(frozen=True)
class PeerLatency:
    """A peer's search on one query class; `asked` < `planned` when its time budget ran out."""

    engine: str
    corpus: str
    klass: str
    planned: int
    asked: int
    latency: Latency


@dataclass(frozen=True)
class Http:
    """`condsearch serve` over one corpus under load."""

    corpus: str
    workers: int
    clients: int
    ready_seconds: float
    endpoints: tuple[EndpointRun, ...]
    worker_rss_mb: tuple[float, ...]
    switch: Switch | None = None


@dataclass(frozen=True)
class Machine:
    """Where and on what the run happened."""

    cpu: str
    cores: int
    memory_gb: float
    python: str
    versions: dict[str, str]
    commit: str
    dirty: bool


@dataclass(frozen=True)
class Results:
    """Everything one run measured; lists are appended to as phases finish."""

    command: str
    started: str
    quick: bool
    machine: Machine
    builds: list[Build] = field(default_factory=list)
    opened: list[Opened] = field(default_factory=list)
    latency: list[ClassLatency] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    peer_builds: list[PeerBuild] = field(default_factory=list)
    peer_latency: list[PeerLatency] = field(default_factory=list)
    http: list[Http] = field(default_factory=list)
    load: dict[str, list[float]] = field(default_factory=dict)  # phase -> /proc/loadavg (1, 5, 15 min)
    seconds: list[float] = field(default_factory=list)  # total run time, appended once at the end
    errors: list[str] = field(default_factory=list)  # phases that failed; the run goes on without them
