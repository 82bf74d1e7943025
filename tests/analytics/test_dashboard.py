"""The /admin dashboard rendered by a real server from a real SQLite and a real PostgreSQL store holding 10,000
replayed searches: every section there, with sane content."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import httpx
from selectolax.lexbor import LexborHTMLParser, LexborNode

from search.analytics.reports import NO_PAGE_FITS
from search.query.searcher import Searcher
from tests.analytics.conftest import sqlite_url
from tests.analytics.replayed import EVENTS, dashboard_env, expected_groups, hidden_unmatched, replay_k, replay_recent
from tests.analytics.server import AUTH, TOKEN, analytics_server
from tests.support.server import Server, stopping

SHORT_DAYS = re.compile(r"^\d{1,2} [A-Z][a-z]{2}( – \d{1,2} [A-Z][a-z]{2})?$")
NICE = {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}


def cells(tree: LexborHTMLParser, table: str) -> list[list[str]]:
    """The text of every body cell of a table, row by row, whitespace collapsed."""
    return [[" ".join(td.text().split()) for td in tr.css("td")] for tr in tree.css(f"#{table} tbody tr")]


def text_of(tree: LexborHTMLParser | LexborNode, selector: str) -> str:
    """The text of the first element the selector matches; fails the test if none does."""
    node = tree.css_first(selector)
    assert node is not None, f"nothing matches {selector!r}"
    return node.text()


def test_the_dashboard_from_sqlite_with_10000_replayed_searches(
    clinic: Searcher, clinic_index: Path, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    out = replay_recent(clinic, url)
    assert out["sqlite"]["dropped"] == 0 and out["sqlite"]["written"] > EVENTS
    with stopping(analytics_server(clinic_index, tmp_path, **dashboard_env(url))) as server:
        check_dashboard(server, hidden_unmatched(clinic))


def test_the_dashboard_from_postgresql_with_10000_replayed_searches(
    postgres_url: str, clinic: Searcher, clinic_index: Path, tmp_path: Path
) -> None:
    out = replay_recent(clinic, postgres_url)
    assert out["postgresql"]["dropped"] == 0 and out["postgresql"]["written"] > EVENTS
    with stopping(analytics_server(clinic_index, tmp_path, **dashboard_env(postgres_url))) as server:
        check_dashboard(server, hidden_unmatched(clinic))


def check_dashboard(server: Server, hidden: tuple[int, int]) -> None:
    """Every section of the dashboard over the last 30 days, against what the replay put in."""
    expected = expected_groups()
    response = httpx.post(f"{server.url}/admin", data={"token": TOKEN, "since": "30d"}, timeout=60)
    clicks_json = httpx.get(f"{server.url}/analytics/clicks?since=30d&limit=20", headers=AUTH, timeout=60).json()
    assert response.status_code == 200
    tree = LexborHTMLParser(response.text)
    assert tree.css_first('link[href="/static/admin.css"]') is not None

    # The summary counts what k-anonymity left out, and there is something to count.
    summary = " ".join(text_of(tree, "#admin-summary").split())
    # The rare texts (3 groups, 4 searches) and the hostile texts no page answers (each typed once).
    hidden_groups, hidden_searches = hidden
    unmatched_total = sum(expected.values()) + hidden_searches
    assert f"{unmatched_total} unmatched searches, {len(expected)} groups shown;" in summary
    assert (
        f"{hidden_searches} more in {hidden_groups} groups of fewer than {replay_k()} searches are counted, not shown"
    ) in summary

    # Unmatched groups: labelled by what patients typed (or by script), never blank, never a proposal that
    # does not fit, dates compact.
    rows = cells(tree, "unmatched-table")
    assert len(rows) == len(expected)
    labels = [text_of(tree_row, "td.label .typed") for tree_row in tree.css("#unmatched-table tbody tr")]
    assert labels == sorted(expected, key=lambda label: (-expected[label], label))
    assert [int(r[0]) for r in rows] == [expected[label] for label in labels]
    assert all(SHORT_DAYS.match(r[3]) for r in rows), [r[3] for r in rows]
    assert {r[5] for r in rows} == {NO_PAGE_FITS}  # every topic in the log is one the clinic lacks
    knee = rows[labels.index("knee replacement")]
    assert "below the threshold" in knee[4]
    cyrillic = rows[labels.index("Cyrillic text (8)")]
    assert cyrillic[2] == "головная боль (5); болит ухо (3)"
    assert "&lt;phone&gt;" in response.text and "<phone>" not in response.text

    # The bar chart: the ten largest groups, by label.
    bar_labels = tree.css("#largest-chart text")[::2]
    assert [t.text() for t in bar_labels] == labels[:10]

    # The rate chart: evenly spaced ticks, multiples of a nice step, from 0% up.
    ticks = tree.css("#rate-chart text.y-tick")
    values = [Decimal(t.text().rstrip("%")) for t in ticks]
    positions = [float(t.attributes["y"] or "") for t in ticks]
    step = values[1] - values[0]
    assert values[0] == 0 and step.scaleb(-step.adjusted()).normalize() in NICE
    assert values == [step * i for i in range(len(values))]
    gaps = {round(a - b, 1) for a, b in pairwise(positions)}
    assert len(gaps) == 1
    assert len(tree.css("#rate-chart circle")) in (10, 11)  # ten days back from now: 11 dates unless at midnight

    # Clicks per query: the JSON report's queries, in order, with their click-through and pages.
    clicks = cells(tree, "clicks-table")
    assert [r[0] for r in clicks] == [q["query"] for q in clicks_json["queries"]]
    migraine = clicks[0]
    assert migraine[0] == "migraine" and 30 <= int(migraine[2].rstrip("%")) <= 50  # 40% of matched searches click
    assert re.search(r"migraine \d+ \(#1 x\d+\)", migraine[3]), migraine[3]
    assert "#2 x" in " ".join(r[3] for r in clicks)  # some click further down

    top = cells(tree, "top-table")
    pages = cells(tree, "pages-table")
    assert len(top) == 15 and top[0][0] == "migraine"
    assert {"migraine", "neuropathic-pain", "insomnia"} <= {r[0] for r in pages}
