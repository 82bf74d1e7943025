"""10,000 searches replayed by scripts/replay_analytics.py into a store, ending now, and what they should show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from search.analytics.events import utc_minute
from search.query.searcher import Searcher
from tests.support.scripts import load_script

EVENTS = 10_000
DAYS = 10


def replay_recent(clinic: Searcher, url: str) -> dict[str, Any]:
    """Replay the scripted log into the database at `url`, ending now: every report period covers it."""
    replay = load_script("replay_analytics")
    log = replay.make_log(EVENTS, start=utc_minute() - timedelta(days=DAYS))
    out: dict[str, Any] = replay.replay(clinic, [url], log)
    return out


def expected_groups() -> dict[str, int]:
    """Label -> searches of every group the replay makes, at the script's k."""
    groups: dict[str, int] = load_script("replay_analytics").expected_groups()
    return groups


def replay_k() -> int:
    """The k the script's figures assume."""
    return int(load_script("replay_analytics").K)


def dashboard_env(url: str) -> dict[str, str]:
    """Settings for a server (tests.analytics.server.analytics_server) reading analytics at `url`, at the script's k."""
    return {"CONDSEARCH_ANALYTICS_URL": url, "CONDSEARCH_ANALYTICS_MIN_COUNT": str(replay_k())}


def hidden_unmatched(clinic: Searcher) -> tuple[int, int]:
    """(groups, searches) below k among the unmatched: the rare texts, and the hostile texts no page answers.

    Each hostile text is typed once; whether a page answers one ("me llamo ... y tengo insomnio") is the
    ranker's verdict, read here rather than fixed, so these tests check what analytics does with it.
    """
    replay = load_script("replay_analytics")
    hostile = sum(1 for text in replay.HOSTILE if clinic.search(text).unmatched)
    return len(replay.RARE) + hostile, sum(n for _, n in replay.RARE) + hostile
