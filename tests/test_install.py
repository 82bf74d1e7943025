"""A non-editable install works from any directory: lexicon, safety rules and ranking ship inside."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.server import free_port


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install .` (not editable) into a fresh virtualenv; the test run's packages lend it the dependencies."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The dependencies come from this test run's environment through a path file, so the check
    # is about what the wheel itself holds; the package itself must come from the new install.
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    build = tmp_path_factory.mktemp("src")
    shutil.copytree(
        PROJECT_ROOT, build / "src", ignore=shutil.ignore_patterns(".venv", "index", "var", ".*cache*", ".git")
    )
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(build / "src")],
        check=True,
    )
    shutil.rmtree(build)  # nothing of the source tree may be needed after install
    return venv


def test_index_query_and_serve_from_another_directory(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    shutil.copytree(PROJECT_ROOT / "data" / "conditions", work / "pages")

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        """Run a command in the work folder, its output captured as text."""
        return subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=120)

    condsearch = str(installed / "bin" / "condsearch")
    where = run([str(installed / "bin" / "python"), "-c", "import search; print(search.__file__)"])
    assert str(installed) in where.stdout, where.stdout
    built = run([condsearch, "index", "pages"])
    assert built.returncode == 0, built.stderr
    assert (work / "index" / "CURRENT").exists()
    # The lexicon ships in the package: "pins and needles" reaches the paresthesia wording.
    answer = run([condsearch, "query", "pins and needles in my feet", "--json"])
    assert answer.returncode == 0, answer.stderr
    data = json.loads(answer.stdout)
    assert data["hits"] and any(h["matched"]["synonyms"] for h in data["hits"])
    port = free_port()
    server = subprocess.Popen(
        [condsearch, "serve", "--port", str(port)], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        found = httpx.get(f"{url}/search", params={"q": "i want to die"}).json()
        assert found["safety"] is not None  # the safety rules ship in the package too
        assert httpx.get(f"{url}/search", params={"q": "burning nerve pain"}).json()["hits"][0]["slug"] == (
            "neuropathic-pain"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
