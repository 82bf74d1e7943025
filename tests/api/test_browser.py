"""The search page in a real browser: Playwright driving Debian's Chromium, headless."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.support.browser import browser as browser  # the shared Chromium fixtures
from tests.support.browser import dialogs_of, screenshot_path, wait_for_settled_list
from tests.support.browser import page as page
from tests.support.server import Server, start_server, stopping
from tests.support.wait import wait_for


def test_type_a_typo_pick_from_suggestions_and_see_it_first(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("nueropathy", delay=40)
    wait_for_settled_list(page)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert "Neuropathic Pain" in page.locator("#suggestions").inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Enter")
    page.wait_for_url("**/?q=nueropathy")
    first = page.locator("#results .hit-title").first
    assert first.inner_text() == "Neuropathic Pain"
    assert page.locator("#did-you-mean").inner_text() == "neuropathy"
    page.screenshot(path=screenshot_path("search-results.png"), full_page=True)


def test_keyboard_navigation_chooses_a_suggestion(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("fibro", delay=30)
    wait_for_settled_list(page)
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url("**/?q=Fibromyalgia")
    assert page.locator("#results .hit-title").first.inner_text() == "Fibromyalgia"


def test_a_late_list_keeps_the_option_the_keyboard_chose(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("fibr", delay=30)
    wait_for_settled_list(page)
    held: list = []  # type: ignore[type-arg]

    def hold(route) -> None:  # type: ignore[no-untyped-def]
        held.append(route)  # the next list is held back, as on a slow connection

    page.route("**/suggest?*", hold)
    box.press("o")
    assert page.locator("#suggestions").get_attribute("aria-busy") == "true"  # the list shown is for "fibr"
    for _ in range(300):  # Playwright's sync API calls the route handler only while the test waits through it
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for the list for 'fibro'"
    box.press("ArrowDown")  # the user chooses from the list on screen
    chosen = page.locator(f"#{box.get_attribute('aria-activedescendant')} .text").inner_text()
    held[0].continue_()
    page.unroute("**/suggest?*")
    wait_for_settled_list(page)
    options = [text.strip() for text in page.locator('[role="option"] .text').all_inner_texts()]
    assert chosen in options, (chosen, options)  # both lists offer it, so the choice must survive
    assert page.locator(f"#{box.get_attribute('aria-activedescendant')} .text").inner_text() == chosen
    box.press("Enter")
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("q") == [chosen])


def test_crisis_query_shows_the_notice_above_results(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/?q=i+want+to+kill+myself")
    notice = page.locator("#safety")
    assert notice.is_visible() and "988" in notice.inner_text()
    assert page.locator("#results .hit").count() > 0
    notice_y = notice.bounding_box()["y"]
    assert notice_y < page.locator("#results").bounding_box()["y"]
    # The crisis page comes first, and a phone can call or text the line from the notice.
    assert page.locator("#results .hit-title").first.get_attribute("data-slug") == "suicidal-ideation"
    links = notice.locator("a.crisis-link")
    assert "tel:988" in [links.nth(i).get_attribute("href") for i in range(links.count())]
    call = notice.get_by_role("link", name="Call 988")
    assert call.bounding_box()["height"] >= 44  # big enough to tap


def test_a_spanish_crisis_message_gets_the_notice_in_spanish(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/?q=ya+no+aguanto%2C+me+quiero+morir")
    notice = page.locator("#safety")
    assert notice.get_attribute("lang") == "es"
    assert "No tienes que pasar por esto a solas" in notice.inner_text() and "marca 2" in notice.inner_text()
    assert notice.get_by_role("link", name="Llamar al 988").get_attribute("href") == "tel:988"


def test_script_in_the_query_is_shown_as_text(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    dialogs = dialogs_of(page)
    page.goto(server.url + "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert page.get_by_role("combobox").input_value() == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    box = page.get_by_role("combobox")
    box.fill("")
    box.press_sequentially("<img src=x onerror=alert(2)>", delay=10)
    page.wait_for_timeout(500)
    assert dialogs == []


def test_works_without_javascript(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/")
    page.fill("#q", "crying all the time since giving birth")
    page.click("button[type=submit]")
    page.wait_for_url("**/?q=crying*")
    assert page.locator("#results .hit-title").first.inner_text() == "Postpartum Depression"
    context.close()


def _accepted_clicks(server: Server) -> float:
    metrics = httpx.get(server.url + "/metrics").text
    line = next(
        (
            x
            for x in metrics.splitlines()
            if x.startswith('condsearch_requests_total{route="/events/click",status="202"}')
        ),
        "",
    )
    return float(line.split()[-1]) if line else 0.0


def test_clicks_are_reported(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/?q=migraine")
    before = _accepted_clicks(server)
    with page.expect_request("**/events/click") as request_info:
        page.locator("#results .hit-title").first.click()
    assert request_info.value.method == "POST"
    wait_for(lambda: _accepted_clicks(server) != before, seconds=5)
    assert _accepted_clicks(server) == before + 1


@pytest.fixture
def host_site(tmp_path: Path) -> Iterator[str]:
    """Another site (another origin on this machine) that will embed the widget."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_widget_embeds_on_another_site(page, clinic_index: Path, host_site: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "index"
    shutil.copytree(clinic_index, index_dir)
    with stopping(start_server(index_dir, env={"CONDSEARCH_CORS_ORIGINS": json.dumps([host_site])})) as service:
        site = tmp_path / "site" / "index.html"
        site.write_text(
            '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><h1>Clinic home</h1>'
            f'<div data-condsearch></div><script src="{service.url}/static/widget.js"></script></body></html>',
            encoding="utf-8",
        )
        page.goto(host_site + "/index.html")
        box = page.get_by_role("combobox")
        box.press_sequentially("migrane", delay=30)
        wait_for_settled_list(page)
        page.get_by_role("option").first.wait_for()
        assert "Migraine" in page.get_by_role("listbox").inner_text()
        box.press("Enter")
        page.wait_for_url(service.url + "/?q=migrane")
        assert page.locator("#results .hit-title").first.inner_text() == "Migraine and Chronic Migraine"


def test_api_docs_render_from_local_files(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 6
    assert all(url.startswith(server.url) or url.startswith("data:") for url in requests), requests


def test_a_spanish_search_gets_the_page_in_spanish(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/?q=no+puedo+dormir+desde+hace+meses")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "¿Qué estás buscando?"
    assert page.get_by_role("button", name="Buscar").is_visible()
    assert page.locator("#results .hit-title").first.get_attribute("data-slug") == "insomnia"
    assert "páginas para" in page.locator(".count").inner_text()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing on the page is wider than the viewport (no sideways scrolling)."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px viewport"


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, errors


def test_phone_suggestions_span_the_screen_one_line_each(phone, server: Server) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server.url + "/")
    box = phone.get_by_role("combobox")
    box.press_sequentially("chronic pain", delay=30)
    options = phone.get_by_role("option")
    options.first.wait_for()
    listbox = phone.locator("#suggestions").bounding_box()
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= PHONE["width"] + 0.5
    assert listbox["width"] >= PHONE["width"] - 2  # edge to edge
    assert listbox["y"] + listbox["height"] <= PHONE["height"]
    for i in range(options.count()):
        option = options.nth(i)
        # One line: the option is no taller than one line of text plus its padding, and clips nothing vertically.
        line = option.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert option.bounding_box()["height"] <= line + 2 * 16 * 0.6 + 2
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and phone.locator(f"#{active}").get_attribute("aria-selected") == "true"
    _fits(phone)
    phone.screenshot(path=screenshot_path("search-phone.png"))


def test_results_on_a_phone_fit_the_screen(phone, server: Server) -> None:  # type: ignore[no-untyped-def]
    for query in ("burning+feet+at+night", "nosebleeds", "zzqxv", "i+want+to+kill+myself"):
        phone.goto(server.url + f"/?q={query}")
        _fits(phone)
    phone.goto(server.url + "/conditions", wait_until="load")
    _fits(phone)


def test_no_page_fits_shows_related_pages_browse_and_contact(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/?q=nosebleeds")
    notice = page.locator("#uncertain")
    assert notice.is_visible() and "closely" in notice.inner_text()
    tags = page.locator("#results .tag")
    assert tags.count() == page.locator("#results .hit").count() > 0
    assert tags.first.inner_text() == "may be related"
    assert page.locator(".count").count() == 0  # not the confident "3 pages for ..."
    groups = page.locator("#browse .browse-group")
    assert groups.count() >= 6
    assert page.locator("#browse a").count() == 29
    assert page.locator("#contact a").get_attribute("href") == "/contact"
    _fits(page)
    page.screenshot(path=screenshot_path("search-no-fit.png"), full_page=True)
    page.goto(server.url + "/?q=zzqxv")
    assert page.locator("#no-results").is_visible()
    assert page.locator("#browse").is_visible() and page.locator("#contact").is_visible()
    page.screenshot(path=screenshot_path("search-no-hit.png"), full_page=True)
    context.close()


def test_a_confident_answer_offers_no_browse_list(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/?q=trigeminal+neuralgia")
    assert page.locator(".count").is_visible()
    assert page.locator("#browse").count() == 0 and page.locator("#uncertain").count() == 0


def test_long_text_turns_the_box_into_a_textarea(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    box = page.locator("#q")
    story = "for three months my feet have burned and tingled at night and the pills from my doctor do not help"
    box.press_sequentially(story[:40], delay=5)
    assert page.locator("input#q").count() == 1  # short text keeps the one-line box and its suggestions
    box.press_sequentially(story[40:], delay=5)
    area = page.locator("textarea#q")
    area.wait_for()
    assert area.input_value() == story
    assert area.evaluate("e => document.activeElement === e")
    assert page.locator("#describe-help").is_visible()
    area.press("Control+Enter")
    page.wait_for_url("**/?q=*")
    # The results page keeps the description in the textarea, and answers it.
    assert page.locator("textarea#q").input_value() == story
    assert page.locator("#results .hit-title").first.get_attribute("data-slug") in {
        "diabetic-neuropathy",
        "neuropathic-pain",
    }
    _fits(page)
    page.screenshot(path=screenshot_path("search-describe.png"), full_page=True)


def test_describe_mode_works_without_javascript(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_role("link", name="Describe your symptoms in more detail").click()
    area = page.locator("textarea#q")
    area.fill("I wake at 3 every morning and cannot fall back asleep, for months now")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/?q=*")
    assert page.locator("#results .hit-title").first.get_attribute("data-slug") == "insomnia"
    context.close()


def test_crisis_notice_screenshot_on_a_phone(phone, server: Server) -> None:  # type: ignore[no-untyped-def]
    phone.goto(server.url + "/?q=i+want+to+kill+myself")
    assert phone.locator("#safety").is_visible()
    _fits(phone)
    phone.screenshot(path=screenshot_path("search-crisis.png"), full_page=True)
