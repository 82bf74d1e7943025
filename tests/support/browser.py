"""Debian's Chromium driven by Playwright, headless.

A test module uses the fixtures by importing them: `from tests.support.browser import page as page` (and `browser`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    """One Chromium per test module."""
    assert CHROMIUM, "Chromium is not installed: `bash scripts/test.sh` installs it (apt-get install chromium)"
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@contextlib.contextmanager
def watched_page(browser: playwright_api.Browser, width: int, height: int) -> Iterator[playwright_api.Page]:
    """A page in a fresh context of that viewport; fails when the block ends if the page logged a script error."""
    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield opened
    context.close()
    assert not errors, errors


@pytest.fixture
def page(browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A page in a fresh context; the test fails if the page logs a script error."""
    with watched_page(browser, 1000, 900) as opened:
        yield opened


def dialogs_of(page: playwright_api.Page) -> list[str]:
    """The messages of every dialog (alert, confirm) the page opens from now on; each is dismissed."""
    dialogs: list[str] = []

    def dismiss(dialog: playwright_api.Dialog) -> None:
        """Note the dialog's message, then dismiss it."""
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def screenshot_path(name: str) -> str:
    """Where a test saves a screenshot: docs/ (the README's pictures) when CONDSEARCH_UPDATE_SCREENSHOTS=1,
    else a temp folder, so that running the tests leaves the working tree as it was."""
    from tests.conftest import PROJECT_ROOT

    if os.environ.get("CONDSEARCH_UPDATE_SCREENSHOTS") == "1":
        return str(PROJECT_ROOT / "docs" / name)
    folder = Path(tempfile.gettempdir()) / "condsearch-screenshots"
    folder.mkdir(exist_ok=True)
    return str(folder / name)


SETTLED_LIST = '[role="listbox"][aria-busy="false"]'  # combobox.js: the list shown answers the text in the box


def wait_for_settled_list(page: playwright_api.Page) -> None:
    """Wait until the suggestion list answers the whole text typed, not an earlier prefix of it."""
    page.locator(SETTLED_LIST).wait_for(state="attached")
