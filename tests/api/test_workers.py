"""`condsearch serve --workers N` on a real port: connections spread, a dead worker is replaced, one server per port."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.server import Server, start_server, stopping
from tests.support.wait import wait_for


def workers_of(server: Server) -> list[int]:
    """The worker processes (multiprocessing's spawned children) of the server."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == server.process.pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def two_workers(clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("workers")
    env = {"CONDSEARCH_DATA_DIR": str(folder / "var"), "CONDSEARCH_RATE_LIMIT_PER_SECOND": "0"}
    with stopping(start_server(clinic_index, "--workers", "2", env=env)) as server:
        assert wait_for(lambda: len(workers_of(server)) == 2)
        yield server


def test_new_connections_spread_over_the_workers(two_workers: Server) -> None:
    pids = workers_of(two_workers)
    before = {pid: cpu_seconds(pid) for pid in pids}
    asyncio.run(_burst(two_workers.url, connections=24, rounds=8))
    used = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
    total = sum(used.values())
    assert all(share >= 0.2 * total for share in used.values()), used


async def _burst(url: str, connections: int, rounds: int) -> None:
    """Keep-alive connections opened all at once, as a burst of browsers would, each searching in turn:
    with one socket shared by the workers, the first to wake accepted them all."""
    clients = [httpx.AsyncClient(base_url=url, timeout=10) for _ in range(connections)]
    try:
        for _ in range(rounds):
            answers = await asyncio.gather(*(c.get("/search", params={"q": "burning nerve pain"}) for c in clients))
            assert {a.status_code for a in answers} == {200}
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def test_a_dead_worker_is_replaced(two_workers: Server) -> None:
    first, second = workers_of(two_workers)
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: len(workers_of(two_workers)) == 2 and first not in workers_of(two_workers), seconds=60)
    assert second in workers_of(two_workers)
    assert wait_for(lambda: ready(two_workers), seconds=60)


def ready(server: Server) -> bool:
    """/readyz answers 200 (a connection the killed worker had queued is reset: not yet)."""
    try:
        return httpx.get(server.url + "/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_second_server_on_the_same_port_is_refused(two_workers: Server) -> None:
    port = two_workers.url.rsplit(":", 1)[1]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "search",
            "serve",
            "--workers",
            "2",
            "--port",
            port,
            "--index-dir",
            str(two_workers.index_dir),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (
        f"error: another `condsearch serve` is listening on 127.0.0.1:{port}; stop it or choose another --port"
    )
