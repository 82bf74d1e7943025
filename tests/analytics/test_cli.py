"""`condsearch analytics ...` over a real SQLite store."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from search.analytics.events import utc_minute
from search.analytics.store import Store, open_engine
from search.cli import main
from tests.analytics.conftest import sqlite_url
from tests.analytics.test_store import click_at, search_at


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clinic_index: Path) -> Path:
    """A data directory with a store of a few events; the CLI reads its settings from the environment."""
    from sqlalchemy import make_url

    monkeypatch.setenv("CONDSEARCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CONDSEARCH_INDEX_DIR", str(clinic_index))
    monkeypatch.delenv("CONDSEARCH_ANALYTICS_URL", raising=False)
    store = Store(open_engine(make_url(sqlite_url(tmp_path))))
    store.migrate()
    now = utc_minute()
    # Three searches that found pages, minutes apart (k counts a text once a minute); a click names a result
    # its search returned.
    events = [search_at(now - timedelta(minutes=i), f"v{i}", hits=3) for i in range(3)]
    old = now - timedelta(days=200)
    events += [search_at(old, "old", query="dizzy spells", normalized="dizzy spells", corrected="dizzy spells")]
    store.write(events, [click_at(now, "v0", "balance-disorders", 1), click_at(now, "v0", "balance-disorders", 2)])
    store.close()
    return tmp_path


def test_unmatched_as_a_table_with_the_line_to_paste(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "unmatched", "--since", "7d"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "searches",
        "label",
        "corrected",
        "variants",
        "hidden_variants",
        "first_seen",
        "last_seen",
        "nearest_page",
        "nearest_score",
        "advice",
        "search_phrase",
    ]
    assert out.splitlines()[2].split()[:4] == ["3", "vertigo", "vertigo", "vertigo"]  # label, corrected, variant
    assert "no page fits: consider a new page or an FAQ entry" in out
    assert out.splitlines()[-1].startswith("3 unmatched searches since ")


def test_clicks_per_query_as_csv(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "clicks", "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "query,searches,clicked_searches,click_through_rate,page,clicks,positions\r\n"
        "vertigo,3,1,0.333,balance-disorders,2,#1 x1; #2 x1\r\n"
    )


def test_top_as_csv_and_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "top", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "query,searches,zero_results,unmatched,clicks\r\nvertigo,3,0,3,2\r\n"
    assert main(["analytics", "zero-results", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["days"][0]["zero_result_rate"] == 0.0  # each found 3 pages


def test_export_purge_and_migrate(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "export", "--since", "365d", "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == [None, "vertigo", "vertigo", "vertigo"]  # alone: not shown
    assert main(["analytics", "purge"]) == 0
    assert capsys.readouterr().out.startswith("purged 1 events older than 90 days from sqlite:///")
    assert main(["analytics", "migrate"]) == 0
    assert "is at the newest schema" in capsys.readouterr().out


def test_a_bad_period_exits_2_naming_it(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "top", "--since", "soon"]) == 2
    assert capsys.readouterr().err == (
        "error: --since 'soon' is not a period; use a number of hours, days or weeks such as 12h, 30d or 2w\n"
    )


def test_an_unsupported_database_url_is_refused(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONDSEARCH_ANALYTICS_URL", "mysql://user@db/x")
    assert main(["analytics", "top"]) == 2
    assert capsys.readouterr().err == (
        "error: CONDSEARCH_ANALYTICS_URL uses 'mysql', which is not supported; use "
        "postgresql+psycopg://user:password@host:5432/dbname, or leave it empty for SQLite\n"
    )
