"""The HTTP API against a real uvicorn server: shapes, errors, CORS, metrics, hot reload."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from search.indexing.build import build_index
from search.sources import load_pages
from tests.conftest import PROJECT_ROOT, write_page
from tests.support.server import Server, start_server, stopping
from tests.support.wait import wait_for


def get(server: Server, path: str, **params: str | int) -> httpx.Response:
    return httpx.get(server.url + path, params=params, timeout=10)


def test_search_shape(server: Server) -> None:
    response = get(server, "/search", q="nueropathy not responding to gabapentin", limit=3)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "query_id",
        "query",
        "corrected_query",
        "total",
        "took_ms",
        "unmatched",
        "kind",
        "hint",
        "hits",
        "safety",
        "suggestions",
        "next_steps",
    }
    assert data["corrected_query"] == "neuropathy not responding to gabapentin"
    assert data["kind"] == "match" and data["unmatched"] is False and data["hint"] is None
    broad = get(server, "/search", q="ketamine").json()
    assert broad["kind"] == "broad" and broad["hint"] and not broad["unmatched"]
    assert all(h["confidence"] <= 0.3 for h in broad["hits"])  # an overview never claims one page
    assert len(data["hits"]) == 3 and data["hits"][0]["slug"] == "neuropathic-pain"
    hit = data["hits"][0]
    assert set(hit) == {"slug", "title", "url", "summary", "icd11", "snippet", "score", "confidence", "matched"}
    assert hit["icd11"] == ["MG30.5"] and 0 <= hit["confidence"] <= 1
    assert "nueropathy -> neuropathy" in hit["matched"]["corrections"]
    assert len(data["query_id"]) == 32


def test_safety_and_no_results(server: Server) -> None:
    data = get(server, "/search", q="i want to end my life").json()
    notice = data["safety"]
    assert notice["language"] == "en" and notice["category"]
    assert notice["lines"][0]["text"].startswith("Call or text 988")
    assert {"label": "Call 988", "href": "tel:988"} in notice["lines"][0]["links"]
    assert data["hits"][0]["slug"] == "suicidal-ideation"
    spanish = get(server, "/search", q="ya no aguanto, me quiero morir").json()["safety"]
    assert spanish["language"] == "es" and "marca 2" in spanish["lines"][0]["text"]
    nothing = get(server, "/search", q="xqzv wwpt").json()
    assert nothing["hits"] == [] and nothing["unmatched"] is True


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": ""}, "q", "`q` must be 1 to 2000 characters of text, e.g. ?q=nerve+pain (got '')"),
        ({}, "q", "`q` must be 1 to 2000 characters of text, e.g. ?q=nerve+pain"),
        ({"q": "x" * 2001}, "q", None),
        ({"q": "pain", "limit": 0}, "limit", "`limit` must be a whole number from 1 to 50 (20 for /suggest) (got '0')"),
        ({"q": "pain", "limit": "ten"}, "limit", None),
        ({"q": "pain", "limit": 51}, "limit", None),
    ],
)
def test_bad_requests_are_422_in_the_error_shape(
    server: Server, params: dict[str, str | int], field: str, message: str | None
) -> None:
    response = get(server, "/search", **params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and error["code"] == "invalid_request" and error["field"] == field
    if message:
        assert error["message"] == message


def test_whitespace_only_query_finds_nothing(server: Server) -> None:
    response = get(server, "/search", q="   ")
    assert response.status_code == 200
    assert response.json()["hits"] == [] and response.json()["unmatched"] is True


def test_suggest(server: Server) -> None:
    data = get(server, "/suggest", q="fibro", limit=3).json()
    assert data["suggestions"][0] == {
        "text": "Fibromyalgia",
        "slug": "fibromyalgia",
        "title": "Fibromyalgia",
        "kind": "title",
        "url": "/conditions/fibromyalgia",
    }
    typo = get(server, "/suggest", q="nueropathy").json()
    assert "neuropathic-pain" in {s["slug"] for s in typo["suggestions"]}
    # The typo is in the unfinished word itself: completed with the same length rules as words.
    unfinished = get(server, "/suggest", q="nuero").json()
    assert {"neuropathic-pain", "diabetic-neuropathy"} & {s["slug"] for s in unfinished["suggestions"]}
    assert get(server, "/suggest", q="pain", limit=21).status_code == 422


def test_conditions(server: Server) -> None:
    listing = get(server, "/conditions").json()
    assert listing["total"] == 29 and listing["conditions"][0]["slug"] == "alcohol-use-disorder"
    page = get(server, "/conditions/neuropathic-pain").json()
    assert page["title"] == "Neuropathic Pain" and page["faq"]
    missing = get(server, "/conditions/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "no condition page 'nope'; GET /conditions lists them all",
            "field": None,
        }
    }
    html = httpx.get(server.url + "/conditions/migraine", headers={"Accept": "text/html"})
    assert (
        html.headers["content-type"].startswith("text/html") and "<h1>Migraine and Chronic Migraine</h1>" in html.text
    )


def test_click_events(server: Server) -> None:
    ok = httpx.post(server.url + "/events/click", json={"query_id": "abc123", "slug": "migraine", "position": 1})
    assert ok.status_code == 202 and ok.json() == {"accepted": True}
    bad = httpx.post(server.url + "/events/click", json={"query_id": "abc", "slug": "migraine", "position": 0})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "position"


def test_health_metrics_openapi(server: Server) -> None:
    assert get(server, "/healthz").json() == {"status": "ok"}
    assert get(server, "/readyz").json()["status"] == "ready"
    get(server, "/search", q="zzzzqqq")
    metrics = get(server, "/metrics").text
    assert 'condsearch_requests_total{route="/search",status="200"}' in metrics
    assert "condsearch_zero_result_searches_total" in metrics
    assert "condsearch_index_generation" in metrics
    spec = get(server, "/openapi.json").json()
    assert {"/search", "/suggest", "/conditions", "/conditions/{slug}", "/events/click"} <= set(spec["paths"])
    assert get(server, "/docs").status_code == 200


def test_headers_cors_and_no_server_version(server: Server) -> None:
    response = httpx.get(server.url + "/search", params={"q": "pain"}, headers={"Origin": "https://clinic.example"})
    assert response.headers["access-control-allow-origin"] == "https://clinic.example"
    assert "server" not in response.headers
    assert response.headers["referrer-policy"] == "no-referrer"
    other = httpx.get(server.url + "/search", params={"q": "pain"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    page = get(server, "/")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_access_log_holds_no_query_or_address(server: Server) -> None:
    get(server, "/search", q="secret-query-text")
    time.sleep(0.2)
    log = (server.index_dir.parent / "server.log").read_text()
    assert "GET /search 200" in log
    lines = [line for line in log.splitlines() if "Uvicorn running on" not in line]
    assert "secret-query-text" not in log
    assert not [line for line in lines if "127.0.0.1" in line]


def test_new_generation_is_picked_up_without_restart(clinic_index: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(clinic_index, index_dir)
    with stopping(start_server(index_dir)) as running:
        before = get(running, "/readyz").json()["generation"]
        folder = tmp_path / "pages"
        shutil.copytree(PROJECT_ROOT / "data" / "conditions", folder)
        write_page(folder, "restless-legs", "Restless Legs Syndrome", aliases="[willis-ekbom disease]")
        build_index(list(load_pages([folder]).pages), index_dir)

        def switched() -> bool:
            if get(running, "/readyz").json()["generation"] != before:
                return True
            assert get(running, "/search", q="pain").status_code == 200  # served throughout the switch
            return False

        wait_for(switched, seconds=10, interval=0.2)
        assert get(running, "/search", q="willis ekbom").json()["hits"][0]["slug"] == "restless-legs"


def test_serve_builds_the_built_in_index_when_there_is_none(tmp_path: Path) -> None:
    index_dir = tmp_path / "fresh-index"
    with stopping(start_server(index_dir)) as running:
        assert (index_dir / "CURRENT").exists()
        assert get(running, "/conditions").json()["total"] == 29
        assert get(running, "/search", q="burning nerve pain").json()["hits"][0]["slug"] == "neuropathic-pain"


def test_search_page_speaks_the_query_or_browser_language(server: Server) -> None:
    spanish = httpx.get(server.url + "/", params={"q": "me duelen los pies y me arden en la noche"}, timeout=10)
    assert '<html lang="es">' in spanish.text
    assert "¿Qué estás buscando?" in spanish.text and "Las páginas de la clínica están en inglés." in spanish.text
    assert 'placeholder="p. ej., ardor en los pies"' in spanish.text
    english = httpx.get(server.url + "/", params={"q": "burning feet at night"}, timeout=10)
    assert '<html lang="en">' in english.text and "What are you looking for?" in english.text
    asked = httpx.get(server.url + "/", headers={"Accept-Language": "es-US,es;q=0.9"}, timeout=10)
    assert '<html lang="es">' in asked.text and ">Buscar</button>" in asked.text


def test_no_page_fits_offers_next_steps_in_the_query_language(server: Server) -> None:
    unmatched = get(server, "/search", q="nosebleeds").json()
    assert unmatched["unmatched"] is True and unmatched["kind"] == "uncertain"
    assert unmatched["next_steps"] == {
        "browse": "/conditions",
        "contact": {"label": "Contact the clinic", "href": "/contact"},
    }
    spanish = get(server, "/search", q="me sangra la nariz todos los días").json()
    if spanish["unmatched"]:
        assert spanish["next_steps"]["contact"]["label"] == "Contacta a la clínica"
    nothing = get(server, "/search", q="zzqxv").json()
    assert nothing["hits"] == [] and nothing["next_steps"]["browse"] == "/conditions"
    assert get(server, "/search", q="trigeminal neuralgia").json()["next_steps"] is None
    assert get(server, "/search", q="i want to kill myself").json()["next_steps"] is None


def test_conditions_browse_by_group(server: Server) -> None:
    listed = get(server, "/conditions").json()
    assert {c["group"] for c in listed["conditions"]} == {
        "mood",
        "anxiety",
        "trauma",
        "pain",
        "headache",
        "sleep",
        "substance",
    }
    html = httpx.get(server.url + "/conditions", headers={"Accept": "text/html"}, timeout=10).text
    assert "Browse all conditions" in html and html.count('class="browse-group"') == 7
    assert html.index("Mood and depression") < html.index("Chronic and nerve pain")
