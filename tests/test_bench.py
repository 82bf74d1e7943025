"""The benchmark's corpus generator is deterministic, and `scripts/bench.py --quick` runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search.sources import load_pages
from tests.conftest import MEDLINEPLUS, MEDLINEPLUS_MAP, PROJECT_ROOT
from tests.support.scripts import SCRIPTS, load_script

REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"

make_corpus = load_script("make_corpus")
TOPICS = make_corpus.read_topics(MEDLINEPLUS)


def test_generator_is_deterministic_per_seed_and_keeps_the_real_topics_first() -> None:
    first = list(make_corpus.generate(TOPICS, 1500, 1))
    assert first == list(make_corpus.generate(TOPICS, 1500, 1))
    other = list(make_corpus.generate(TOPICS, 1500, 2))
    assert first[:981] == other[:981]
    assert first[981:] != other[981:]
    assert [row["title"] for row in first[:981]] == [t.title for t in TOPICS]


def test_generated_pages_are_new_pages_not_copies() -> None:
    rows = list(make_corpus.generate(TOPICS, 3000, 1))
    variants = rows[981:]
    assert len(rows) == 3000
    assert len({r["id"] for r in rows}) == 3000
    assert len({str(r["title"]).lower() for r in rows}) == 3000
    summaries = {t.summary for t in TOPICS}
    assert not [r for r in variants if r["summary"] in summaries]
    # Recombined, not one template: many distinct first and last title words.
    assert len({str(r["title"]).split()[0] for r in variants}) > 100
    assert len({str(r["title"]).split()[-1] for r in variants}) > 100


def test_written_corpus_is_byte_stable_and_indexes_through_the_tabular_source(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert make_corpus.write_jsonl(make_corpus.generate(TOPICS, 1100, 3), a) == 1100
    make_corpus.write_jsonl(make_corpus.generate(TOPICS, 1100, 3), b)
    assert a.read_bytes() == b.read_bytes()
    loaded = load_pages([a], MEDLINEPLUS_MAP)
    assert not loaded.problems
    assert len(loaded.pages) == 1100


def test_load_generator_refuses_a_target_off_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    from bench.loadgen import check_loopback

    check_loopback("http://127.0.0.1:8000")
    with pytest.raises(ValueError) as refused:
        check_loopback("http://10.1.2.3:8000")
    assert (
        str(refused.value) == "load target 'http://10.1.2.3:8000' is not a loopback address; use http://127.0.0.1:PORT"
    )


def test_thread_cpu_is_read_per_thread_so_a_busy_thread_is_told_from_the_main_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import threading
    import time

    monkeypatch.syspath_prepend(str(SCRIPTS))
    from bench.procstat import thread_cpu_seconds

    tid: list[int] = []

    def burn() -> None:
        tid.append(threading.get_native_id())
        end = time.thread_time() + 0.3
        while time.thread_time() < end:
            pass

    assert os.getpid() in thread_cpu_seconds(os.getpid())  # the main thread's id is the process id

    burned, release = threading.Event(), threading.Event()

    def burn_then_wait() -> None:
        burn()
        burned.set()
        release.wait(10)  # alive while its CPU is read

    busy = threading.Thread(target=burn_then_wait)
    busy.start()
    assert burned.wait(30)
    during = thread_cpu_seconds(os.getpid())
    release.set()
    busy.join()
    assert during[tid[0]] >= 0.25
    assert thread_cpu_seconds(2**22 + 12345) == {}


def test_quick_mode_measures_both_corpora_and_writes_only_where_told(tmp_path: Path) -> None:
    before = REPORT.read_bytes() if REPORT.exists() else None
    out, work = tmp_path / "bench.md", tmp_path / "work"
    result = subprocess.run(
        [sys.executable, "scripts/bench.py", "--quick", "--out", str(out), "--work", str(work)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    assert f"This run: `python scripts/bench.py --quick --out {out} --work {work}`" in report
    headings = ("## Targets", "## Index: build, size, open", "## In-process latency (ms)", "## HTTP")
    for heading in (*headings, "## What the semantic stage costs per query class (ms)"):
        assert heading in report
    assert report.startswith(result.stdout.rstrip())  # printed, then written with the notes marker
    figures = json.loads((work / "results.json").read_text(encoding="utf-8"))
    assert [b["corpus"] for b in figures["builds"]] == ["clinic", "medlineplus"]
    classes = {(r["corpus"], r["klass"]) for r in figures["latency"]}
    kinds = ("title", "lay", "misspelled", "prefix", "long")
    assert classes == {(c, k) for c in ("clinic", "medlineplus") for k in kinds}
    # Each class is timed again with the semantic stage off: what the stage costs.
    assert all(r["lexical"]["n"] == r["search"]["n"] > 0 for r in figures["latency"])
    assert not figures["peer_builds"]
    [http] = figures["http"]
    assert [e["load"]["path"] for e in http["endpoints"]] == ["/healthz", "/search", "/suggest"]
    assert all(e["load"]["requests"] > 0 and e["load"]["errors"] == 0 for e in http["endpoints"])
    assert len(http["worker_rss_mb"]) == 2
    assert (REPORT.read_bytes() if REPORT.exists() else None) == before
