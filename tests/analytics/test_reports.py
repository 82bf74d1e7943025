"""Reports on SQLite and PostgreSQL: the same numbers from the same events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from search.analytics import reports
from search.analytics.formats import render
from search.analytics.nearest import Nearest
from search.analytics.store import Store
from tests.analytics.test_store import click_at, search_at

DAY1 = datetime(2026, 3, 1, 9, 0)
DAY2 = DAY1 + timedelta(days=1)


def fill(store: Store) -> None:
    hit = {"hits": 4, "top_slug": "migraine", "confidence": 0.9, "unmatched": False}
    events = [
        search_at(DAY1 + timedelta(minutes=i), f"m{i}", query=q, normalized=q.lower(), corrected="migraine", **hit)
        for i, q in enumerate(["migraine", "Migraine", "migraine", "migraine"])
    ]
    events += [
        search_at(
            DAY1,
            "n1",
            query="neck pain",
            normalized="neck pain",
            corrected="neck pain",
            hits=2,
            top_slug="chronic-pain",
            confidence=0.2,
            unmatched=True,
        )
    ]
    events += [
        search_at(DAY2 + timedelta(minutes=i), f"v{i}", query=q, normalized=q, corrected="vertigo")
        for i, q in enumerate(["vertigo", "vertigo", "vertgo", "vertigo"])
    ]
    clicks = [
        click_at(DAY1, "m0"),
        click_at(DAY1, "m0", position=3),
        click_at(DAY1 + timedelta(minutes=2), "m2", position=2),
        click_at(DAY1, "n1", "chronic-pain", 2),
        click_at(DAY1, "nowhere", "migraine", 1),
    ]
    store.write(events, clicks)


@dataclass
class NearestThat:
    """A nearest-page lookup that always answers the same page, fitting or not; it records what it was asked."""

    fits: bool
    asked: list[str] = field(default_factory=list)

    def __call__(self, text: str) -> Nearest | None:
        self.asked.append(text)
        score = 0.8 if self.fits else 0.2
        return Nearest(
            "balance-disorders", "Balance disorders", score, "data/conditions/balance-disorders.md", self.fits
        )


def test_unmatched_groups_propose_the_nearest_page_only_when_it_fits(store: Store) -> None:
    fill(store)
    fitting = NearestThat(True)
    report = reports.unmatched(store, DAY1, 3, fitting)
    assert report.searches == 5
    (item,) = report.groups
    assert (item.group.label, item.group.searches, item.group.hidden_variants) == ("vertigo", 4, 1)
    assert [(v.text, v.searches) for v in item.group.variants] == [("vertigo", 3)]
    assert fitting.asked == ["vertigo"]
    assert item.advice == "add 'vertigo' to data/conditions/balance-disorders.md"
    assert item.search_phrase == "  - vertigo  # add to data/conditions/balance-disorders.md"
    assert (report.hidden_groups, report.hidden_searches) == (1, 1)
    assert render(report, "csv").splitlines()[0] == (
        "searches,label,corrected,variants,hidden_variants,first_seen,last_seen,nearest_page,nearest_score,"
        "advice,search_phrase"
    )

    (poor,) = reports.unmatched(store, DAY1, 3, NearestThat(False)).groups
    assert poor.nearest is not None and poor.nearest.slug == "balance-disorders"  # named, not proposed
    assert poor.advice == "no page fits: consider a new page or an FAQ entry"
    assert poor.search_phrase is None


def test_wordless_texts_are_grouped_by_script_and_never_proposed_a_page(store: Store) -> None:
    events = [
        search_at(DAY1 + timedelta(minutes=i), f"c{i}", query="головная боль", normalized="", corrected="")
        for i in range(4)
    ]
    events += [search_at(DAY1 + timedelta(minutes=i), f"v{i}") for i in range(3)]
    store.write(events, [])
    fitting = NearestThat(True)
    report = reports.unmatched(store, DAY1, 3, fitting)
    cyrillic, vertigo = report.groups
    assert (cyrillic.group.label, cyrillic.nearest, cyrillic.search_phrase) == ("Cyrillic text (4)", None, None)
    assert cyrillic.advice == "no page fits: consider a new page or an FAQ entry"
    assert (vertigo.group.label, vertigo.group.searches) == ("vertigo", 3)
    assert fitting.asked == ["vertigo"]
    assert (report.hidden_groups, report.hidden_searches) == (0, 0)


def test_clicks_per_query_pages_positions_and_click_through(store: Store) -> None:
    fill(store)
    report = reports.clicks_per_query(store, DAY1, 3)
    assert (report.searches, report.clicked_searches, report.hidden_searches) == (9, 3, 2)
    assert [q.query for q in report.queries] == ["migraine", "vertigo"]  # "neck pain", "vertgo": fewer than k
    migraine, vertigo = report.queries
    assert (migraine.searches, migraine.clicked_searches, migraine.click_through_rate, migraine.clicks) == (
        4,
        2,
        0.5,
        3,
    )
    (page,) = migraine.pages
    assert (page.slug, page.clicks) == ("migraine", 3)
    assert [(p.position, p.clicks) for p in page.positions] == [(1, 1), (2, 1), (3, 1)]
    assert (vertigo.click_through_rate, vertigo.pages) == (0.0, ())
    assert render(report, "csv").splitlines() == [
        "query,searches,clicked_searches,click_through_rate,page,clicks,positions",
        "migraine,4,2,0.5,migraine,3,#1 x1; #2 x1; #3 x1",
        "vertigo,3,0,0,,0,",
    ]
    assert reports.clicks_per_query(store, DAY1, 3, limit=1).queries == (migraine,)


def test_top_queries_only_show_texts_k_searches_share(store: Store) -> None:
    fill(store)
    report = reports.top(store, DAY1, 3)
    assert [(q.query, q.searches, q.zero_results, q.unmatched, q.clicks) for q in report.queries] == [
        ("migraine", 4, 0, 0, 3),
        ("vertigo", 3, 3, 3, 0),
    ]
    assert (report.searches, report.hidden_searches) == (9, 2)


def test_pages_click_through_and_mean_position(store: Store) -> None:
    fill(store)
    report = reports.pages(store, DAY1)
    by_slug = {p.slug: p for p in report.pages}
    migraine = by_slug["migraine"]
    # The click with no recorded search ("nowhere") is not counted.
    assert (migraine.searches, migraine.clicks, migraine.click_through_rate, migraine.mean_click_position) == (
        4,
        3,
        0.5,
        2.0,
    )
    assert by_slug["chronic-pain"].click_through_rate == 1.0


def test_zero_result_rate_per_day(store: Store) -> None:
    fill(store)
    report = reports.zero_results(store, DAY1)
    assert [(d.day, d.searches, d.zero_results, d.unmatched, d.zero_result_rate) for d in report.days] == [
        (date(2026, 3, 1), 5, 0, 1, 0.0),
        (date(2026, 3, 2), 4, 4, 4, 1.0),
    ]
    assert reports.zero_results(store, DAY2).days[0].day == date(2026, 3, 2)


def test_export_leaves_out_texts_fewer_than_k_share(store: Store) -> None:
    fill(store)
    rows = list(reports.export(store, DAY1, 3))
    assert len(rows) == 9
    assert {r["query"] for r in rows} == {"migraine", None, "vertigo"}
    assert {r["normalized"] for r in rows} == {"migraine", None, "vertigo"}
    assert sum(r["clicks"] for r in rows) == 4


def test_forged_and_repeated_clicks_count_for_nothing(store: Store) -> None:
    hit = {"hits": 4, "top_slug": "migraine", "confidence": 0.9, "unmatched": False}
    searches = [
        search_at(DAY1 + timedelta(minutes=i), f"s{i}", query="migraine", normalized="migraine", **hit)
        for i in range(3)
    ]  # type: ignore[arg-type]
    real = [click_at(DAY1, "s0", "migraine", 1)]
    forged = [click_at(DAY1, "s1", "migraine", 1000)]  # a position its search never returned
    forged += [click_at(DAY1, "s0", "migraine", 1) for _ in range(50)]  # the same click replayed
    forged += [click_at(DAY1, "made-up-id", "migraine", 1)]  # a search that was never made
    store.write(searches, real + forged)
    page = next(p for p in reports.pages(store, DAY1).pages if p.slug == "migraine")
    assert (page.clicks, page.mean_click_position) == (1, 1.0)
    clicked = reports.clicks_per_query(store, DAY1, 3).queries[0]
    assert (clicked.query, clicked.searches, clicked.clicked_searches, clicked.clicks) == ("migraine", 3, 1, 1)
    assert reports.top(store, DAY1, 3).queries[0].clicks == 1


def test_k_counts_a_text_once_a_minute_so_refreshes_never_reveal_it(store: Store) -> None:
    # One person reloading "mri for sam rivers" five times within a minute; three people a minute apart.
    lone = {"query": "mri for sam rivers", "normalized": "mri for sam rivers", "corrected": "mri for sam rivers"}
    events = [search_at(DAY1, f"r{i}", **lone) for i in range(5)]  # type: ignore[arg-type]
    events += [search_at(DAY1 + timedelta(minutes=i), f"p{i}") for i in range(3)]
    store.write(events, [])
    since = DAY1 - timedelta(hours=1)
    for k, shown in ((2, {"vertigo"}), (3, {"vertigo"}), (4, set())):
        top = reports.top(store, since, k)
        assert {q.query for q in top.queries} == shown
        assert {q.query for q in reports.clicks_per_query(store, since, k).queries} == shown
        assert {g.group.label for g in reports.unmatched(store, since, k, NearestThat(fits=False)).groups} == shown
        exported = {row["query"] for row in reports.export(store, since, k)}
        assert "mri for sam rivers" not in exported
    top = reports.top(store, since, 2)
    assert (top.searches, top.hidden_searches) == (4, 1)  # five requests, one person
    assert top.queries[0].searches == 3
