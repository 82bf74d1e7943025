"""The CLI: summaries, exact error text, exit codes.

Most tests call `search.cli.main(argv)` in this process, from the repo root as a user would run it; the last two
run the installed command in real subprocesses, so that `python -m search` and `condsearch` exit with main()'s code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from search.cli import main
from tests.conftest import MEDLINEPLUS, PROJECT_ROOT, write_page


@dataclass(frozen=True)
class Run:
    """A command's exit code and what it printed."""

    code: int
    out: str
    err: str


Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`cli("index", ...)` runs `condsearch index ...` in-process: default paths are relative to the repo root."""
    monkeypatch.chdir(PROJECT_ROOT)

    def run(*args: str) -> Run:
        capsys.readouterr()  # only this command's output
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def _pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    write_page(folder, "beta-sleep", "Beta Sleep", related="[no-such-page]")
    (folder / "broken.md").write_text("---\nslug: broken\ntitle: [oops\n---\n", encoding="utf-8")
    return folder


def test_index_skips_bad_pages_names_them_and_exits_non_zero(cli: Cli, tmp_path: Path) -> None:
    folder, index_dir = _pages(tmp_path), tmp_path / "index"
    result = cli("index", str(folder), "--index-dir", str(index_dir))
    assert result.code == 1
    assert result.out.startswith("1 indexed (1 added, 0 updated, 0 unchanged, 0 removed), 2 skipped -> ")
    errors = result.err.splitlines()
    assert errors[0].startswith(f"skipped: {folder / 'broken.md'}:") and "front matter is not valid YAML" in errors[0]
    assert errors[1] == (
        f"skipped: {folder / 'beta-sleep.md'}:4: field 'related': related slug(s) 'no-such-page' do not exist. "
        "Fix: use the slug of an existing page, or remove the entry"
    )
    assert "Traceback" not in result.err


def test_strict_refuses_before_writing(cli: Cli, tmp_path: Path) -> None:
    folder, index_dir = _pages(tmp_path), tmp_path / "index"
    result = cli("index", str(folder), "--index-dir", str(index_dir), "--strict")
    assert result.code == 1
    assert result.err.splitlines()[-1] == "refused (--strict): 2 page(s) invalid; nothing was written"
    assert not (index_dir / "CURRENT").exists()


def test_medlineplus_with_field_mapping(cli: Cli, tmp_path: Path) -> None:
    result = cli(
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
    assert result.code == 0, result.err
    assert result.out.startswith("981 indexed (981 added, 0 updated, 0 unchanged, 0 removed), 0 skipped")


def test_bad_map_is_an_error_without_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("index", str(MEDLINEPLUS), "--map", "title", "--index-dir", str(tmp_path / "ix"))
    assert result.code == 2
    assert result.err == "error: --map 'title' is not FIELD=COLUMN; write e.g. --map body=summary\n"


def test_unknown_source_format(cli: Cli, tmp_path: Path) -> None:
    odd = tmp_path / "pages.docx"
    odd.write_text("x")
    result = cli("index", str(odd), "--index-dir", str(tmp_path / "ix"))
    assert result.code == 2
    assert result.err.startswith(f"error: source {str(odd)!r} has an unknown format; use one of .md, ")


def test_query_without_index(cli: Cli, tmp_path: Path) -> None:
    result = cli("query", "pain", "--index-dir", str(tmp_path / "none"))
    assert result.code == 2
    assert result.err == f"error: no index in {str(tmp_path / 'none')!r}; run `condsearch index` first\n"


def test_query_explain_and_json(cli: Cli, clinic_index: Path) -> None:
    result = cli(
        "query",
        "nueropathy not responding to gabapentin",
        "--index-dir",
        str(clinic_index),
        "--explain",
        "--limit",
        "2",
    )
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "did you mean: neuropathy not responding to gabapentin"
    assert lines[1].startswith(" 1. Neuropathic Pain  [neuropathic-pain]  score ")
    assert any(line.strip() == "corrected: nueropathy -> neuropathy" for line in lines)
    data = json.loads(cli("query", "fibro", "--index-dir", str(clinic_index), "--json").out)
    assert data["hits"][0]["slug"] == "fibromyalgia"
    assert {"query", "corrected_query", "total", "took_ms", "hits", "safety", "unmatched"} <= set(data)


def test_pages_lists_and_validates(cli: Cli) -> None:
    result = cli("pages")
    assert result.code == 0
    assert result.err.strip() == "29 valid, 0 invalid"
    assert result.out.splitlines()[0].startswith("alcohol-use-disorder ")


def test_eval_prints_figures_and_misses(cli: Cli, clinic_index: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "q.tsv"
    tsv.write_text(
        "query\texpected\nburning nerve pain\tneuropathic-pain\nzzzz\tinsomnia\nparking lot hours\tnone\n",
        encoding="utf-8",
    )
    result = cli("eval", str(tsv), "--index-dir", str(clinic_index))
    lines = result.out.splitlines()
    header = ["file", "n", "acc@1", "mrr@10", "rec@5", "flag-in", "n-none", "flag-none", "dym", "p50ms", "p99ms"]
    assert lines[0].split() == header
    # Two in-scope queries (one right), one out-of-scope query declined.
    assert lines[1].split()[:9] == ["q.tsv", "3", "0.500", "0.500", "0.500", "0.500", "1", "1.000", "0"]
    assert lines[2] == "miss [q.tsv] 'zzzz': expected insomnia, got [] (rank None)"
    bad = tmp_path / "bad.tsv"
    bad.write_text("q\tx\n", encoding="utf-8")
    result = cli("eval", str(bad), "--index-dir", str(clinic_index))
    assert result.code == 2 and result.err == f"error: {bad}:1: the header must be `query<TAB>expected`\n"


def test_usage_errors_exit_2_through_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["query"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: condsearch query ")
    assert err.endswith("condsearch query: error: the following arguments are required: text\n")
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


# Real processes: the module entry point and the installed command.


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_python_m_search_help_in_a_real_process() -> None:
    result = _run(sys.executable, "-m", "search", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: condsearch ")
    assert "Condition search: index, query, evaluate, serve." in result.stdout
    assert result.stderr == ""


def test_condsearch_index_then_query_in_real_processes(tmp_path: Path) -> None:
    condsearch = Path(sys.executable).with_name("condsearch")
    assert condsearch.exists(), f"{condsearch} is missing: install the project (`pip install -e '.[test]'`)"
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    folder.mkdir()
    write_page(folder, "alpha-pain", "Alpha Pain")
    write_page(folder, "beta-sleep", "Beta Sleep")
    built = _run(str(condsearch), "index", str(folder), "--index-dir", str(index_dir))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("2 indexed (2 added, 0 updated, 0 unchanged, 0 removed), 0 skipped -> ")
    found = _run(str(condsearch), "query", "alpha pain", "--index-dir", str(index_dir), "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["hits"][0]["slug"] == "alpha-pain"
    missing = _run(str(condsearch), "query", "pain", "--index-dir", str(tmp_path / "none"))
    assert missing.returncode == 2
    assert missing.stderr == f"error: no index in {str(tmp_path / 'none')!r}; run `condsearch index` first\n"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "CONDSEARCH_RATE_LIMIT_PER_SECOND",
            "abc",
            "error: invalid setting(s): CONDSEARCH_RATE_LIMIT_PER_SECOND: Input should be a valid number, "
            "unable to parse string as a number; fix or unset them\n",
        ),
        (
            "CONDSEARCH_ADMIN_TOKEN",
            "    ",
            "error: invalid setting(s): CONDSEARCH_ADMIN_TOKEN: must be at least 16 characters that are not spaces "
            "(got 0); make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'; fix or unset them\n",
        ),
        (
            "CONDSEARCH_ADMIN_TOKEN",
            "x",
            "error: invalid setting(s): CONDSEARCH_ADMIN_TOKEN: must be at least 16 characters that are not spaces "
            "(got 1); make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'; fix or unset them\n",
        ),
    ],
)
def test_a_bad_setting_is_named_before_anything_starts(variable: str, value: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "search", "serve", "--port", "1"],
        cwd=PROJECT_ROOT,
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (2, message)


def test_an_empty_admin_token_means_admin_off() -> None:
    from search.settings import Settings

    assert Settings(admin_token="").admin_token is None  # type: ignore[arg-type]
