"""What the /admin dashboard shows: every report over one period, and the charts drawn from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from search.analytics import reports
from search.analytics.charts import BarChart, LineChart, bar_chart, line_chart
from search.analytics.nearest import Nearest
from search.analytics.store import Store

HIDDEN_LABEL = "(texts hidden: fewer than k each)"
UNMATCHED_ROWS = 25
CLICK_ROWS = 20
TOP_ROWS = 15
BARS = 10


@dataclass(frozen=True)
class Dashboard:
    """The reports and charts of one period."""

    period: str
    start: datetime
    k: int
    unmatched: reports.UnmatchedReport
    clicks: reports.ClicksReport
    top: reports.TopReport
    pages: reports.PagesReport
    daily: reports.ZeroResultsReport
    bars: BarChart
    line: LineChart


def build_dashboard(
    store: Store, period: str, start: datetime, k: int, nearest: Callable[[str], Nearest | None]
) -> Dashboard:
    """Read every report since `start` and draw the charts."""
    missed = reports.unmatched(store, start, k, nearest, UNMATCHED_ROWS)
    daily = reports.zero_results(store, start)
    largest = [(g.group.label or HIDDEN_LABEL, g.group.searches) for g in missed.groups[:BARS]]
    return Dashboard(
        period=period,
        start=start,
        k=k,
        unmatched=missed,
        clicks=reports.clicks_per_query(store, start, k, CLICK_ROWS),
        top=reports.top(store, start, k, TOP_ROWS),
        pages=reports.pages(store, start),
        daily=daily,
        bars=bar_chart(largest),
        line=line_chart([(d.day, d.zero_result_rate) for d in daily.days]),
    )
