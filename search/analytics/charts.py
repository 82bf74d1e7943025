"""Chart geometry for server-side SVG: the template draws these shapes; no script, no CDN."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


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


NICE = (1.0, 2.0, 2.5, 5.0, 10.0)  # a step is one of these times a power of ten
EMPTY_TOP = 0.05  # the axis of a chart whose every value is 0: 0% to 5%, not a division by zero


def nice_step(top: float, most: int = 5) -> Decimal:
    """The smallest nice step (1, 2, 2.5 or 5 x 10^k) that covers 0..top in at most `most` steps; a Decimal,
    so that tick labels never pick up float noise (3 x 0.1 is 0.3, not 0.30000000000000004)."""
    top = top if top > 0 else EMPTY_TOP
    exponent = math.floor(math.log10(top / most))
    while True:
        for mantissa in NICE:
            if mantissa * 10.0**exponent * most >= top * (1 - 1e-9):
                return Decimal(str(mantissa)).scaleb(exponent)
        exponent += 1


def nice_ticks(top: float, most: int = 5) -> tuple[Decimal, ...]:
    """Evenly spaced multiples of a nice step, from 0 to the first at or above `top` (0.043 -> 0, 0.01 .. 0.05)."""
    step = nice_step(top, most)
    count = max(1, math.ceil(Decimal(str(top if top > 0 else EMPTY_TOP)) / step))
    return tuple(step * i for i in range(count + 1))


def percent(value: Decimal) -> str:
    """A rate as a percent with no needless digits: 0.025 -> "2.5%", 0.1 -> "10%"."""
    return f"{(value * 100).normalize():f}%"


def short_day(day: date) -> str:
    """A compact date for axes and tables: "5 Jan"."""
    return f"{day.day} {day:%b}"


def line_chart(series: Sequence[tuple[date, float]], width: int = 680, height: int = 220) -> LineChart:
    """A rate per day (0..1) as a polyline, with evenly spaced nice percent ticks."""
    # Room on the right for half of the last date label, which is centred on its point.
    left, right, top, bottom = 48, width - 24, 12, height - 28
    ticks = nice_ticks(max((v for _, v in series), default=0.0))
    ceiling = float(ticks[-1])
    span = len(series) - 1

    def x(i: int) -> float:
        return round(left + (right - left) * (i / span if span else 0.5), 1)

    def y(v: float) -> float:
        return round(bottom - (bottom - top) * v / ceiling, 1)

    points = tuple(Point(x(i), y(v), d, v) for i, (d, v) in enumerate(series))
    shown = sorted({0, span // 2, span}) if series else []
    x_ticks = tuple(Tick(x(i), short_day(series[i][0])) for i in shown)
    y_ticks = tuple(Tick(y(float(t)), percent(t)) for t in ticks)
    polyline = " ".join(f"{p.x},{p.y}" for p in points)
    return LineChart(width, height, left, top, right, bottom, points, polyline, x_ticks, y_ticks)
