"""The API docs work without internet: /docs (Swagger UI) and /redoc (ReDoc) render in a real Chromium with every
request outside the service refused, under a script policy that allows only the service's own scripts."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _offline(tab: Any, server_url: str) -> list[str]:
    """Refuse every request that doesn't go to the service; the refused ones, to assert there were none."""
    ours, refused = urlsplit(server_url).netloc, []

    def route(r: Any) -> None:
        url = urlsplit(r.request.url)
        if url.scheme in ("data", "blob") or url.netloc == ours:
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    tab.page.context.route("**/*", route)
    return refused


def test_swagger_ui_renders_offline(open_tab: Any, server_url: str) -> None:
    tab = open_tab()
    refused = _offline(tab, server_url)
    tab.page.goto("/docs")
    expect(tab.page.locator(".swagger-ui .info .title")).to_contain_text("Culture-gap assessment API")
    expect(tab.page.locator("#operations-surveys-create_survey")).to_be_visible()
    assert refused == [] and tab.csp_violations() == [] and tab.console_errors == []


def test_redoc_renders_offline(open_tab: Any, server_url: str) -> None:
    tab = open_tab()
    refused = _offline(tab, server_url)
    tab.page.goto("/redoc")
    expect(tab.page.locator("h1").first).to_contain_text("Culture-gap assessment API")
    expect(tab.page.get_by_role("menuitem", name="surveys", exact=True)).to_be_visible()
    # ReDoc's "powered by" logo points at its CDN: the policy stops it before any request leaves
    assert refused == [] and set(tab.csp_violations()) <= {"img-src https://cdn.redoc.ly/redoc/logo-mini.svg"}
