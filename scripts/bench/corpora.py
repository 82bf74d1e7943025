"""The benchmark's corpora and how each is built: `condsearch index` in a subprocess, measured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import make_corpus

from bench.procstat import disk_mb
from bench.snapshot import child_env
from search.indexing.store import current_generation

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout

SHARED = PROJECT_ROOT.parent / "shared"
MEDLINEPLUS = SHARED / "corpora" / "medlineplus" / "health-topics.tsv"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
BUILD_SECONDS = re.compile(r" in ([0-9.]+)s$")


@dataclass(frozen=True)
class Corpus:
    """A named set of pages: where they are read from and with which column mapping."""

    name: str  # "clinic", "medlineplus", "10k", "100k"
    pages: int
    source: Path
    mapping: dict[str, str]
    kind: str  # "clinic" (clinic query sets) or "medlineplus" (MedlinePlus query sets)


@dataclass(frozen=True)
class Build:
    """What building one corpus's index cost."""

    corpus: str
    pages: int
    seconds: float  # wall time of the `condsearch index` command, start to exit
    build_seconds: float  # the build itself, as the command reports it
    peak_rss_mb: float  # ru_maxrss of the build process
    index_mb: float  # the generation folder on disk
    generation: str


def clinic(code: Path) -> Corpus:
    """The clinic's own 29 pages, from the run's copy of data/conditions."""
    return Corpus("clinic", 29, code / "data" / "conditions", {}, "clinic")


def medlineplus() -> Corpus:
    """The 981 MedlinePlus topics."""
    return Corpus("medlineplus", 981, MEDLINEPLUS, MEDLINEPLUS_MAP, "medlineplus")


def synthetic_name(pages: int) -> str:
    """A generated corpus's name: "10k" for 10,000 pages."""
    return f"{pages // 1000}k" if pages % 1000 == 0 else str(pages)


def synthetic(pages: int, work: Path, seed: int) -> Corpus:
    """`pages` pages made from MedlinePlus by scripts/make_corpus.py, written under `work`."""
    name = synthetic_name(pages)
    out = work / f"corpus-{name}-seed{seed}.jsonl"
    if not out.exists():
        topics = make_corpus.read_topics(MEDLINEPLUS)
        make_corpus.write_jsonl(make_corpus.generate(topics, pages, seed), out)
    return Corpus(name, pages, out, MEDLINEPLUS_MAP, "medlineplus")


def index_command(corpus: Corpus, index_dir: Path) -> list[str]:
    """The `condsearch index` command line for a corpus."""
    maps = [arg for field, column in corpus.mapping.items() for arg in ("--map", f"{field}={column}")]
    return [sys.executable, "-m", "search", "index", str(corpus.source), *maps, "--index-dir", str(index_dir)]


def build(corpus: Corpus, index_dir: Path, code: Path) -> Build:
    """Build the corpus's index in a child process and measure its time, peak memory and size.

    The peak is the child's ru_maxrss, the figure getrusage(RUSAGE_CHILDREN) reports; it is read
    for this child alone (os.wait4) so that earlier, larger children cannot mask it.
    """
    log = index_dir.parent / f"index-{corpus.name}.log"
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            index_command(corpus, index_dir), cwd=code, env=child_env(code), stdout=handle, stderr=handle
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out = log.read_text(encoding="utf-8")
    if process.returncode != 0:
        raise RuntimeError(f"indexing {corpus.name} failed ({process.returncode}), see {log}: {out.strip()[-2000:]}")
    summary = next((line for line in out.splitlines() if " indexed (" in line), "")
    found = BUILD_SECONDS.search(summary.strip())
    generation = current_generation(index_dir)
    assert generation is not None
    return Build(
        corpus=corpus.name,
        pages=corpus.pages,
        seconds=seconds,
        build_seconds=float(found.group(1)) if found else seconds,
        peak_rss_mb=usage.ru_maxrss / 1024.0,
        index_mb=disk_mb(generation),
        generation=generation.name,
    )
