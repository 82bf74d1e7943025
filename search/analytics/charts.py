"""Chart geometry for server-side SVG: the template draws these shapes; no script, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value and where it is drawn."""

    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, largest first."""

    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    """An axis label and its position."""

    at: float
    text: str


@dataclass(frozen=True)
class Point:
    """A value on the line, with its day."""

    x: float
    y: float
    day: date
    value: float


@dataclass(frozen=True)
class LineChart:
    """A line over days, its plot area and axis ticks."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    points: tuple[Point, ...]
    polyline: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def bar_chart(
    items: Sequence[tuple[str, int]], width: int = 680, label_width: int = 230, bar_height: int = 20, gap: int = 6
) -> BarChart:
    """Bars scaled to the largest value, room left for the value after each bar."""
    top = max((v for _, v in items), default=0) or 1
    room = width - label_width - 50
    bars = tuple(
        Bar(label, value, i * (bar_height + gap), max(1.0, round(room * value / top, 1)))
        for i, (label, value) in enumerate(items)
    )
    return BarChart(width, max(1, len(items) * (bar_height + gap)), label_width, bar_height, bars)


def _ceiling(value: float) -> float:
    """A round upper bound for a rate axis."""
    for bound in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if value <= bound:
            return bound
    return value


def line_chart(series: Sequence[tuple[date, float]], width: int = 680, height: int = 220) -> LineChart:
    """A rate per day (0..1) as a polyline with percent ticks."""
    left, right, top, bottom = 48, width - 16, 12, height - 28
    ceiling = _ceiling(max((v for _, v in series), default=0.0))
    span = len(series) - 1

    def x(i: int) -> float:
        return round(left + (right - left) * (i / span if span else 0.5), 1)

    def y(v: float) -> float:
        return round(bottom - (bottom - top) * v / ceiling, 1)

    points = tuple(Point(x(i), y(v), d, v) for i, (d, v) in enumerate(series))
    shown = sorted({0, span // 2, span}) if series else []
    x_ticks = tuple(Tick(x(i), series[i][0].isoformat()) for i in shown)
    y_ticks = tuple(Tick(y(ceiling * f), f"{ceiling * f:.0%}") for f in (0.0, 0.25, 0.5, 0.75, 1.0))
    polyline = " ".join(f"{p.x},{p.y}" for p in points)
    return LineChart(width, height, left, top, right, bottom, points, polyline, x_ticks, y_ticks)
