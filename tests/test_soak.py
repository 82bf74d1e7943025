"""scripts/soak.py in its short form: load, rebuilds, a killed build and a damaged generation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def test_quick_soak_holds_every_check(tmp_path: Path) -> None:
    report_file = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "soak.py"), "--quick", "--json", str(report_file)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a generous bound for a slow machine: the soak's own checks judge it
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    report = json.loads(report_file.read_text())
    assert report["errors"] == 0 and report["requests"] > 100
    assert report["builds"] >= 3 and report["probes"] > 0
    assert all(report["checks"].values()) and len(report["checks"]) >= 10
