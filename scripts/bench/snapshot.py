"""A copy of the code and data taken when the run starts: every child process runs it, whatever is edited meanwhile."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout


COPIED = ("search", "data")


def take(work: Path) -> Path:
    """Copy the package and its data under `work`; the copy is where children run from."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    for name in COPIED:
        shutil.copytree(PROJECT_ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def child_env(code: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child that must import the copy, not the working tree."""
    path = os.pathsep.join(p for p in (str(code), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}
