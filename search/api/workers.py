"""`condsearch serve --workers N`: N uvicorn processes, each listening on its own SO_REUSEPORT socket.

With one listening socket shared by every worker (uvicorn's own multi-worker mode), the first worker
to wake accepts every waiting connection, and a keep-alive connection stays where it landed: under a
burst of new connections one worker did all the work while the other idled. With a socket per
worker in one SO_REUSEPORT group, the kernel hashes each new connection to one of them, so
connections spread evenly.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import multiprocessing
import os
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from search.errors import ServeError

log = logging.getLogger("condsearch.workers")
STOP_SECONDS = 30.0  # a worker finishes its requests in flight, then is killed
QUICK_DEATH_SECONDS = 10.0  # a worker that dies sooner than this after starting failed to start
MAX_QUICK_DEATHS = 5  # in a row: the server cannot start (a bad setting, a broken index); stop trying


def listening_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    """A TCP socket bound to host:port in the port's SO_REUSEPORT group, with TCP_NODELAY for its connections."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted sockets inherit it: without it every keep-alive request after the first waits ~40 ms
    # (Nagle + delayed ACK).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    if listen:
        sock.listen(2048)
    return sock


def _serve_one(host: str, port: int, options: dict[str, Any]) -> None:
    """One worker: its own socket in the group, the app built from the environment the parent prepared."""
    import uvicorn

    sock = listening_socket(host, port)
    uvicorn.run("search.api.app:app_from_environment", factory=True, fd=sock.fileno(), **options)


@contextlib.contextmanager
def _claimed(host: str, port: int) -> Iterator[None]:
    """Hold the address for this server while it serves: a lock per address and a bound socket.

    SO_REUSEPORT lets any process of this user join the port's group: a second `condsearch serve` started
    by mistake would silently take half the connections, so the lock refuses it. The socket, bound but not
    listening, takes the port for the group (a server outside it cannot bind it) and fails here, once,
    with a clear error when the address is in use.
    """
    name = f"condsearch-serve-{host.replace(':', '_')}-{port}.lock"
    fd = os.open(os.path.join(tempfile.gettempdir(), name), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ServeError(
                f"another `condsearch serve` is listening on {host}:{port}; stop it or choose another --port"
            ) from None
        try:
            held = listening_socket(host, port, listen=False)
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {host}:{port}: {exc.strerror}; stop what uses it or choose another --port"
            ) from None
        with held:
            yield
    finally:
        os.close(fd)  # closing releases the lock


class Workers:
    """Starts the workers, restarts one that dies, and stops them all on SIGTERM or SIGINT."""

    def __init__(self, count: int, host: str, port: int, options: dict[str, Any]) -> None:
        self.count = count
        self.host, self.port, self.options = host, port, options
        self._context = multiprocessing.get_context("spawn")
        self._stopping = False

    def _start(self) -> BaseProcess:
        process = self._context.Process(target=_serve_one, args=(self.host, self.port, self.options))
        process.start()
        return process

    def run(self, sleep: Callable[[float], None] = time.sleep) -> int:
        """Serve until told to stop: 0 after a clean stop; ServeError when workers keep dying at start."""
        with _claimed(self.host, self.port):
            previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
            workers = [(self._start(), time.monotonic()) for _ in range(self.count)]
            try:
                self._supervise(workers, sleep)
                return 0
            finally:
                self._stop_all([p for p, _ in workers])
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    def _supervise(self, workers: list[tuple[BaseProcess, float]], sleep: Callable[[float], None]) -> None:
        """Replace each worker that exits until told to stop; ServeError when they keep dying at start."""
        quick_deaths = 0
        while not self._stopping:
            sleep(0.5)
            for i, (process, started) in enumerate(workers):
                if process.is_alive() or self._stopping:
                    continue
                lived = time.monotonic() - started
                quick_deaths = quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
                log.warning(
                    "worker %s exited with %s after %.0f s; starting another", process.pid, process.exitcode, lived
                )
                if quick_deaths >= MAX_QUICK_DEATHS:
                    raise ServeError(
                        f"workers exited {quick_deaths} times in a row within {QUICK_DEATH_SECONDS:.0f} s "
                        "of starting; see the errors above"
                    )
                workers[i] = (self._start(), time.monotonic())

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True

    @staticmethod
    def _stop_all(processes: list[BaseProcess]) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
