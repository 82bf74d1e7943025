"""/analytics/* and /admin on a real server: the token, the reports as JSON and CSV, and nothing identifying stored."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from search.query.searcher import Searcher
from tests.analytics.privacy import every_cell, leaks
from tests.analytics.server import AUTH, TOKEN, analytics_server, record_history, searches_recorded
from tests.api.conftest import server as server  # the shared server, which has no admin token
from tests.support.server import Server, stopping
from tests.support.wait import wait_for

HEADERS = {
    "X-Forwarded-For": "203.0.113.77",
    "User-Agent": "Mozilla/5.0 agent-marker-5521",
    "Cookie": "session=cookie-marker-9913",
    "Referer": "https://referrer-marker.example/from",
}
PHONE = "ringing ears call 555-867-5309"
EMAIL = "eczema mail me at pat.smith@example.org"
# Earlier searches, a minute apart, then one live request per text through the server: every text counts
# once more, and the live ones carry the headers and details that must not be stored.
HISTORY = ["migraine"] * 2 + ["vertigo"] * 3 + [PHONE, EMAIL]
LIVE = ["migraine", "vertgo", PHONE, EMAIL]
SEARCHES = len(HISTORY) + len(LIVE) + 1  # and "vertigo" from the HTML page
SECRETS = (
    "203.0.113.77",
    "127.0.0.1",
    "agent-marker",
    "mozilla",
    "cookie-marker",
    "referrer-marker",
    "867-5309",
    "pat.smith",
    "example.org",
)


@pytest.fixture(scope="module")
def admin_server(clinic: Searcher, clinic_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("admin")
    record_history(clinic, folder, HISTORY, clicked=["migraine"])
    with stopping(analytics_server(clinic_index, folder)) as server:
        with httpx.Client(base_url=server.url, headers=HEADERS, timeout=10) as client:
            for text in LIVE:
                query_id = client.get("/search", params={"q": text}).json()["query_id"]
                if text == "migraine":
                    client.post("/events/click", json={"query_id": query_id, "slug": "migraine", "position": 1})
            client.get("/", params={"q": "vertigo"})  # the HTML page records too
            client.get("/suggest", params={"q": "pins and needl"})
        assert wait_for(lambda: searches_recorded(server) == SEARCHES), "events were not written"
        yield server


def test_without_the_token_the_reports_answer_401_in_the_error_shape(admin_server: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = httpx.get(f"{admin_server.url}/analytics/top?limit=0", headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "error": {
                "status": 401,
                "code": "unauthorized",
                "message": "a valid admin token is required: send `Authorization: Bearer <CONDSEARCH_ADMIN_TOKEN>`",
                "field": None,
            }
        }
        assert response.headers["www-authenticate"] == 'Bearer realm="condsearch-admin"'


def test_with_no_token_configured_the_routes_do_not_exist(server: Server) -> None:
    paths = (
        "/analytics/unmatched",
        "/analytics/top",
        "/analytics/clicks",
        "/analytics/pages",
        "/analytics/zero-results",
    )
    for path in (*paths, "/admin"):
        response = httpx.get(server.url + path, headers={"Authorization": "Bearer anything"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_reports_as_json(admin_server: Server, clinic: Searcher) -> None:
    def get(path: str) -> Any:
        """A report's JSON, which the test reads as it is."""
        return httpx.get(f"{admin_server.url}{path}", headers=AUTH).json()

    unmatched = get("/analytics/unmatched?since=1d")
    groups = {g["label"]: g for g in unmatched["groups"]}
    assert groups["vertigo"]["searches"] == 5  # three earlier, one misspelled, one from the HTML page
    assert groups["vertigo"]["variants"] == [{"text": "vertigo", "searches": 4}]
    assert groups["vertigo"]["hidden_variants"] == 1
    assert (groups["vertigo"]["corrected"], groups["vertigo"]["script"]) == ("vertigo", None)
    assert groups["vertigo"]["advice"] == "no page fits: consider a new page or an FAQ entry"
    assert groups["vertigo"]["search_phrase"] is None
    # Typed twice with a phone number: the label is the scrubbed text, never the number.
    assert groups["ringing ears call <phone>"]["searches"] == 2
    top = get("/analytics/top?since=1d&limit=2")
    assert [q["query"] for q in top["queries"]] == ["vertigo", "migraine"]
    assert top["queries"][1]["clicks"] == 3
    pages = {p["slug"]: p for p in get("/analytics/pages")["pages"]}
    # Searches a page topped: migraine's own three, and any vertigo search that meaning answered with it
    # (flagged unmatched: the nearest page, not a fit).
    by_meaning = sum(1 for text in ["vertigo"] * 4 + ["vertgo"] if _top(clinic, text) == "migraine")
    assert (pages["migraine"]["searches"], pages["migraine"]["clicks"]) == (3 + by_meaning, 3)
    assert pages["migraine"]["click_through_rate"] == round(3 / (3 + by_meaning), 4)
    assert sum(day["searches"] for day in get("/analytics/zero-results")["days"]) == SEARCHES
    clicks = get("/analytics/clicks?since=1d")
    assert (clicks["k"], clicks["searches"], clicks["clicked_searches"]) == (2, SEARCHES, 3)
    by_query = {q["query"]: q for q in clicks["queries"]}
    assert by_query["migraine"] == {
        "query": "migraine",
        "searches": 3,
        "clicked_searches": 3,
        "click_through_rate": 1.0,
        "clicks": 3,
        "pages": [{"slug": "migraine", "clicks": 3, "positions": [{"position": 1, "clicks": 3}]}],
    }
    assert by_query["vertigo"]["click_through_rate"] == 0.0
    assert "vertgo" not in by_query  # searched once: counted, not shown
    assert clicks["hidden_searches"] == 1


def test_the_clicks_report_as_csv_and_in_the_openapi_document(admin_server: Server) -> None:
    response = httpx.get(f"{admin_server.url}/analytics/clicks?format=csv&since=1d&limit=1", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="clicks.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.text.splitlines() == [
        "query,searches,clicked_searches,click_through_rate,page,clicks,positions",
        "vertigo,4,0,0,,0,",
    ]
    spec = httpx.get(f"{admin_server.url}/openapi.json").json()
    operation = spec["paths"]["/analytics/clicks"]["get"]
    assert operation["tags"] == ["analytics"]
    assert {p["name"] for p in operation["parameters"]} == {"since", "format", "limit"}
    assert set(operation["responses"]) == set(spec["paths"]["/analytics/top"]["get"]["responses"])
    unauthorized = httpx.get(f"{admin_server.url}/analytics/clicks")
    assert unauthorized.status_code == 401


def test_the_reports_as_csv(admin_server: Server) -> None:
    response = httpx.get(f"{admin_server.url}/analytics/top?format=csv&since=1d", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="top.csv"'
    assert response.headers["cache-control"] == "no-store"
    lines = response.text.splitlines()
    assert lines[0] == "query,searches,zero_results,unmatched,clicks"
    # Meaning answers "vertigo" with its nearest pages: unmatched every time, never zero results.
    assert lines[1] == "vertigo,4,0,4,0"


def test_a_bad_period_is_a_422_naming_it(admin_server: Server) -> None:
    response = httpx.get(f"{admin_server.url}/analytics/unmatched?since=forever", headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "status": 422,
        "code": "invalid_request",
        "message": "`since` 'forever' is not a period; use a number of hours, days or weeks such as 12h, 30d or 2w",
        "field": "since",
    }


def test_suggestions_are_sampled_into_the_store(admin_server: Server) -> None:
    cells = every_cell(f"sqlite:///{admin_server.index_dir.parent / 'var' / 'analytics.db'}")
    kinds = [value for column, value in cells if column == "kind"]
    assert kinds.count("suggest") == 1
    assert ("query", "pins and needl") in cells


def test_no_address_agent_cookie_referrer_or_scrubbed_detail_is_stored(admin_server: Server) -> None:
    url = f"sqlite:///{admin_server.index_dir.parent / 'var' / 'analytics.db'}"
    assert leaks(url, SECRETS) == []
    assert ("query", "ringing ears call <phone>") in every_cell(url)


def test_the_dashboard_needs_the_token_and_sets_nothing(admin_server: Server) -> None:
    form = httpx.get(f"{admin_server.url}/admin")
    assert form.status_code == 200
    assert 'id="admin-login"' in form.text and "vertigo" not in form.text
    wrong = httpx.post(f"{admin_server.url}/admin", data={"token": "nope"})
    assert wrong.status_code == 401 and "That token is not right." in wrong.text and "vertigo" not in wrong.text
    page = httpx.post(f"{admin_server.url}/admin", data={"token": TOKEN, "since": "7d"})
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="largest-chart"' in page.text and 'id="rate-chart"' in page.text
    assert "eczema mail me at &lt;email&gt;" in page.text and "<email>" not in page.text  # escaped
    assert TOKEN not in page.text
    bearer = httpx.get(f"{admin_server.url}/admin", headers=AUTH)
    assert bearer.status_code == 200 and 'id="largest-chart"' in bearer.text


def test_later_pages_of_a_search_are_not_recorded_again(clinic_index: Path, tmp_path: Path) -> None:
    with stopping(analytics_server(clinic_index, tmp_path)) as running:
        httpx.get(running.url + "/search", params={"q": "nerve pain", "offset": 0}, timeout=10)
        for offset in (10, 20):
            httpx.get(running.url + "/search", params={"q": "nerve pain", "offset": offset}, timeout=10)
        httpx.get(running.url + "/", params={"q": "nerve pain", "page": 1}, timeout=10)
        for page in (2, 3):
            httpx.get(running.url + "/", params={"q": "nerve pain", "page": page}, timeout=10)
        assert wait_for(lambda: searches_recorded(running) == 2)
        time.sleep(0.5)  # past a flush: nothing more arrives
        assert searches_recorded(running) == 2


def test_refreshing_a_search_does_not_count_as_more_people(clinic_index: Path, tmp_path: Path) -> None:
    # One person reloading a search with a name and a diagnosis: five requests within a minute (two at most
    # if a minute ends meanwhile), never the three distinct searches k asks for.
    text = "hiv test results for jordan keller"
    with stopping(analytics_server(clinic_index, tmp_path, CONDSEARCH_ANALYTICS_MIN_COUNT="3")) as running:
        for _ in range(5):
            httpx.get(running.url + "/search", params={"q": text}, timeout=10)
        assert wait_for(lambda: searches_recorded(running) == 5)
        for path in ("/analytics/top?since=1d", "/analytics/unmatched?since=1d", "/analytics/clicks?since=1d"):
            report = httpx.get(running.url + path, headers=AUTH, timeout=10)
            assert report.status_code == 200
            assert "keller" not in report.text and "hiv" not in report.text, path
        export = httpx.get(running.url + "/analytics/top?since=1d", headers=AUTH, timeout=10).json()
        assert export["hidden_searches"] in (1, 2)


def _top(searcher: Searcher, text: str) -> str | None:
    hits = searcher.search(text, limit=1).hits
    return hits[0].slug if hits else None
