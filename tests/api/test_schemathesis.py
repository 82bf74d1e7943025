"""Fuzzing the live API: Schemathesis against its own OpenAPI, and hostile text in every query box."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markupsafe
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.server import Server
from tests.test_hostile import queries

MAX_Q = 2000  # /search and /suggest
MAX_PAGE_Q = 8000  # the HTML search page answers up to 4x the limit with a "too long" notice


def test_schemathesis_finds_no_failure(server: Server, tmp_path: Path) -> None:
    # Every phase (examples, coverage, fuzzing, stateful) with every check, a bounded number of
    # examples per operation so that CI stays fast; a failure prints its curl reproduction.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "30",
            "--request-timeout",
            "10",
            "--generation-database",
            ":memory:",
            "--no-color",
        ],
        cwd=tmp_path,  # its reports and caches stay out of the repo
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


@dataclass(frozen=True)
class Answer:
    """Status and body of one request."""

    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def fetch(server: Server, path: str, **params: object) -> Answer:
    """GET with any query string: http.client, because httpx refuses URLs over 64 KiB (10,000 emoji)."""
    connection = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=10)
    try:
        connection.request("GET", f"{path}?{urllib.parse.urlencode(params)}")
        response = connection.getresponse()
        return Answer(response.status, response.read().decode("utf-8"))
    finally:
        connection.close()


def _expected_status(q: str, longest: int) -> int:
    # The documented contract: 1 to `longest` characters is a search (whitespace alone finds nothing).
    return 200 if 1 <= len(q) <= longest else 422


def _assert_refusal(response: Answer) -> None:
    error = response.json()["error"]
    assert error["status"] == 422 and error["message"].startswith("`q` must"), error


live = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@live
@given(q=queries)
@example(q="\x00")
@example(q="   \t\r\n")
@example(q="x" * 2000)
@example(q="x" * 2001)
def test_search_api_answers_any_text(server: Server, q: str) -> None:
    response = fetch(server, "/search", q=q)
    assert response.status_code == _expected_status(q, MAX_Q), response.text[:300]
    if response.status_code == 422:
        _assert_refusal(response)
    else:
        assert response.json()["query"] == q


@live
@given(q=queries, limit=st.integers(1, 20))
def test_suggest_api_answers_any_text(server: Server, q: str, limit: int) -> None:
    response = fetch(server, "/suggest", q=q, limit=limit)
    assert response.status_code == _expected_status(q, MAX_Q), response.text[:300]
    if response.status_code == 422:
        _assert_refusal(response)
    else:
        assert len(response.json()["suggestions"]) <= limit


@live
@given(q=queries)
@example(q='"><script>alert(1)</script>')
@example(q="</q><img src=x onerror=alert(1)>")
@example(q="{{7*7}} {% raw %}")
def test_search_page_shows_any_text_escaped(server: Server, q: str) -> None:
    response = fetch(server, "/", q=q)
    if len(q) > MAX_PAGE_Q:
        assert response.status_code == 422
        return
    assert response.status_code == 200
    # The query is echoed in the box (and in the results line): always escaped, never markup.
    assert str(markupsafe.escape(q)) in response.text
    assert response.text.count("<script") == 2  # the page's own two external scripts, nothing more
