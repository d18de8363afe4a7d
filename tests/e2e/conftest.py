"""Browser fixtures: Debian's Chromium (`apt-get install chromium`) driven by Playwright's sync API.

Playwright's own browser download is not used: `executable_path` points at the system Chromium. Without it the
browser tests skip, with a message saying how to install it; with `CI=true` they fail instead, so a CI image that
lost its browser cannot pass silently.

Sync API and the test server: the server runs uvicorn in a thread of its own, with its own event loop, so the sync
API can drive the browser from the test (main) thread. One caveat makes the scope matter: while a sync Playwright
is alive, it marks its loop as the main thread's *running* loop between calls, so any later test in the same
process that calls `asyncio.run()` would fail ("cannot be called from a running event loop"). The Playwright
instance and the browser are therefore package-scoped: started for the first test of `tests/e2e` and stopped as
soon as pytest leaves the package, leaving the main thread clean for the rest of the suite. Each test gets fresh
browser contexts (no shared storage or cookies).
"""

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}

# Records violations of the page's Content-Security-Policy; init scripts run outside the page's CSP.
_RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def _chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> NoReturn:
    message = (f"{reason}. The browser tests need Debian's Chromium (`apt-get install chromium`, or set "
               f"CHROMIUM_PATH) and Playwright's Python package (`pip install -e '.[test]'`); Playwright's own "
               f"browser download is not needed.")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} CI=true: a missing browser fails the run.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright's Python package is not installed")
    executable = _chromium()
    if executable is None:
        _unavailable("Chromium was not found")
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a shared machine: be patient, never time anything
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page of a fresh browser context, with what it logged and requested."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    request_urls: list[str] = field(default_factory=list)
    token_headers: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (status, url) of every 4xx answer

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))


@pytest.fixture
def open_tab(browser: Any, server_url: str) -> Iterator[Callable[..., Tab]]:
    """`open_tab(locale="en-GB", viewport=LAPTOP)`: a page in a new context, closed after the test."""
    contexts: list[Any] = []

    def open_(locale: str = "en-GB", viewport: dict[str, int] = LAPTOP, **options: Any) -> Tab:
        phone = viewport["width"] < 600
        context = browser.new_context(base_url=server_url, locale=locale, viewport=viewport, is_mobile=phone,
                                      has_touch=phone, reduced_motion="reduce", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        context.add_init_script(_RECORD_CSP)
        tab = Tab(page=context.new_page())
        tab.page.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
        tab.page.on("pageerror", lambda e: tab.console_errors.append(f"uncaught: {e}"))

        def on_request(request: Any) -> None:
            tab.request_urls.append(request.url)
            token = request.headers.get("x-survey-token")
            if token:
                tab.token_headers.append(token)

        tab.page.on("request", on_request)
        tab.page.on("response", lambda r: tab.refused.append((r.status, r.url)) if 400 <= r.status < 500 else None)
        return tab

    yield open_
    for context in contexts:
        context.close()
