"""Report periods."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from search.analytics.errors import AnalyticsError
from search.analytics.period import parse_period, since


def test_hours_days_and_weeks() -> None:
    assert parse_period("12h") == timedelta(hours=12)
    assert parse_period("30d") == timedelta(days=30)
    assert parse_period(" 2W ") == timedelta(weeks=2)
    assert since("1d", datetime(2026, 1, 2, 8, 0)) == datetime(2026, 1, 1, 8, 0)


@pytest.mark.parametrize("text", ["30", "0d", "d", "30 days", "-1d"])
def test_a_bad_period_names_the_value_and_the_fix(text: str) -> None:
    with pytest.raises(AnalyticsError) as caught:
        parse_period(text)
    assert str(caught.value) == (
        f"--since {text!r} is not a period; use a number of hours, days or weeks such as 12h, 30d or 2w"
    )
