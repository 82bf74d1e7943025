"""The dashboard in a real browser: the token in a form, charts drawn as inline SVG under the app's CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.analytics.server import TOKEN, analytics_server, searches_recorded
from tests.support.browser import browser as browser  # the shared Chromium fixtures
from tests.support.browser import page as page
from tests.support.server import Server, stopping
from tests.support.wait import wait_for

QUERIES = ["vertigo"] * 4 + ["acid reflux"] * 3 + ["acid reflux ph 020 7946 0958"] * 2 + ["migraine"] * 3


@pytest.fixture(scope="module")
def dashboard_server(clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with stopping(analytics_server(clinic_index, tmp_path_factory.mktemp("dashboard"))) as server:
        for text in QUERIES:
            httpx.get(f"{server.url}/search", params={"q": text})
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
