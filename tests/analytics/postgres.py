"""PostgreSQL for the tests: a scratch database per test on the server scripts/test.sh starts, or a cluster of our own.

The URL comes from CONDSEARCH_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway server and exports it). Without
it the PostgreSQL tests fail with a message saying so: they never skip. A test that must stop its server starts a
cluster of its own with the binaries in CONDSEARCH_TEST_PG_BIN (or Debian's /usr/lib/postgresql/*/bin).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from tests.support.server import free_port

MISSING_URL = (
    "the PostgreSQL tests need CONDSEARCH_TEST_POSTGRES_URL (postgresql+psycopg://user@host:port/db of a server "
    "where they may create databases): run `bash scripts/test.sh`, which installs PostgreSQL and starts a "
    "throwaway server, or export the URL of a scratch server"
)
MISSING_BIN = (
    "PostgreSQL's server programs were not found: run `bash scripts/test.sh` as root (it runs "
    "`apt-get install postgresql`), or `sudo apt-get install postgresql`, or set CONDSEARCH_TEST_PG_BIN"
)


def server_url() -> str:
    """The test server's URL, or a failure that says how to get one."""
    url = os.environ.get("CONDSEARCH_TEST_POSTGRES_URL", "")
    if not url:
        raise AssertionError(MISSING_URL)
    return url


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database on the server at `url`, dropped afterwards; yields its URL."""
    name = f"condsearch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_bin() -> Path:
    """Where initdb and pg_ctl are."""
    configured = os.environ.get("CONDSEARCH_TEST_PG_BIN", "")
    candidates = [Path(configured)] if configured else sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for candidate in reversed(candidates):
        if (candidate / "initdb").exists():
            return candidate
    raise AssertionError(MISSING_BIN)


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL cluster of a test's own, which it may stop and start."""

    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        """Its SQLAlchemy URL."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # initdb refuses root: as root, the cluster belongs to the postgres user Debian's package creates.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data.parent / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        """Stop the server at once, as a crash or an operator would."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A fresh cluster on a free port, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="condsearch-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    cluster = Cluster(pg_bin(), folder / "data", free_port())
    cluster._run(str(cluster.bin / "initdb"), "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
