"""Report periods: "30d", "12h", "2w" -> the earliest minute included."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from search.analytics.errors import AnalyticsError

_PERIOD = re.compile(r"^\s*(\d{1,5})\s*([hdw])\s*$", re.I)
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_PERIOD = timedelta(days=3660)


def parse_period(text: str) -> timedelta:
    """A period such as 30d, 12h or 2w."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        raise AnalyticsError(
            f"--since {text[:20]!r} is not a period; use a number of hours, days or weeks such as 12h, 30d or 2w"
        )
    return min(int(match.group(1)) * _UNIT[match.group(2).lower()], MAX_PERIOD)


def since(text: str, now: datetime) -> datetime:
    """The earliest minute a report over `text` includes."""
    return now - parse_period(text)
