"""Chart geometry: nice, evenly spaced axis ticks and compact dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from search.analytics.charts import line_chart, nice_step, nice_ticks, percent, short_day


@pytest.mark.parametrize(
    ("top", "labels"),
    [
        (0.0, ["0%", "1%", "2%", "3%", "4%", "5%"]),
        (0.043, ["0%", "1%", "2%", "3%", "4%", "5%"]),  # was 0%, 1%, 2%, 4%, 5%: quarters of 5% rounded
        (0.051, ["0%", "2%", "4%", "6%"]),
        (0.12, ["0%", "2.5%", "5%", "7.5%", "10%", "12.5%"]),
        (0.3, ["0%", "10%", "20%", "30%"]),
        (0.61, ["0%", "20%", "40%", "60%", "80%"]),
        (1.0, ["0%", "20%", "40%", "60%", "80%", "100%"]),
        (0.0123, ["0%", "0.25%", "0.5%", "0.75%", "1%", "1.25%"]),
    ],
)
def test_ticks_are_multiples_of_a_nice_step_up_to_the_top(top: float, labels: list[str]) -> None:
    assert [percent(t) for t in nice_ticks(top)] == labels


@pytest.mark.parametrize("top", [0.0007, 0.013, 0.05, 0.077, 0.2, 0.33, 0.5, 0.99, 1.0])
def test_every_step_is_1_2_2_5_or_5_times_a_power_of_ten(top: float) -> None:
    step = nice_step(top)
    mantissa = step.scaleb(-step.adjusted()).normalize()
    assert mantissa in {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}
    ticks = nice_ticks(top)
    assert ticks[0] == 0
    assert ticks[-2] < Decimal(str(top)) <= ticks[-1]  # the top tick is the first at or above the top value
    assert all(b - a == step for a, b in pairwise(ticks))
    assert len(ticks) <= 6


def test_the_line_chart_places_ticks_evenly_and_dates_compactly() -> None:
    days = [date(2026, 1, 5) + timedelta(days=i) for i in range(10)]
    chart = line_chart([(d, 0.004 * i) for i, d in enumerate(days)])  # up to 3.6%
    assert [t.text for t in chart.y_ticks] == ["0%", "1%", "2%", "3%", "4%"]
    gaps = {round(a.at - b.at, 1) for a, b in pairwise(chart.y_ticks)}
    assert len(gaps) == 1 and gaps.pop() > 0
    assert chart.y_ticks[0].at == chart.bottom and chart.y_ticks[-1].at == chart.top
    assert [t.text for t in chart.x_ticks] == ["5 Jan", "9 Jan", "14 Jan"]
    assert short_day(date(2026, 12, 31)) == "31 Dec"
