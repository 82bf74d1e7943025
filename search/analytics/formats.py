"""Reports as JSON, CSV or a plain-text table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from search.analytics.reports import (
    EXPORT_COLUMNS,
    ClicksReport,
    PagesReport,
    PositionClicks,
    Report,
    TopReport,
    UnmatchedReport,
    ZeroResultsReport,
)

FORMATS = ("table", "csv", "json")
CELL = 60  # widest table cell; CSV and JSON are never cut
# A spreadsheet runs a cell that starts with these as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    if isinstance(report, UnmatchedReport):
        groups = []
        for item in report.groups:
            group = asdict(item.group)
            group["nearest"] = asdict(item.nearest) if item.nearest else None
            group["advice"] = item.advice
            group["search_phrase"] = item.search_phrase
            groups.append(group)
        body: dict[str, Any] = {
            "since": report.since,
            "k": report.k,
            "searches": report.searches,
            "groups": groups,
            "hidden_groups": report.hidden_groups,
            "hidden_searches": report.hidden_searches,
        }
        return dict(_plain(body))
    return dict(_plain(asdict(report)))


def report_rows(report: Report) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Column names and rows, for CSV and tables."""
    columns: tuple[str, ...]
    if isinstance(report, UnmatchedReport):
        columns = (
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
        )
        rows = []
        for item in report.groups:
            g = item.group
            variants = "; ".join(f"{v.text} ({v.searches})" for v in g.variants)
            nearest = item.nearest
            rows.append(
                (
                    g.searches,
                    g.label,
                    g.corrected,
                    variants,
                    g.hidden_variants,
                    g.first_seen,
                    g.last_seen,
                    nearest.slug if nearest else None,
                    nearest.score if nearest else None,
                    item.advice,
                    item.search_phrase,
                )
            )
        return columns, rows
    if isinstance(report, TopReport):
        columns = ("query", "searches", "zero_results", "unmatched", "clicks")
        return columns, [(q.query, q.searches, q.zero_results, q.unmatched, q.clicks) for q in report.queries]
    if isinstance(report, ClicksReport):
        columns = ("query", "searches", "clicked_searches", "click_through_rate", "page", "clicks", "positions")
        per_page: list[tuple[Any, ...]] = []
        for q in report.queries:
            head = (q.query, q.searches, q.clicked_searches, q.click_through_rate)
            # One row per page clicked; a query nobody clicked keeps one row with no page.
            clicked = [(*head, p.slug, p.clicks, positions_text(p.positions)) for p in q.pages]
            per_page += clicked or [(*head, None, 0, "")]
        return columns, per_page
    if isinstance(report, PagesReport):
        columns = ("slug", "searches", "clicks", "click_through_rate", "mean_click_position")
        return columns, [
            (p.slug, p.searches, p.clicks, p.click_through_rate, p.mean_click_position) for p in report.pages
        ]
    assert isinstance(report, ZeroResultsReport)
    columns = ("day", "searches", "zero_results", "unmatched", "zero_result_rate")
    return columns, [(d.day, d.searches, d.zero_results, d.unmatched, d.zero_result_rate) for d in report.days]


def positions_text(positions: Iterable[PositionClicks]) -> str:
    """Clicks by position, compactly: "#1 x5; #3 x2"."""
    return "; ".join(f"#{p.position} x{p.clicks}" for p in positions)


def summary(report: Report) -> str:
    """One line on what the report covers and what k-anonymity left out."""
    since = f"since {report.since:%Y-%m-%d %H:%M} UTC"
    if isinstance(report, UnmatchedReport):
        return (
            f"{report.searches} unmatched searches {since}: {len(report.groups)} groups shown; "
            f"{report.hidden_searches} searches in {report.hidden_groups} groups of fewer than {report.k} not shown"
        )
    if isinstance(report, TopReport):
        return (
            f"{report.searches} searches {since}; {report.hidden_searches} with a text fewer than "
            f"{report.k} searches share are counted, not shown"
        )
    if isinstance(report, ClicksReport):
        return (
            f"{report.searches} searches {since}, {report.clicked_searches} with a click; "
            f"{report.hidden_searches} with a text fewer than {report.k} searches share are counted, not shown"
        )
    if isinstance(report, PagesReport):
        return f"{len(report.pages)} pages {since}"
    return f"{len(report.days)} days {since}"


def _cell(value: Any, limit: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    else:
        text = str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """RFC 4180 CSV with a header row; cells a spreadsheet would run as formulas are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = [_cell(v, None) for v in row]
        writer.writerow(["'" + c if c.startswith(_FORMULA) else c for c in cells])
    return out.getvalue()


def to_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Aligned plain-text columns."""
    cells = [list(columns)] + [[_cell(v, CELL) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt == "json":
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
    columns, rows = report_rows(report)
    if fmt == "csv":
        return to_csv(columns, rows)
    return to_table(columns, rows) + summary(report) + "\n"


def render_export(rows: Iterable[dict[str, Any]], fmt: str) -> str:
    """Exported events in one of FORMATS (JSON: one object per line)."""
    if fmt == "json":
        return "".join(json.dumps(_plain(r), ensure_ascii=False) + "\n" for r in rows)
    values = [tuple(r[c] for c in EXPORT_COLUMNS) for r in rows]
    return to_csv(EXPORT_COLUMNS, values) if fmt == "csv" else to_table(EXPORT_COLUMNS, values)
