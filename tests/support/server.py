"""A real uvicorn server in a subprocess (`condsearch serve`), on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import PROJECT_ROOT


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and index folder."""

    url: str
    index_dir: Path
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
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
    """Stop the server: politely, then by force after 10 s."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextmanager
def stopping(server: Server) -> Iterator[Server]:
    """The server, stopped when the block ends however it ends: `with stopping(start_server(...)) as running:`."""
    try:
        yield server
    finally:
        stop_server(server)
