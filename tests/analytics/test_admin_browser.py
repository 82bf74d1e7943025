"""The dashboard in a real browser: the token in a form, charts drawn as inline SVG under the app's CSP, and laid
out for a laptop screen with 10,000 replayed searches (the screenshot in docs/ is made here)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from search.query.searcher import Searcher
from tests.analytics.conftest import sqlite_url
from tests.analytics.replayed import dashboard_env, expected_groups, replay_recent
from tests.analytics.server import TOKEN, analytics_server, record_history, searches_recorded
from tests.support.browser import browser as browser  # the shared Chromium fixtures
from tests.support.browser import page as page
from tests.support.browser import screenshot_path, watched_page
from tests.support.server import Server, stopping
from tests.support.wait import wait_for

SCREENSHOT = "admin-dashboard.png"  # docs/ only when asked: tests.support.browser.screenshot_path
LAPTOPS = {"1366x768": (1366, 768), "1440x900": (1440, 900)}
NICE = {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}
ACCENT = "rgb(47, 111, 106)"  # style.css's --accent

QUERIES = ["vertigo"] * 4 + ["acid reflux"] * 3 + ["acid reflux ph 020 7946 0958"] * 2 + ["migraine"] * 3


@pytest.fixture(scope="module")
def dashboard_server(
    clinic: Searcher, clinic_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("dashboard")
    record_history(clinic, folder, QUERIES)  # a minute apart: k counts each
    with stopping(analytics_server(clinic_index, folder)) as server:
        assert wait_for(lambda: searches_recorded(server) == len(QUERIES))
        yield server


def test_sign_in_and_read_the_dashboard(page, dashboard_server: Server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(dashboard_server.url + "/admin")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Show the reports").click()
    page.locator("#largest-chart").wait_for()
    assert page.url == dashboard_server.url + "/admin"  # the token went in the body, not the URL
    bars = page.locator("#largest-chart rect")
    assert bars.count() == 2
    labels = page.locator("#largest-chart text").all_text_contents()
    assert labels == ["acid reflux", "5", "vertigo", "4"]
    assert page.locator("#rate-chart polyline").count() == 1
    rows = page.locator("#unmatched-table tbody tr")
    assert rows.count() == 2
    # Placeholders are text, escaped: the browser shows "<phone>", it does not parse a tag.
    assert "acid reflux ph <phone> (2)" in rows.nth(0).inner_text()
    assert page.context.cookies() == []
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


@pytest.fixture(scope="module")
def replayed_server(clinic: Searcher, clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over a SQLite store holding 10,000 replayed searches."""
    folder = tmp_path_factory.mktemp("replayed")
    url = sqlite_url(folder)
    replay_recent(clinic, url)
    with stopping(analytics_server(clinic_index, folder, **dashboard_env(url))) as server:
        yield server


@pytest.fixture(params=sorted(LAPTOPS))
def laptop(browser: playwright_api.Browser, request: pytest.FixtureRequest) -> Iterator[playwright_api.Page]:
    """A page at a laptop's viewport; the test fails if the page logs a script error."""
    with watched_page(browser, *LAPTOPS[request.param]) as opened:
        yield opened


def sign_in(page: playwright_api.Page, server: Server, period: str = "30d") -> None:
    page.goto(server.url + "/admin")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_label("Period").select_option(period)
    page.get_by_role("button", name="Show the reports").click()
    page.locator("#rate-chart").wait_for()


def test_the_controls_are_styled_not_browser_defaults(laptop: playwright_api.Page, replayed_server: Server) -> None:
    laptop.goto(replayed_server.url + "/admin")
    style = laptop.evaluate(
        """() => Object.fromEntries(['#token', '#since', '#admin-login button'].map(s => {
            const c = getComputedStyle(document.querySelector(s));
            return [s, {radius: c.borderTopLeftRadius, border: c.borderTopWidth, background: c.backgroundColor,
                        appearance: c.appearance}];
        }))"""
    )
    assert style["#token"]["radius"] == "8px" and style["#token"]["border"] == "2px"
    assert style["#since"]["appearance"] == "none" and style["#since"]["radius"] == "8px"
    assert style["#admin-login button"]["background"] == ACCENT
    sign_in(laptop, replayed_server)
    link = laptop.get_by_role("link", name="Sign out")
    assert link.evaluate("e => getComputedStyle(e).color") == ACCENT
    assert link.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"  # drawn as a button


def test_the_dashboard_fits_a_laptop_screen(laptop: playwright_api.Page, replayed_server: Server) -> None:
    sign_in(laptop, replayed_server)
    width = laptop.evaluate("innerWidth")
    assert laptop.evaluate("document.documentElement.scrollWidth") <= width
    wider = laptop.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.getAttribute('class') || ''}`)"""
    )
    assert wider == []
    # Nor does a table scroll inside its own box: every column is readable without scrolling.
    scrolled = laptop.eval_on_selector_all(
        ".table-wrap", "es => es.filter(e => e.scrollWidth > e.clientWidth).map(e => e.firstElementChild.id)"
    )
    assert scrolled == []

    # Every group is there, labelled; none is blank.
    labels = laptop.locator("#unmatched-table td.label .typed").all_inner_texts()
    assert sorted(labels) == sorted(expected_groups())
    assert "0 searches in 0 groups" not in laptop.locator("#admin-summary").inner_text()

    # Dates on one line: a wrapped inline element has more than one box.
    boxes = laptop.eval_on_selector_all("#unmatched-table .when", "es => es.map(e => e.getClientRects().length)")
    assert boxes and set(boxes) == {1}
    heights = laptop.eval_on_selector_all(
        "#unmatched-table .when",
        "es => es.map(e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))",
    )
    assert max(heights) < 1.5

    # The y axis: nice values, evenly spaced on the screen, 0% at the bottom.
    ticks = laptop.eval_on_selector_all(
        "#rate-chart .y-tick",
        "es => es.map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.top + r.height / 2]; })",
    )
    values = [Decimal(text.rstrip("%")) for text, _ in ticks]
    step = values[1] - values[0]
    assert values == [step * i for i in range(len(values))] and step.scaleb(-step.adjusted()).normalize() in NICE
    gaps = [below - above for (_, below), (_, above) in pairwise(ticks)]
    assert min(gaps) > 10 and max(gaps) - min(gaps) < 1.0, gaps

    # The clicks table: queries with their click-through and pages.
    first = laptop.locator("#clicks-table tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "migraine"
    assert first.nth(2).inner_text().endswith("%")
    assert "#1 x" in first.nth(3).inner_text()

    if width == LAPTOPS["1366x768"][0]:
        shot = screenshot_path(SCREENSHOT)
        laptop.screenshot(path=shot, full_page=True)
        assert Path(shot).stat().st_size > 50_000
