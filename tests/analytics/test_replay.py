"""scripts/replay_analytics.py: 10,000 scripted searches through the real pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from search.analytics.reports import NO_PAGE_FITS
from search.query.searcher import Searcher
from tests.analytics.conftest import sqlite_url
from tests.analytics.postgres import scratch_database, server_url
from tests.analytics.privacy import every_cell, leaks
from tests.analytics.replayed import hidden_unmatched
from tests.support.scripts import load_script


def test_the_replay_gives_the_expected_groups_on_both_databases(clinic: Searcher, tmp_path: Path) -> None:
    replay = load_script("replay_analytics")
    log = replay.make_log(10_000)
    for variants in replay.UNMATCHED.values():
        for text, _ in variants:
            result = clinic.search(text)
            assert result.total == 0 or result.unmatched, f"the pipeline now matches {text!r}: update the script"
    with scratch_database(server_url()) as postgres:
        sqlite = sqlite_url(tmp_path)
        out = replay.replay(clinic, [sqlite, postgres], log)
        expected = replay.expected_groups()
        for backend in ("sqlite", "postgresql"):
            assert out[backend]["dropped"] == 0
            assert out[backend]["groups"] == expected, backend
            # RARE, and the texts of HOSTILE that no page answers
            assert (out[backend]["hidden_groups"], out[backend]["hidden_searches"]) == hidden_unmatched(clinic)
        assert out["sqlite"]["report"] == out["postgresql"]["report"]
        assert out["sqlite"]["written"] == out["postgresql"]["written"] > 10_000  # searches and clicks

        groups = {g["label"]: g for g in out["sqlite"]["report"]}
        assert [v["text"] for v in groups["ringing ears"]["variants"]] == [
            "ringing ears",
            "ears ringing",
            "ringing eers",
            "ringin ears",
            "ringing ears <url>",
        ]
        assert groups["ringing ears"]["hidden_variants"] == 2  # "ringing ears <phone>", typed twice
        assert [v["text"] for v in groups["measles"]["variants"]] == [
            "measles",
            "measles my email is <email>",
            "meesles",
        ]
        # A page is found for "knee replacement", below the unmatched threshold: named, never proposed.
        knee = groups["knee replacement"]
        assert knee["nearest"]["slug"] == clinic.search("knee replacement").hits[0].slug
        assert knee["nearest"]["fits"] is False
        assert (knee["advice"], knee["search_phrase"]) == (NO_PAGE_FITS, None)
        # No page mentions vertigo: the nearest by meaning is named, never proposed.
        assert (groups["vertigo"]["nearest"]["fits"], groups["vertigo"]["advice"]) == (False, NO_PAGE_FITS)
        # Texts in other scripts are grouped on their own, as typed, never with the rest.
        cyrillic = groups["Cyrillic text (8)"]
        assert [v["text"] for v in cyrillic["variants"]] == ["головная боль", "болит ухо"]
        assert (cyrillic["script"], cyrillic["corrected"]) == ("Cyrillic", None)
        assert groups["symbols only (4)"]["hidden_variants"] == 1  # "!!", typed once
        assert all(g["label"] for g in out["sqlite"]["report"])

        # No scrubbed detail anywhere: every row of every table, on both databases.
        for url in (sqlite, postgres):
            assert len(every_cell(url)) > 100_000
            assert leaks(url, replay.SECRETS) == []
