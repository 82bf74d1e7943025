"""`condsearch serve --workers N` under load: throughput, p99, CPU per request, worker memory, a live switch."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.corpora import Corpus, index_command
from bench.loadgen import Load, run_load
from bench.procstat import children, cmdline, cpu_seconds, rss_mb
from bench.snapshot import child_env

HOST = "127.0.0.1"  # loopback only
READY_SECONDS = 600.0  # a worker opening 100,000 pages takes a while
UNLIMITED = {"CONDSEARCH_RATE_LIMIT_PER_SECOND": "1000000", "CONDSEARCH_RATE_LIMIT_BURST": "1000000"}
SWITCH_CONFIRMATIONS = 20  # consecutive /readyz answers naming the new generation


@dataclass(frozen=True)
class Server:
    """A running `condsearch serve`: its URL, process and log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    workers: int
    ready_seconds: float

    def worker_pids(self) -> list[int]:
        """The worker processes: the supervisor's spawned children, or the server itself with one worker."""
        spawned = [p for p in children(self.process.pid) if "multiprocessing.spawn" in cmdline(p)]
        return spawned or [self.process.pid]


@dataclass(frozen=True)
class EndpointRun:
    """One endpoint under load, with the CPU the server and the load generator spent on it."""

    load: Load
    server_cpu_seconds: float  # supervisor plus workers
    worker_cpu_seconds: tuple[float, ...]  # per worker: both must be busy
    client_cpu_seconds: float  # the load generator, on the same two cores

    @property
    def per_core(self) -> float:
        """Successful requests per second of server CPU: what one core serves when it is busy."""
        ok = self.load.requests - self.load.errors
        return ok / self.server_cpu_seconds if self.server_cpu_seconds else 0.0


@dataclass(frozen=True)
class Switch:
    """A new generation built and switched to while the server is under load."""

    build_seconds: float
    seconds_to_all_workers: float  # from the switch to SWITCH_CONFIRMATIONS answers naming it
    old: str
    new: str
    load: Load


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _started_workers(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count("Application startup complete")


def start(index_dir: Path, workers: int, log: Path, data_dir: Path, code: Path, analytics: bool = True) -> Server:
    """Start `condsearch serve` and wait until every worker has opened the index (`analytics` off: no events)."""
    port = _free_port()
    # Every load client is 127.0.0.1, one "client" to the per-address rate limiter: raise its limit far
    # above the load (the middleware still runs) so that capacity, not the limiter, is measured.
    env = child_env(code, {"CONDSEARCH_DATA_DIR": str(data_dir), **UNLIMITED})
    if not analytics:
        env["CONDSEARCH_ANALYTICS_ENABLED"] = "false"
    command = [sys.executable, "-m", "search", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers), "--index-dir", str(index_dir)]
    started = time.perf_counter()
    with log.open("wb") as handle:
        process = subprocess.Popen(command, cwd=code, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}; see {log}")
        if _started_workers(log) >= workers:
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    return Server(url, process, log, workers, time.perf_counter() - started)
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    stop(Server(url, process, log, workers, 0.0))
    raise RuntimeError(f"the server was not ready within {READY_SECONDS:.0f} s; see {log}")


def stop(server: Server) -> None:
    """SIGTERM the supervisor (it stops its workers), SIGKILL after 30 s."""
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def measure(server: Server, path: str, queries: Sequence[str], clients: int, seconds: float, cap: int) -> EndpointRun:
    """Load one endpoint and account for the CPU both sides used meanwhile."""
    pids = [server.process.pid, *(p for p in server.worker_pids() if p != server.process.pid)]
    before = [cpu_seconds(p) for p in pids]
    client_before = time.process_time()
    load = run_load(server.url, path, queries, clients, seconds, cap)
    client = time.process_time() - client_before
    spent = [cpu_seconds(p) - b for p, b in zip(pids, before, strict=True)]
    return EndpointRun(load, sum(spent), tuple(spent[1:]) or tuple(spent), client)


def worker_rss_mb(server: Server) -> list[float]:
    """Resident memory of each worker now."""
    return [rss_mb(p) for p in server.worker_pids()]


def _generation(url: str) -> str:
    """The generation a worker answers with; a worker busy opening a generation may take seconds."""
    try:
        return str(httpx.get(f"{url}/readyz", timeout=60).json().get("generation", ""))
    except httpx.HTTPError:
        return ""


def switch_under_load(
    server: Server, corpus: Corpus, index_dir: Path, queries: Sequence[str], clients: int, log: Path, code: Path
) -> Switch:
    """Rebuild the index while /search is under load; time until every answer names the new generation."""
    old = _generation(server.url)
    done = threading.Event()
    result: list[Load] = []
    loader = threading.Thread(
        target=lambda: result.append(run_load(server.url, "/search", queries, clients, 300.0, 10**9, done))
    )
    loader.start()
    try:
        time.sleep(1.0)  # the load is running before the build starts
        began = time.perf_counter()
        with log.open("w", encoding="utf-8") as handle:
            command = index_command(corpus, index_dir)
            subprocess.run(command, cwd=code, env=child_env(code), stdout=handle, stderr=handle, check=True)
        switched = time.perf_counter()
        new, confirmed = old, 0
        while confirmed < SWITCH_CONFIRMATIONS and time.perf_counter() - switched < 60.0:
            answer = _generation(server.url)
            confirmed = confirmed + 1 if answer not in ("", old) else 0
            new = answer or new
            time.sleep(0.02)
        reached = time.perf_counter() - switched
        time.sleep(1.0)  # and the load goes on after it
    finally:
        done.set()
        loader.join()
    return Switch(switched - began, reached, old, new, result[0])
