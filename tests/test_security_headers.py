"""Security headers on every route outside the API, found from the route tables of the app and of app/web (a page
or file added later is checked without being listed here): the web form's pages and static files carry the strict
policy (no inline script, no framing, no referrer) in 200, 304 and HEAD answers alike; the API docs' pages the same,
except that Swagger UI and ReDoc need inline styles and a blob worker."""

import httpx
import pytest
from starlette.routing import Route

from app.config import API_PREFIX
from app.main import create_app
from app.web.router import DOCS_HEADERS, _static_files
from app.web.router import router as web_router
from tests.test_web_pages import SECURITY, _parse

NOT_PAGES = {"/openapi.json", "/health", "/ready"}  # JSON, not for browsers
DOCS = {"/docs", "/redoc"}


def _browser_paths() -> list[str]:
    paths = []
    for route in [*create_app().routes, *web_router.routes]:
        if not isinstance(route, Route) or route.path.startswith(API_PREFIX) or route.path in NOT_PAGES:
            continue
        if route.path == "/static/{name}":
            paths += [f"/static/{name}" for name in sorted(_static_files())]
        else:
            assert "{" not in route.path, f"a new parametrised route outside the API: check it here ({route.path})"
            paths.append(route.path)
    return paths


PATHS = _browser_paths()


def test_the_routes_found_are_the_known_pages_and_files() -> None:
    assert {"/respond", "/dashboard", "/static/respond.js", "/static/dashboard.js", *DOCS} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_every_page_and_file_is_served_with_security_headers(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 200, response.text
    expected = DOCS_HEADERS if path in DOCS else SECURITY
    assert "script-src 'self';" in DOCS_HEADERS["Content-Security-Policy"]
    for name, value in expected.items():
        assert response.headers[name] == value, (path, name)
    for answer in (http.head(path), http.get(path, headers={"If-None-Match": response.headers["etag"]})):
        assert answer.status_code in (200, 304)
        for name, value in expected.items():
            assert answer.headers[name] == value, (path, answer.status_code, name)


@pytest.mark.parametrize("path", [p for p in PATHS if not p.startswith("/static/")])
def test_our_pages_have_no_inline_script_handlers_or_styles(http: httpx.Client, path: str) -> None:
    page = _parse(http.get(path).text)
    assert page.script_text == [], path
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
        assert "style" not in attrs, (path, tag, attrs)
        if tag == "script":
            assert str(attrs["src"]).startswith("/static/"), (path, attrs)


def test_api_answers_are_not_html(http: httpx.Client) -> None:
    """The API never answers in HTML (which would need the page headers), not even for a path it doesn't have."""
    for path in ("/api/v1/nothing", "/nothing", "/static/nothing.js", f"{API_PREFIX}/respond"):
        assert not http.get(path).headers["content-type"].startswith("text/html"), path
