"""The CLI end to end in real subprocesses: summaries, exact error text, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from search.settings import PROJECT_ROOT
from tests.conftest import MEDLINEPLUS, write_page


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    write_page(folder, "beta-sleep", "Beta Sleep", related="[no-such-page]")
    (folder / "broken.md").write_text("---\nslug: broken\ntitle: [oops\n---\n", encoding="utf-8")
    return folder


def test_index_skips_bad_pages_names_them_and_exits_non_zero(tmp_path: Path) -> None:
    folder, index_dir = _pages(tmp_path), tmp_path / "index"
    result = run("index", str(folder), "--index-dir", str(index_dir))
    assert result.returncode == 1
    assert result.stdout.startswith("1 indexed (1 added, 0 updated, 0 unchanged, 0 removed), 2 skipped -> ")
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"skipped: {folder / 'broken.md'}:") and "front matter is not valid YAML" in errors[0]
    assert errors[1] == (
        f"skipped: {folder / 'beta-sleep.md'}:4: field 'related': related slug(s) 'no-such-page' do not exist. "
        "Fix: use the slug of an existing page, or remove the entry"
    )
    assert "Traceback" not in result.stderr


def test_strict_refuses_before_writing(tmp_path: Path) -> None:
    folder, index_dir = _pages(tmp_path), tmp_path / "index"
    result = run("index", str(folder), "--index-dir", str(index_dir), "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "refused (--strict): 2 page(s) invalid; nothing was written"
    assert not (index_dir / "CURRENT").exists()


def test_medlineplus_with_field_mapping(tmp_path: Path) -> None:
    result = run(
        "index",
        str(MEDLINEPLUS),
        "--map",
        "title=title",
        "--map",
        "aliases=also_called",
        "--map",
        "body=summary",
        "--map",
        "url=url",
        "--index-dir",
        str(tmp_path / "ix"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("981 indexed (981 added, 0 updated, 0 unchanged, 0 removed), 0 skipped")


def test_bad_map_is_an_error_without_traceback(tmp_path: Path) -> None:
    result = run("index", str(MEDLINEPLUS), "--map", "title", "--index-dir", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert result.stderr == "error: --map 'title' is not FIELD=COLUMN; write e.g. --map body=summary\n"


def test_unknown_source_format(tmp_path: Path) -> None:
    odd = tmp_path / "pages.docx"
    odd.write_text("x")
    result = run("index", str(odd), "--index-dir", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: source {str(odd)!r} has an unknown format; use one of .md, ")


def test_query_without_index(tmp_path: Path) -> None:
    result = run("query", "pain", "--index-dir", str(tmp_path / "none"))
    assert result.returncode == 2
    assert result.stderr == f"error: no index in {str(tmp_path / 'none')!r}; run `condsearch index` first\n"


def test_query_explain_and_json(clinic_index: Path) -> None:
    result = run(
        "query",
        "nueropathy not responding to gabapentin",
        "--index-dir",
        str(clinic_index),
        "--explain",
        "--limit",
        "2",
    )
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "did you mean: neuropathy not responding gabapentin"
    assert lines[1].startswith(" 1. Neuropathic Pain  [neuropathic-pain]  score ")
    assert any(line.strip() == "corrected: nueropathy -> neuropathy" for line in lines)
    data = json.loads(run("query", "fibro", "--index-dir", str(clinic_index), "--json").stdout)
    assert data["hits"][0]["slug"] == "fibromyalgia"
    assert {"query", "corrected_query", "total", "took_ms", "hits", "safety", "unmatched"} <= set(data)


def test_pages_lists_and_validates() -> None:
    result = run("pages")
    assert result.returncode == 0
    assert result.stderr.strip() == "29 valid, 0 invalid"
    assert result.stdout.splitlines()[0].startswith("alcohol-use-disorder ")


def test_eval_prints_figures_and_misses(clinic_index: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "q.tsv"
    tsv.write_text("query\texpected\nburning nerve pain\tneuropathic-pain\nzzzz\tinsomnia\n", encoding="utf-8")
    result = run("eval", str(tsv), "--index-dir", str(clinic_index))
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "n", "acc@1", "mrr@10", "rec@5", "p50ms", "p99ms"]
    assert lines[1].split()[:5] == ["q.tsv", "2", "0.500", "0.500", "0.500"]
    assert lines[2] == "miss [q.tsv] 'zzzz': expected insomnia, got [] (rank None)"
    bad = tmp_path / "bad.tsv"
    bad.write_text("q\tx\n", encoding="utf-8")
    result = run("eval", str(bad), "--index-dir", str(clinic_index))
    assert result.returncode == 2 and result.stderr == f"error: {bad}:1: the header must be `query<TAB>expected`\n"
