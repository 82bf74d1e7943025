"""A real uvicorn server in a subprocess, on a free port, over a copy of the clinic index."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from search.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and index folder."""

    url: str
    index_dir: Path
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(index_dir: Path, *args: str, env: dict[str, str] | None = None, log: Path | None = None) -> Server:
    """Start `condsearch serve` and wait until it is ready."""
    port = free_port()
    # Runtime data (the analytics database) lives beside the test index, never in the repo.
    full_env = {**os.environ, "CONDSEARCH_DATA_DIR": str(index_dir.parent / "var"), **(env or {})}
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--index-dir", str(index_dir), *args],
        cwd=PROJECT_ROOT,
        env=full_env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Server(url, index_dir, process)
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not become ready in 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server(clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session, over its own copy of the clinic index."""
    index_dir = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(clinic_index, index_dir)
    running = start_server(
        index_dir,
        # Many tests share this server from one address: per-client rate limits off (test_security tests them).
        env={"CONDSEARCH_CORS_ORIGINS": '["https://clinic.example"]', "CONDSEARCH_RATE_LIMIT_PER_SECOND": "0"},
        log=index_dir.parent / "server.log",
    )
    yield running
    stop_server(running)
