"""Security: per-client rate limits, security headers, and hostile text shown as text everywhere."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright import sync_api as playwright_api
from selectolax.lexbor import LexborHTMLParser

from search.api.ratelimit import RateLimitMiddleware, SharedTokenBuckets, TokenBuckets, create_shared_buckets
from search.indexing.build import build_index
from search.sources import load_pages
from tests.conftest import PROJECT_ROOT
from tests.support.browser import browser as browser  # the shared Chromium fixture
from tests.support.browser import dialogs_of, wait_for_settled_list
from tests.support.server import Server, start_server, stopping

# Rate limits: the middleware around a tiny app, a hand-driven clock, several client addresses.


class Clock:
    """A clock the test moves by hand, so that refills are exact and no test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/search")
    def search() -> dict[str, bool]:
        return {"searched": True}

    @app.get("/suggest")
    def suggest() -> dict[str, bool]:
        return {"suggested": True}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def call(limited: RateLimitMiddleware, path: str, address: str = "203.0.113.7") -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=limited, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.get(path, params={"q": "pain"})

    return asyncio.run(go())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(clock: Clock) -> RateLimitMiddleware:
    return RateLimitMiddleware(tiny_app(), rate=2.0, burst=3, clock=clock)


def test_a_client_gets_its_burst_then_429_in_the_error_shape(limited: RateLimitMiddleware) -> None:
    assert [call(limited, "/search").status_code for _ in range(3)] == [200, 200, 200]
    refused = call(limited, "/search")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {
        "error": {
            "status": 429,
            "code": "rate_limited",
            "message": "too many searches from this connection; wait 1 s and try again",
            "field": None,
        }
    }
    # /suggest spends from the same bucket; other paths are never limited.
    assert call(limited, "/suggest").status_code == 429
    assert call(limited, "/healthz").status_code == 200


def test_clients_have_separate_buckets(limited: RateLimitMiddleware) -> None:
    for _ in range(3):
        call(limited, "/search", "203.0.113.7")
    assert call(limited, "/search", "203.0.113.7").status_code == 429
    assert call(limited, "/search", "198.51.100.20").status_code == 200
    assert call(limited, "/search", "2001:db8::1").status_code == 200


def test_tokens_come_back_at_the_configured_rate(limited: RateLimitMiddleware, clock: Clock) -> None:
    for _ in range(3):
        call(limited, "/search")
    assert call(limited, "/search").status_code == 429
    clock.now += 0.5  # one token at 2 per second
    assert call(limited, "/search").status_code == 200
    assert call(limited, "/search").status_code == 429
    clock.now += 0.25
    refused = call(limited, "/search")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"


def test_retry_after_rounds_up_to_whole_seconds(clock: Clock) -> None:
    slow = RateLimitMiddleware(tiny_app(), rate=0.25, burst=1, clock=clock)
    assert call(slow, "/search").status_code == 200
    refused = call(slow, "/search")
    assert refused.headers["retry-after"] == "4"
    assert refused.json()["error"]["message"] == "too many searches from this connection; wait 4 s and try again"


def test_idle_clients_are_forgotten_once_their_bucket_is_full(clock: Clock) -> None:
    buckets = TokenBuckets(rate=2.0, burst=4, clock=clock)
    for address in ("a", "b", "c"):
        buckets.take(address)
    assert len(buckets) == 3
    clock.now += 1.9  # not yet refilled (4 tokens at 2 per second take 2 s)
    buckets.take("d")
    assert len(buckets) == 4
    clock.now += 0.1
    buckets.take("d")
    assert len(buckets) == 1


def test_a_flood_of_addresses_is_bounded(clock: Clock) -> None:
    buckets = TokenBuckets(rate=1.0, burst=10, max_clients=100, clock=clock)
    for n in range(1000):
        buckets.take(f"198.51.100.{n}")
    assert len(buckets) == 100


def test_bad_limits_are_refused_with_the_values() -> None:
    with pytest.raises(ValueError, match=r"rate > 0 and burst >= 1 \(got rate=0, burst=5\)"):
        TokenBuckets(rate=0, burst=5)


def test_workers_sharing_a_table_spend_one_bucket_per_client(tmp_path: Path, clock: Clock) -> None:
    table = tmp_path / "rate"
    create_shared_buckets(table, slots=64)
    assert oct(table.stat().st_mode & 0o777) == "0o600"
    one, two = (SharedTokenBuckets(table, rate=2.0, burst=4, clock=clock) for _ in range(2))
    assert one.key == two.key  # one hashing key: the same client is the same slot in every worker
    taken = [worker.take("a" * 32) for worker in (one, two, one, two, one)]
    assert taken[:4] == [0.0] * 4 and taken[4] == pytest.approx(0.5)
    assert two.take("b" * 32) == 0.0  # another client has its own bucket
    clock.now += 1.0  # two tokens back, whichever worker asks
    assert [two.take("a" * 32), one.take("a" * 32), two.take("a" * 32)] == [0.0, 0.0, pytest.approx(0.5)]
    one.close()
    two.close()


def test_a_crowded_shared_table_reuses_refilled_slots(tmp_path: Path, clock: Clock) -> None:
    table = tmp_path / "rate"
    create_shared_buckets(table, slots=16)
    buckets = SharedTokenBuckets(table, rate=1.0, burst=2, clock=clock)
    # 200 clients on 16 slots: each still gets its burst once the earlier ones have refilled.
    for n in range(200):
        key = f"{n:032x}"
        assert buckets.take(key) == 0.0
        clock.now += 2.0
    buckets.close()


def test_a_file_that_is_no_table_is_refused_naming_it(tmp_path: Path) -> None:
    table = tmp_path / "rate"
    table.write_bytes(b"not a table")
    with pytest.raises(ValueError) as error:
        SharedTokenBuckets(table, rate=1.0, burst=2)
    assert str(error.value) == f"{table} is not a rate-limit table; remove it and restart the server"


def limited_server(
    clinic_index: Path, folder: Path, rate: str, burst: str, *args: str, log: Path | None = None, **env: str
) -> Server:
    """`condsearch serve` over a copy of the clinic index with these per-client limits (and any other settings)."""
    index_dir = folder / "index"
    shutil.copytree(clinic_index, index_dir)
    settings = {
        "CONDSEARCH_RATE_LIMIT_PER_SECOND": rate,
        "CONDSEARCH_RATE_LIMIT_BURST": burst,
        "CONDSEARCH_DATA_DIR": str(folder / "var"),
        **env,
    }
    return start_server(index_dir, *args, env=settings, log=log)


def test_the_rate_holds_for_the_service_whatever_the_workers(clinic_index: Path, tmp_path: Path) -> None:
    with stopping(limited_server(clinic_index, tmp_path, "1", "20", "--workers", "2")) as running:
        # A new connection per request: the kernel hands them to either worker, as a browser's would be.
        allowed, elapsed = asyncio.run(_statuses(running.url, 60))
    # The burst plus a token a second for the time the requests took; per worker it would be twice that.
    assert 20 <= allowed <= 20 + elapsed + 2, (allowed, elapsed)


async def _statuses(url: str, requests: int) -> tuple[int, float]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    allowed = 0
    for _ in range(requests):
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            response = await client.get("/search", params={"q": "migraine"}, headers={"Connection": "close"})
            allowed += response.status_code == 200
    return allowed, loop.time() - started


def test_the_limiter_logs_no_address(limited: RateLimitMiddleware, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(6):
        call(limited, "/search", "192.0.2.55")
    assert "192.0.2.55" not in caplog.text


# Security headers and markup of the real server's pages.

HTML_PAGES = ["/", "/?q=burning+nerve+pain", "/?q=xqzv+wwpt", "/conditions/migraine"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_send_security_headers_and_no_inline_script(server: Server, path: str) -> None:
    response = httpx.get(server.url + path, headers={"Accept": "text/html"}, timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers and "x-powered-by" not in response.headers
    tree = LexborHTMLParser(response.text)
    # Scripts only from our own /static/, none inline (the condition page has none at all).
    scripts = [(s.attributes.get("src") or "", s.text()) for s in tree.css("script")]
    assert all(src.startswith("/static/") and not body.strip() for src, body in scripts), scripts
    handlers = [(node.tag, name) for node in tree.css("*") for name in node.attributes if name.lower().startswith("on")]
    assert handlers == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/search?q=pain", 200),
        ("GET", "/search?q=", 422),
        ("GET", "/conditions/nope", 404),
        ("DELETE", "/search", 405),
        ("GET", "/static/widget.js", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/events/click", 422),
    ],
)
def test_no_response_names_the_server(server: Server, method: str, path: str, status: int) -> None:
    response = httpx.request(method, server.url + path, timeout=10)
    assert response.status_code == status
    assert "server" not in response.headers and "x-powered-by" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


# Hostile text shown in the real browser: a page whose own content is markup, and hostile queries.

HOSTILE_TITLE = "Itch <img src=x id=injected-title onerror=alert(1)>"
HOSTILE_SUMMARY = (
    "A burning itch that keeps you awake <script id=injected-summary>alert(2)</script> "
    "& \"quotes\" 'too' <b id=injected-bold>bold</b>."
)
HOSTILE_QUERY = "burning itch <img src=x id=injected-query onerror=alert(3)>"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over the clinic pages plus one page whose title and summary are markup."""
    folder = tmp_path_factory.mktemp("hostile-pages")
    shutil.copytree(PROJECT_ROOT / "data" / "conditions", folder, dirs_exist_ok=True)
    (folder / "itch.md").write_text(
        "---\nslug: itch\n"
        f"title: '{HOSTILE_TITLE}'\n"
        f"summary: '{HOSTILE_SUMMARY.replace(chr(39), chr(39) * 2)}'\n"
        "search_phrases: [burning itch]\n---\n\n## The short version\n- An itch that burns.\n",
        encoding="utf-8",
    )
    loaded = load_pages([folder])
    assert not loaded.problems, loaded.problems
    index_dir = folder.parent / "index"
    build_index(list(loaded.pages), index_dir)
    with stopping(start_server(index_dir, env={"CONDSEARCH_DATA_DIR": str(folder.parent / "var")})) as running:
        yield running


def _no_injected_nodes(page: playwright_api.Page) -> None:
    for node in ("injected-title", "injected-summary", "injected-bold", "injected-query"):
        assert page.locator(f"#{node}").count() == 0, node


def test_hostile_query_and_page_text_render_as_text(hostile_server: Server, browser: playwright_api.Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs = dialogs_of(page)
    response = page.goto(hostile_server.url + "/?" + httpx.QueryParams({"q": HOSTILE_QUERY}).__str__())
    assert response is not None and response.status == 200
    assert page.locator("#q").input_value() == HOSTILE_QUERY
    first = page.locator("#results .hit").first
    assert first.locator(".hit-title").inner_text() == HOSTILE_TITLE
    assert "<script id=injected-summary>alert(2)</script>" in first.locator(".snippet").inner_text()
    assert HOSTILE_QUERY in page.locator("main").inner_text()
    assert page.title().startswith(HOSTILE_QUERY)
    # The page of the condition itself, as a browser asks for it.
    page.goto(hostile_server.url + "/conditions/itch")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    _no_injected_nodes(page)
    assert dialogs == []
    context.close()


def test_hostile_suggestions_render_as_text_in_the_widget(
    hostile_server: Server, browser: playwright_api.Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs = dialogs_of(page)
    page.goto(hostile_server.url + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("burning itc", delay=20)
    wait_for_settled_list(page)
    page.get_by_role("option").first.wait_for()
    assert HOSTILE_TITLE in page.get_by_role("listbox").inner_text()
    _no_injected_nodes(page)
    box.fill("")
    box.press_sequentially("<img src=x id=injected-query onerror=alert(4)>", delay=5)
    page.wait_for_timeout(400)  # past the suggestion debounce: whatever came back is on screen
    _no_injected_nodes(page)
    assert dialogs == []
    context.close()


def test_the_served_app_limits_each_client(clinic_index: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with (
        stopping(limited_server(clinic_index, tmp_path, "0.5", "4", log=log)) as running,
        httpx.Client(base_url=running.url, timeout=10) as client,
    ):
        statuses = [client.get("/search", params={"q": "pain"}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 200]
        refused = client.get("/suggest", params={"q": "pain"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        error = refused.json()["error"]
        assert error["code"] == "rate_limited" and error["status"] == 429 and error["field"] is None
        assert refused.headers["referrer-policy"] == "no-referrer"  # the app's own middleware ran
        assert client.get("/healthz").status_code == 200
        assert client.get("/conditions").status_code == 200
        metrics = client.get("/metrics").text
        assert 'status="429"' in metrics
    assert "127.0.0.1" not in "\n".join(line for line in log.read_text().splitlines() if "Uvicorn running" not in line)


def test_search_answers_and_result_pages_are_never_cached(server: Server) -> None:
    for path in ("/search?q=migraine", "/suggest?q=migr", "/?q=migraine", "/conditions"):
        assert httpx.get(server.url + path, timeout=10).headers["cache-control"] == "no-store", path
    assert "no-store" not in httpx.get(server.url + "/static/style.css", timeout=10).headers.get("cache-control", "")


def test_the_slash_redirect_is_relative_whatever_the_host_header(server: Server) -> None:
    response = httpx.get(
        server.url + "/search/?q=migraine", headers={"Host": "evil.example"}, follow_redirects=False, timeout=10
    )
    assert response.status_code == 308
    assert response.headers["location"] == "/search?q=migraine"
    sneaky = httpx.get(server.url + "//evil.example/", follow_redirects=False, timeout=10)
    assert sneaky.headers["location"] == "/evil.example"  # a path on this site, never another host


def test_analytics_routes_are_not_listed_when_they_are_off(server: Server) -> None:
    paths = httpx.get(server.url + "/openapi.json", timeout=10).json()["paths"]
    assert not [p for p in paths if p.startswith("/analytics")]


def test_control_characters_in_a_path_cannot_forge_log_lines(clinic_index: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with stopping(start_server(clinic_index, log=log)) as running:
        host, port = running.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as raw:  # httpx would clean the path
            path = b"/conditions/x%1B%5B31m%0D%0AGET%20/forged%20200"
            raw.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            while raw.recv(65536):
                pass
    lines = log.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.startswith("GET /forged")]
    logged = [line for line in lines if "/conditions/x" in line]
    assert logged and "\x1b" not in logged[0] and "\\x1b[31m" in logged[0]


def test_printable_escapes_every_control_character() -> None:
    from search.api.app import printable

    assert printable("/a\nb\rc\x1b[31m\x00d\u2028é") == "/a\\nb\\rc\\x1b[31m\\x00d\\u2028é"
    assert len(printable("/" + "x" * 5000)) == 300


def test_every_route_that_searches_or_writes_is_limited(clinic_index: Path, tmp_path: Path) -> None:
    server = limited_server(clinic_index, tmp_path, "0.1", "2")
    with stopping(server) as running, httpx.Client(base_url=running.url, timeout=10) as c:
        assert [c.get("/", params={"q": "migraine"}).status_code for _ in range(3)] == [200, 200, 429]
        click = {"query_id": "abc", "slug": "migraine", "position": 1}
        assert c.post("/events/click", json=click).status_code == 429  # the same client's bucket is empty
        assert c.get("/healthz").status_code == 200  # health checks are never limited


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(clinic_index: Path, tmp_path: Path) -> None:
    server = limited_server(clinic_index, tmp_path, "0.1", "1", CONDSEARCH_TRUSTED_PROXIES='["127.0.0.1/32"]')
    with stopping(server) as running, httpx.Client(base_url=running.url, timeout=10) as c:

        def search(forwarded: str) -> int:
            return c.get("/search", params={"q": "pain"}, headers={"X-Forwarded-For": forwarded}).status_code

        assert search("198.51.100.1") == 200
        assert search("198.51.100.2") == 200  # another client behind the same proxy
        assert search("198.51.100.1") == 429
        # A client cannot pick its own bucket: only the hop the trusted proxy added counts.
        assert search("203.0.113.9, 198.51.100.1") == 429


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "203.0.113.1, 198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, 10.0.0.5", "198.51.100.7"),  # an inner trusted proxy is skipped
        ("192.0.2.50", "198.51.100.7", "192.0.2.50"),  # not a trusted peer: its header is ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "not-an-address"),
    ],
)
def test_client_address_reads_forwarded_for_only_from_trusted_proxies(peer: str, forwarded: str, expected: str) -> None:
    from ipaddress import ip_network

    from search.api.ratelimit import client_address

    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "client": (peer, 5000), "headers": headers}
    trusted = [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]
    assert client_address(scope, trusted) == expected


def test_failed_sign_ins_back_off_doubling(clock: Clock) -> None:
    from search.api.ratelimit import LoginBackoff

    logins = LoginBackoff(clock=clock)
    for _ in range(3):
        logins.failed("a")
        assert logins.wait("a") == 0.0  # a few typos are free
    waits = []
    for _ in range(4):
        logins.failed("a")
        waits.append(logins.wait("a"))
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert logins.wait("b") == 0.0  # another client is not held back
    clock.now += 8.0
    assert logins.wait("a") == 0.0
    logins.succeeded("a")
    logins.failed("a")
    assert logins.wait("a") == 0.0  # the count starts again after a success


def test_admin_sign_in_is_throttled_after_failures(clinic_index: Path, tmp_path: Path) -> None:
    from tests.analytics.server import TOKEN, analytics_server

    with (
        stopping(analytics_server(clinic_index, tmp_path)) as running,
        httpx.Client(base_url=running.url, timeout=10) as client,
    ):

        def wrong() -> int:
            return client.post("/admin", data={"token": "wrong-token-000000"}).status_code

        # Three failures are free; the fourth blocks for 1 s and each later one doubles the wait. A 1 s block
        # can pass between two requests on a busy CI machine, so the test lets two blocks pass (each ends,
        # then one more failure) to reach a 4 s one, long enough for the three checks that follow.
        assert [wrong() for _ in range(4)] == [401, 401, 401, 401]
        for block in (1.0, 2.0):
            time.sleep(block + 0.2)
            assert wrong() == 401  # the block ended, so this is another failure: the next block is twice as long
        assert wrong() == 429
        refused = client.post("/admin", data={"token": TOKEN})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1  # even the right token waits
        bearer = client.get("/analytics/top", headers={"Authorization": "Bearer x"})
        assert bearer.status_code == 429
